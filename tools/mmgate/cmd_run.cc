#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "judge/scorer.h"
#include "project.h"
#include "report/failed_items.h"
#include "runner/estimate.h"
#include "runner/runner.h"

namespace mmgate::cli {
namespace {

struct RunFlags {
  std::string config = "mmgate.yaml";
  std::string model;
  std::vector<std::string> suites;
  std::string db;
  std::string run_id;
  int workers = 0;
  bool json = false;
  bool dry_run = false;
  int repeat = 1;
};

std::string Dollars(double cost) {
  return cost < 0 ? "no price" : fmt::format("${:.4f}", cost);
}

int DryRun(const RunFlags& f, const ProjectConfig& project,
           store::Store* store) {
  runner::RunOptions opt;
  opt.run_id = f.run_id;
  opt.suites = f.suites;
  opt.repeat = f.repeat;
  auto e = runner::EstimateRun(project, f.model, opt, store);
  if (!e.ok()) return Fail("run", e.status());
  auto row = [](const runner::SuiteEstimate& s) {
    return nlohmann::json{
        {"suite", s.suite},
        {"calls", s.items},
        {"already_answered", s.cached},
        {"input_tokens", s.input_tokens},
        {"output_tokens", s.output_tokens},
        {"cost_usd",
         s.cost_usd < 0 ? nlohmann::json() : nlohmann::json(s.cost_usd)}};
  };
  if (f.json) {
    nlohmann::json suites = nlohmann::json::array();
    for (const auto& s : e->suites) suites.push_back(row(s));
    nlohmann::json j = {{"dry_run", true},
                        {"model", e->model},
                        {"model_version", e->model_version},
                        {"priced", e->priced},
                        {"billed", e->billed},
                        {"suites", suites},
                        {"total", row(e->total)}};
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("dry run of %s (%s): nothing is sent\n", e->model.c_str(),
              e->model_version.c_str());
  std::printf("%-24s %8s %8s %12s %12s %12s\n", "suite", "calls", "stored",
              "input tok", "output tok", "cost");
  for (const auto& s : e->suites) {
    std::printf(
        "%-24s %8lld %8lld %12lld %12lld %12s\n", s.suite.c_str(),
        static_cast<long long>(s.items), static_cast<long long>(s.cached),
        static_cast<long long>(s.input_tokens),
        static_cast<long long>(s.output_tokens), Dollars(s.cost_usd).c_str());
  }
  const auto& t = e->total;
  std::printf("%-24s %8lld %8lld %12lld %12lld %12s\n", "total",
              static_cast<long long>(t.items), static_cast<long long>(t.cached),
              static_cast<long long>(t.input_tokens),
              static_cast<long long>(t.output_tokens),
              Dollars(t.cost_usd).c_str());
  if (!e->billed)
    std::printf("%s is a local engine: running it costs nothing\n",
                e->model.c_str());
  else if (!e->priced)
    std::printf("no prices: entry for %s in mmgate.yaml; tokens only\n",
                e->model.c_str());
  std::printf(
      "estimate: input from prompt length and media, output from the "
      "reference answers' length; retries not included\n");
  return kExitOk;
}

nlohmann::json SummaryJson(const RunFlags& f, const runner::RunSummary& s,
                           const std::vector<report::FailedItem>& failed,
                           const std::string& db) {
  return {{"run_id", s.run_id},
          {"model", f.model},
          {"model_version", s.model_version},
          {"resumed", s.resumed},
          {"total", s.total},
          {"skipped", s.skipped},
          {"done", s.done},
          {"errors", s.errors},
          {"failed_items", report::FailedItemsJson(failed)},
          {"interrupted", s.interrupted},
          {"attempts", s.attempts},
          {"cache_hits", s.cache_hits},
          {"cost_usd", s.cost_usd},
          {"repeat", f.repeat},
          {"flaky", s.flaky},
          {"schema_checked", s.schema_checked},
          {"schema_valid", s.schema_valid},
          {"db", db}};
}

// The first failed items with their kind and reason, then how to see all:
// the reasons are what a user needs to fix them.
void PrintFailed(const std::string& run_id,
                 const std::vector<report::FailedItem>& failed,
                 bool all_failed) {
  if (failed.empty()) return;
  constexpr size_t kShown = 5;
  std::fprintf(stderr, "%s%zu item%s failed in run %s:\n%s",
               all_failed ? "every item failed: " : "", failed.size(),
               failed.size() == 1 ? "" : "s", run_id.c_str(),
               report::FailedItemsText(failed, kShown).c_str());
  if (failed.size() > kShown)
    std::fprintf(stderr, "all of them: mmgate report %s\n", run_id.c_str());
}

// Judge-scored suites: answers graded, answers left unscored, and what the
// judge's calls cost (kept apart from the model under test's cost).
void PrintJudged(const judge::JudgeTally& t) {
  if (t.graded() + t.unscored() == 0) return;
  std::fprintf(stderr,
               "judge: %lld answers graded, %lld unscored (no verdict; not "
               "counted as failures), %lld judge calls, %lld from cache, "
               "$%.4f\n",
               static_cast<long long>(t.graded()),
               static_cast<long long>(t.unscored()),
               static_cast<long long>(t.attempts()),
               static_cast<long long>(t.cached()), t.cost_usd());
}

int RunCommand(const RunFlags& f) {
  auto cfg = LoadConfigFile(f.config);
  if (!cfg.ok()) return Fail("run", cfg.status());
  const ProjectConfig& project = cfg->project;
  PrintProblems(project);
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("run", store.status());
  if (f.dry_run) return DryRun(f, project, store->get());
  SystemClock clock;
  runner::RunOptions opt;
  opt.run_id = f.run_id;
  opt.suites = f.suites;
  opt.workers = f.workers;
  opt.repeat = f.repeat;
  opt.progress = !f.json;
  opt.stop = InstallStopHandler();
  auto judged = std::make_shared<judge::JudgeTally>();
  if (judge::HasJudges(*cfg))
    opt.score_hook = judge::JudgeScoring(*cfg, store->get(), &clock,
                                         CreateDefaultModel, judged);
  auto summary = runner::Run(project, f.model, opt, store->get(), &clock);
  if (!summary.ok()) return Fail("run", summary.status());
  const runner::RunSummary& s = *summary;
  auto results = (*store)->LoadResults(s.run_id);
  if (!results.ok()) return Fail("run", results.status());
  const std::vector<report::FailedItem> failed = report::FailedItems(*results);
  // Every item failing is no run to compare: a misspelled command, a model
  // that cannot start, media it cannot read.
  const bool all_failed = !results->empty() && failed.size() == results->size();
  if (f.json) {
    std::printf(
        "%s\n",
        SummaryJson(f, s, failed, (*store)->Describe()).dump(2).c_str());
  } else {
    std::fprintf(
        stderr,
        "%s %s: %lld items, %lld done now, %lld already done, %lld "
        "failed%s%s\n",
        s.resumed ? "resumed" : "run", s.run_id.c_str(),
        static_cast<long long>(s.total), static_cast<long long>(s.done),
        static_cast<long long>(s.skipped), static_cast<long long>(s.errors),
        s.attempts + s.cache_hits == 0
            ? ""
            : fmt::format(", {} provider calls, {} from cache, ${:.4f}",
                          s.attempts, s.cache_hits, s.cost_usd)
                  .c_str(),
        s.interrupted
            ? " (interrupted: run the same command with --run-id to resume)"
            : "");
    if (s.schema_checked > 0)
      std::fprintf(
          stderr,
          "structured answers valid on first pass: %lld of %lld (%.1f%%)\n",
          static_cast<long long>(s.schema_valid),
          static_cast<long long>(s.schema_checked),
          100.0 * static_cast<double>(s.schema_valid) /
              static_cast<double>(s.schema_checked));
    if (!s.flaky.empty()) {
      std::fprintf(stderr,
                   "flaky (answers differ across %d repeats): %zu item%s:",
                   f.repeat, s.flaky.size(), s.flaky.size() == 1 ? "" : "s");
      for (size_t i = 0; i < s.flaky.size() && i < 10; ++i)
        std::fprintf(stderr, " %s", s.flaky[i].c_str());
      std::fprintf(stderr, "%s\n", s.flaky.size() > 10 ? " ..." : "");
    }
    PrintJudged(*judged);
    PrintFailed(s.run_id, failed, all_failed);
    std::printf("%s\n", s.run_id.c_str());
  }
  if (s.interrupted) return kExitInterrupted;
  return all_failed ? kExitAllFailed : kExitOk;
}

}  // namespace

void AddRunCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<RunFlags>();
  sub->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  sub->add_option("-m,--model", f->model, "model name in mmgate.yaml")
      ->required();
  sub->add_option("-s,--suite", f->suites,
                  "suite to run (repeatable; default: all)");
  sub->add_option(
      "--db", f->db,
      "results database (default .mmgate/results.db beside config)");
  sub->add_option("--run-id", f->run_id, "run id; an existing one resumes");
  sub->add_option("-j,--workers", f->workers,
                  "parallel workers (default: one per core)")
      ->check(CLI::Range(0, 4096));
  sub->add_flag("--json", f->json, "print the run summary as JSON");
  sub->add_option("--repeat", f->repeat,
                  "call the model N times per item: scores are the mean, "
                  "disagreeing items are reported as flaky")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--dry-run", f->dry_run,
                "estimate the run's tokens and cost without calling the model");
  sub->callback([f, exit_code] { *exit_code = RunCommand(*f); });
}

}  // namespace mmgate::cli
