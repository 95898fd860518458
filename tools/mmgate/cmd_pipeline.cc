// mmgate pipeline run|show: pipeline suites (docs/pipeline.md).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapter/factory.h"
#include "commands.h"
#include "common/files.h"
#include "common/hash.h"
#include "demo/voice_pipeline.h"
#include "pipeline/gate.h"
#include "pipeline/html.h"
#include "pipeline/otel.h"
#include "pipeline/run.h"
#include "pipeline/summary.h"
#include "pipeline_demo.h"
#include "project.h"
#include "report/verdict.h"
#include "runner/runner.h"

namespace mmgate::cli {
namespace {

struct PipelineFlags {
  std::string config = "mmgate.yaml";
  std::string db;
  std::string suite;
  std::string run_id;
  std::vector<std::string> sets;  // STAGE=MODEL
  bool json = false;
  std::string run;                  // show, export-otel
  std::string baseline, candidate;  // gate
  std::string markdown, html, output;
};

int Show(store::Store* store, const std::string& run_id, bool json) {
  auto run = pipeline::LoadRun(store, run_id);
  if (!run.ok()) return Fail("pipeline", run.status());
  for (const std::string& p : run->problems)
    std::fprintf(stderr, "%s\n", TerminalSafe(p).c_str());
  pipeline::RunSummaryView s = pipeline::Summarise(*run);
  if (json) {
    std::printf("%s\n", pipeline::SummaryJson(s).dump(2).c_str());
  } else {
    std::fputs(TerminalSafe(pipeline::SummaryText(s)).c_str(), stdout);
  }
  return kExitOk;
}

int RunPipeline(const PipelineFlags& f) {
  auto cfg = LoadConfigFile(f.config);
  if (!cfg.ok()) return Fail("pipeline", cfg.status());
  const ProjectConfig& project = cfg->project;
  const Suite* suite = nullptr;
  for (const Suite& s : project.suites)
    if (s.name == f.suite) suite = &s;
  if (suite == nullptr) return Fail("pipeline", UnknownSuite(project, f.suite));
  PrintProblems(project);
  pipeline::RunOptions opt;
  opt.run_id = f.run_id;
  auto sets = ParseStageSets(f.sets);
  if (!sets.ok()) return Fail("pipeline", sets.status());
  opt.overrides = std::move(*sets);
  opt.stop = InstallStopHandler();
  opt.progress = [](int64_t done, int64_t total) {
    std::fprintf(stderr, "\rpipeline: %lld/%lld items",
                 static_cast<long long>(done), static_cast<long long>(total));
    if (done == total) std::fputc('\n', stderr);
  };
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("pipeline", store.status());
  SystemClock clock;
  auto sum = pipeline::RunSuite(project, *suite, opt, DefaultModelEnv(),
                                store->get(), &clock);
  if (!sum.ok()) return Fail("pipeline", sum.status());
  if (!f.json) std::printf("%s\n", sum->run_id.c_str());
  if (sum->interrupted) return kExitInterrupted;
  return Show(store->get(), sum->run_id, f.json);
}

int ShowCommand(const PipelineFlags& f) {
  auto store = OpenResults(f.config, f.db, "pipeline show");
  if (!store.ok()) return Fail("pipeline", store.status());
  auto id = ResolveRun(store->get(), f.run);
  if (!id.ok()) return Fail("pipeline", id.status());
  return Show(store->get(), *id, f.json);
}

Result<pipeline::StoredRun> LoadResolved(store::Store* store,
                                         const std::string& ref) {
  auto id = ResolveRun(store, ref);
  if (!id.ok()) return id.status();
  auto run = pipeline::LoadRun(store, *id);
  if (!run.ok()) return run.status();
  for (const std::string& p : run->problems)
    std::fprintf(stderr, "%s\n", TerminalSafe(p).c_str());
  return run;
}

int GateCommand(const PipelineFlags& f) {
  auto cfg = LoadConfigFile(f.config, false);
  if (!cfg.ok()) return Fail("pipeline", cfg.status());
  auto store = OpenResults(f.config, f.db, "pipeline gate");
  if (!store.ok()) return Fail("pipeline", store.status());
  auto base = LoadResolved(store->get(), f.baseline);
  if (!base.ok()) return Fail("pipeline", base.status());
  auto cand = LoadResolved(store->get(), f.candidate);
  if (!cand.ok()) return Fail("pipeline", cand.status());
  auto e = pipeline::GateStages(*base, *cand, cfg->policy);
  if (!e.ok()) return Fail("pipeline", e.status());
  const pipeline::RunSummaryView bs = pipeline::Summarise(*base);
  const pipeline::RunSummaryView cs = pipeline::Summarise(*cand);
  if (!f.markdown.empty()) {
    std::string md = report::RenderVerdictMarkdown(e->outcome);
    md += "\n## Stages\n\nbaseline:\n\n```\n" + pipeline::SummaryText(bs) +
          "```\n\ncandidate:\n\n```\n" + pipeline::SummaryText(cs) + "```\n";
    Status st = WriteFileAtomic(f.markdown, md);
    if (!st.ok()) return Fail("pipeline", st);
  }
  if (!f.html.empty()) {
    Status st =
        WriteFileAtomic(f.html, pipeline::RenderStagesHtml(bs, cs, e->outcome));
    if (!st.ok()) return Fail("pipeline", st);
  }
  if (f.json) {
    nlohmann::json j = report::OutcomeJson(e->outcome);
    j["stages"] = {{"baseline", pipeline::SummaryJson(bs)},
                   {"candidate", pipeline::SummaryJson(cs)}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fputs(TerminalSafe(report::RenderVerdictTerminal(e->outcome)).c_str(),
               stdout);
    std::fputs(TerminalSafe("\nbaseline " + pipeline::SummaryText(bs) +
                            "\ncandidate " + pipeline::SummaryText(cs))
                   .c_str(),
               stdout);
  }
  return ExitForVerdict(e->outcome.verdict);
}

int ExportOtel(const PipelineFlags& f) {
  auto store = OpenResults(f.config, f.db, "pipeline export-otel");
  if (!store.ok()) return Fail("pipeline", store.status());
  auto run = LoadResolved(store->get(), f.run);
  if (!run.ok()) return Fail("pipeline", run.status());
  nlohmann::json otlp = pipeline::OtlpTraces(*run);
  Status st = WriteFileAtomic(f.output, otlp.dump(2) + "\n");
  if (!st.ok()) return Fail("pipeline", st);
  if (f.json) {
    std::printf("%s\n", nlohmann::json({{"run", run->run.run_id},
                                        {"traces", run->items.size()},
                                        {"file", f.output}})
                            .dump()
                            .c_str());
  } else {
    std::printf("%zu traces of run %s written to %s\n", run->items.size(),
                run->run.run_id.c_str(), f.output.c_str());
  }
  return kExitOk;
}

void CommonFlags(CLI::App* app, PipelineFlags* f) {
  app->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  app->add_option(
      "--db", f->db,
      "results database (default .mmgate/results.db beside config)");
  app->add_flag("--json", f->json, "print the summary as JSON");
}

}  // namespace

Result<std::map<std::string, std::string>> ParseStageSets(
    const std::vector<std::string>& sets) {
  std::map<std::string, std::string> out;
  for (const std::string& set : sets) {
    const size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == set.size())
      return Status::Invalid(
          fmt::format("--set '{}': expected STAGE=MODEL", set));
    out[set.substr(0, eq)] = set.substr(eq + 1);
  }
  return out;
}

Status RunDemoPipeline(const std::string& out, uint64_t seed, bool small,
                       const std::atomic<bool>* stop) {
  namespace fs = std::filesystem;
  std::fprintf(stderr,
               "\nThe voice pipeline (PocketSphinx -> rules -> eSpeak NG -> "
               "PocketSphinx)...\n");
  auto built = demo::BuildVoicePipeline((fs::path(out) / "pipeline").string(),
                                        seed, small);
  if (!built.ok()) return built.status();
  auto cfg = LoadConfigFile(built->config);
  if (!cfg.ok()) return cfg.status();
  const Suite* suite = nullptr;
  for (const Suite& s : cfg->project.suites)
    if (s.name == built->suite) suite = &s;
  if (suite == nullptr) return UnknownSuite(cfg->project, built->suite);
  auto store = OpenStore(built->config, "");
  if (!store.ok()) return store.status();
  SystemClock clock;
  // As `mmgate run` runs them: the baseline, then the candidate, which takes
  // the baseline's place at the stage that names it.
  const std::string models[2] = {built->baseline, built->candidate_model};
  std::string runs[2];
  for (int i = 0; i < 2; ++i) {
    pipeline::InRunOptions po;
    po.model = models[i];
    po.progress = [i](const std::string&, int64_t done, int64_t total) {
      std::fprintf(stderr, "\r  %s: %lld/%lld items",
                   i == 0 ? "baseline" : "candidate",
                   static_cast<long long>(done), static_cast<long long>(total));
      if (done == total) std::fputc('\n', stderr);
    };
    runner::RunOptions opt;
    // The run id follows the suite's version: a second demo resumes.
    opt.run_id =
        fmt::format("voice-{}-{}", models[i], suite->version_hash.substr(0, 8));
    opt.stop = stop;
    opt.stage_runner = pipeline::MakeStageRunner(
        cfg->project, std::move(po), DefaultModelEnv(), store->get(), &clock);
    auto sum = runner::Run(cfg->project, models[i], opt, store->get(), &clock);
    if (!sum.ok()) return sum.status();
    if (sum->interrupted) return Status::Internal("interrupted");
    runs[i] = sum->run_id;
  }
  auto base = pipeline::LoadRun(store->get(), runs[0]);
  if (!base.ok()) return base.status();
  auto cand = pipeline::LoadRun(store->get(), runs[1]);
  if (!cand.ok()) return cand.status();
  auto e = pipeline::GateStages(*base, *cand, cfg->policy);
  if (!e.ok()) return e.status();
  const pipeline::RunSummaryView bs = pipeline::Summarise(*base);
  const pipeline::RunSummaryView cs = pipeline::Summarise(*cand);
  std::printf("\nVoice pipeline, candidate swaps %s -> %s\n%s",
              built->candidate_stage.c_str(), built->candidate_model.c_str(),
              report::RenderVerdictTerminal(e->outcome).c_str());
  std::printf("\nbaseline %s\ncandidate %s", pipeline::SummaryText(bs).c_str(),
              pipeline::SummaryText(cs).c_str());
  const fs::path dir(out);
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((dir / "pipeline.html").string(),
                      pipeline::RenderStagesHtml(bs, cs, e->outcome)));
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((dir / "pipeline.md").string(),
                      report::RenderVerdictMarkdown(e->outcome) + "\n```\n" +
                          pipeline::SummaryText(cs) + "```\n"));
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((dir / "pipeline-otel.json").string(),
                      pipeline::OtlpTraces(*cand).dump(2) + "\n"));
  std::printf(
      "Written to %s/: pipeline.html (failure rate per stage, blame), "
      "pipeline.md, pipeline-otel.json (OpenTelemetry traces)\n",
      out.c_str());
  return Status::Ok();
}

void AddPipelineCommand(CLI::App* sub, int* exit_code) {
  sub->require_subcommand(1);
  auto f = std::make_shared<PipelineFlags>();
  CLI::App* run = sub->add_subcommand(
      "run",
      "run a pipeline suite's stages over its items, score every stage "
      "boundary and blame failing items; prints the run id and a per-stage "
      "summary");
  CommonFlags(run, f.get());
  run->add_option("-s,--suite", f->suite, "the pipeline suite")->required();
  run->add_option("--run-id", f->run_id,
                  "run id (an existing one resumes, redoing no finished "
                  "item)");
  run->add_option("--set", f->sets,
                  "STAGE=MODEL: give a stage another model of the config "
                  "(a candidate pipeline)");
  run->callback([f, exit_code] { *exit_code = RunPipeline(*f); });
  CLI::App* show = sub->add_subcommand(
      "show", "per-stage failure rates and blame counts of a pipeline run");
  CommonFlags(show, f.get());
  show->add_option("run", f->run, "run id, latest or latest:MODEL")->required();
  show->callback([f, exit_code] { *exit_code = ShowCommand(*f); });
  CLI::App* g = sub->add_subcommand(
      "gate",
      "gate a candidate pipeline run against the baseline per stage (like "
      "slices): exit 0 pass, 1 block, 3 inconclusive");
  CommonFlags(g, f.get());
  g->add_option("--baseline", f->baseline, "baseline pipeline run")->required();
  g->add_option("--candidate", f->candidate, "candidate pipeline run")
      ->required();
  g->add_option("--markdown", f->markdown, "write the verdict as Markdown");
  g->add_option("--html", f->html,
                "write the per-stage picture as an HTML page");
  g->callback([f, exit_code] { *exit_code = GateCommand(*f); });
  CLI::App* otel = sub->add_subcommand(
      "export-otel",
      "write a pipeline run as OpenTelemetry traces (OTLP/JSON, GenAI "
      "semantic conventions): one trace per item, one span per stage");
  CommonFlags(otel, f.get());
  otel->add_option("run", f->run, "run id, latest or latest:MODEL")->required();
  otel->add_option("-o,--output", f->output, "the JSON file to write")
      ->required();
  otel->callback([f, exit_code] { *exit_code = ExportOtel(*f); });
}

}  // namespace mmgate::cli
