// mmgate: a release gate for multimodal model upgrades. This file is only the
// table of commands; each command lives in its own cmd_<name>.cc.
#include <cctype>
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  mmgate::cli::AddCommand add;
};

constexpr Command kCommands[] = {
    {"demo",
     "build the bundled gold suites, run baseline and candidate engines, "
     "compare",
     mmgate::cli::AddDemoCommand},
    {"init",
     "write a commented starter mmgate.yaml and one example suite per modality",
     mmgate::cli::AddInitCommand},
    {"run",
     "run a model (-m; without it the config's baseline, then its candidate) "
     "over the project's suites (resumes an existing --run-id)",
     mmgate::cli::AddRunCommand},
    {"runs",
     "list the runs in the results database, newest first (latest and "
     "latest:MODEL name runs anywhere a run id goes)",
     mmgate::cli::AddRunsCommand},
    {"gate",
     "compare a candidate run with the baseline run and decide: exit 0 pass, 1 "
     "block, 3 "
     "inconclusive",
     mmgate::cli::AddGateCommand},
    {"pipeline",
     "run a pipeline suite (transcribe -> reason -> synthesize), score each "
     "stage and blame failing items on a stage (run, show)",
     mmgate::cli::AddPipelineCommand},
    {"rescore",
     "score a stored run again from its stored answers (another metric or "
     "normalizer), no model call; prints the new run id",
     mmgate::cli::AddRescoreCommand},
    {"calibrate",
     "measure how far a judge agrees with people's labels (kappa with 95% "
     "intervals); the gate trusts a judge-scored suite only after this",
     mmgate::cli::AddCalibrateCommand},
    {"label",
     "a local page where people grade stored answers by keyboard (label "
     "stats: agreement between graders; label export: gold JSONL)",
     mmgate::cli::AddLabelCommand},
    {"goldset",
     "goldset health: label age against the release cadence, items that no "
     "longer discriminate, slices below min_n, what to refresh first",
     mmgate::cli::AddGoldsetCommand},
    {"mine",
     "production failures (thumbs down, tickets, low confidence, retries), "
     "duplicate media removed, a stratified sample queued for labeling",
     mmgate::cli::AddMineCommand},
    {"report",
     "compare two runs side by side per suite and slice (text, json, md, html)",
     mmgate::cli::AddReportCommand},
    {"perturb",
     "write a suite's items plus degraded variants (rotate, blur, gsm, snr, "
     "typos...) as a new suite",
     mmgate::cli::AddPerturbCommand},
    {"serve",
     "a local dashboard over the results database (runs, verdicts over "
     "time, comparisons); --engines: the local engines over the "
     "OpenAI-compatible API",
     mmgate::cli::AddServeCommand},
    {"load",
     "open-loop traffic from a profile (poisson, burst, ramp, sweep...) "
     "against a model's endpoint: latency from the schedule, TTFT, errors",
     mmgate::cli::AddLoadCommand},
    {"backfill",
     "replay production traces through a candidate: import, plan (sample, "
     "precision, cost), run, analyze (flips), review",
     mmgate::cli::AddBackfillCommand},
    {"score",
     "score sclite trn transcripts: mmgate score wer|cer --ref R --hyp H",
     mmgate::cli::AddScoreCommand},
};

void PrintHelp() {
  std::printf(
      "mmgate: a release gate for multimodal model upgrades\n\nusage: mmgate "
      "<command> "
      "[options]   (mmgate <command> --help for its options)\n\ncommands:\n");
  for (const Command& c : kCommands)
    std::printf("  %-8s %s\n", c.name, c.summary);
  std::printf("  %-8s %s\n", "help", "list the commands");
}

// True for a value that is spelled like an option: "--help", "--db", or a
// dash and a letter ("-h", "-c"). CLI11 hands the next word to an option that
// wants a value whatever it looks like, so `--db --help` would open (and
// create) a database named --help. A lone "-" (stdout for `report -o`) and
// negative numbers are values.
bool LooksLikeOption(const std::string& value) {
  if (value.rfind("--", 0) == 0) return true;
  return value.size() > 1 && value[0] == '-' &&
         std::isalpha(static_cast<unsigned char>(value[1]));
}

CLI::Validator NotAnOption() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (!LooksLikeOption(value)) return {};
        return "'" + value +
               "' is an option, not a value (for a file of that name write ./" +
               value + ")";
      },
      "", "NotAnOption");
}

// Adds the check to every option that takes a value, in every command and
// subcommand (`backfill import`, `label stats`...), before anything parses.
void RefuseOptionLikeValues(CLI::App* app, const CLI::Validator& check) {
  for (CLI::Option* o : app->get_options(
           [](CLI::Option* o) { return o->get_type_size_max() > 0; }))
    o->check(check);
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; }))
    RefuseOptionLikeValues(sub, check);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mmgate: a release gate for multimodal model upgrades"};
  app.require_subcommand(0, 1);
  int exit_code = mmgate::cli::kExitOk;
  for (const Command& c : kCommands)
    c.add(app.add_subcommand(c.name, c.summary), &exit_code);
  app.add_subcommand("help", "list the commands")->callback(PrintHelp);
  RefuseOptionLikeValues(&app, NotAnOption());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : mmgate::cli::kExitUsage;
  }
  if (app.get_subcommands().empty()) PrintHelp();
  return exit_code;
}
