#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "dataset/load.h"
#include "dry_run.h"
#include "judge/scorer.h"
#include "pipeline/run.h"
#include "pipeline/summary.h"
#include "pipeline_demo.h"
#include "project.h"
#include "report/failed_items.h"
#include "report/run_end.h"
#include "report/run_scores.h"
#include "runner/plan.h"
#include "runner/runner.h"
#include "runner/worker.h"
#include "stats/compare.h"

namespace mmgate::cli {
namespace {

struct RunFlags {
  std::string config = "mmgate.yaml";
  std::string model;
  std::vector<std::string> suites;
  std::vector<std::string> stage_sets;  // --set STAGE=MODEL (pipelines)
  std::string db;
  std::string run_id;
  int workers = 0;
  bool json = false;
  bool dry_run = false;
  int repeat = 1;
  int limit = 0;  // 0: every item
  // Shared-database workers (runner/worker.h).
  bool worker = false;
  bool coordinate = false;
  std::string worker_id;  // empty: host:pid
  int batch_size = 16;
  int64_t lease_ms = 60000;
};

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

// The end of a run on a terminal: its counts, then what a user needs to act
// on (flaky items, failed items with their reasons), then the scores.
void PrintRunText(const RunFlags& f, const runner::RunSummary& s,
                  const std::vector<report::FailedItem>& failed,
                  bool all_failed, const stats::Comparison& scores) {
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
  PrintFailed(s.run_id, failed, all_failed);
  std::fprintf(stderr, "%s",
               TerminalSafe(report::RunScoresText(scores)).c_str());
}

// Keeps the first `limit` items of each suite (and the invalid lines among
// them): a quick try of the whole project, holding `limit` items at most.
Status LimitItems(int limit, ProjectConfig* project) {
  if (limit <= 0) return Status::Ok();
  for (Suite& s : project->suites)
    MMGATE_RETURN_IF_ERROR(
        dataset::KeepFirstItems(&s, static_cast<size_t>(limit))
            .WithContext("suite " + s.name));
  return Status::Ok();
}

// Judge-scored suites: answers graded, answers left unscored, and what the
// judge's calls cost, apart from the model under test's and added to it.
void PrintJudged(const judge::JudgeTally& t, const runner::RunSummary& s) {
  if (t.graded() + t.unscored() == 0) return;
  const double total = s.cost_usd + t.cost_usd();
  std::fprintf(stderr,
               "judge: %lld answers graded, %lld unscored (no verdict; not "
               "counted as failures), %lld judge calls, %lld from cache, "
               "$%.4f; with the model's calls $%.4f, $%.6f per item\n",
               static_cast<long long>(t.graded()),
               static_cast<long long>(t.unscored()),
               static_cast<long long>(t.attempts()),
               static_cast<long long>(t.cached()), t.cost_usd(), total,
               s.total > 0 ? total / static_cast<double>(s.total) : 0.0);
}

nlohmann::json JudgedJson(const judge::JudgeTally& t,
                          const runner::RunSummary& s) {
  if (t.graded() + t.unscored() == 0) return nullptr;
  return {{"graded", t.graded()},
          {"unscored", t.unscored()},
          {"calls", t.attempts()},
          {"cache_hits", t.cached()},
          {"cost_usd", t.cost_usd()},
          {"cost_usd_with_model", s.cost_usd + t.cost_usd()}};
}

// Pipeline suites run through their stages (pipeline/run.h), the
// baseline's stages swapped for `model`, then --set.
runner::StageRunner StageRunnerFor(
    const RunFlags& f, const ProjectConfig& project, const std::string& model,
    const std::map<std::string, std::string>& sets, store::Store* store,
    Clock* clock) {
  pipeline::InRunOptions po;
  po.model = model;
  po.overrides = sets;
  if (!f.json) {
    po.progress = [](const std::string& suite, int64_t done, int64_t total) {
      std::fprintf(stderr, "\rpipeline %s: %lld/%lld items", suite.c_str(),
                   static_cast<long long>(done), static_cast<long long>(total));
      if (done == total) std::fputc('\n', stderr);
    };
  }
  return pipeline::MakeStageRunner(project, std::move(po), DefaultModelEnv(),
                                   store, clock);
}

// Per-stage failure rates and blame of the run's pipeline suites: text on
// stderr, or the JSON array of their summaries.
Result<nlohmann::json> PipelineSummaries(
    store::Store* store, const std::string& run_id,
    const std::vector<store::SuiteRecord>& suites, bool json) {
  nlohmann::json out = nlohmann::json::array();
  for (const store::SuiteRecord& s : suites) {
    if (s.modality != "pipeline") continue;
    auto run = pipeline::LoadRun(store, run_id, s.suite);
    if (!run.ok()) return run.status();
    for (const std::string& p : run->problems)
      std::fprintf(stderr, "%s\n", TerminalSafe(p).c_str());
    const pipeline::RunSummaryView v = pipeline::Summarise(*run);
    if (json)
      out.push_back(pipeline::SummaryJson(v));
    else
      std::fprintf(stderr, "%s",
                   TerminalSafe(pipeline::SummaryText(v)).c_str());
  }
  return out;
}

struct RunOutcome {
  int exit_code = kExitOk;
  nlohmann::json json;
};

// `project` is cfg's project with --suite and --limit applied.
RunOutcome RunModel(const RunFlags& f, const config::Config& cfg,
                    const ProjectConfig& project,
                    const std::vector<std::string>& suites,
                    const std::map<std::string, std::string>& sets,
                    const std::string& model, store::Store* store) {
  SystemClock clock;
  runner::RunOptions opt;
  opt.run_id = f.run_id;
  opt.suites = suites;
  opt.workers = f.workers;
  opt.repeat = f.repeat;
  opt.progress = !f.json;
  opt.stop = InstallStopHandler();
  auto judged = std::make_shared<judge::JudgeTally>();
  if (judge::HasJudges(cfg))
    opt.score_hook =
        judge::JudgeScoring(cfg, store, &clock, CreateDefaultModel, judged);
  opt.stage_runner = StageRunnerFor(f, project, model, sets, store, &clock);
  auto summary = runner::Run(project, model, opt, store, &clock);
  if (!summary.ok()) return {Fail("run", summary.status())};
  const runner::RunSummary& s = *summary;
  auto suite_records = store->GetSuites(s.run_id);
  if (!suite_records.ok()) return {Fail("run", suite_records.status())};
  // Failed items and the run against itself (its per-suite scores, figured
  // as everywhere else), read a page at a time: a million-item run's rows
  // are never held at once.
  auto end = report::ReadRunEnd(store, s.run_id, *suite_records);
  if (!end.ok()) return {Fail("run", end.status())};
  const std::vector<report::FailedItem>& failed = end->failed;
  const stats::Comparison& scores = end->scores;
  // Every item failing is no run to compare: a misspelled command, a model
  // that cannot start, media it cannot read.
  const bool all_failed =
      end->items > 0 && failed.size() == static_cast<size_t>(end->items);
  RunOutcome out;
  auto pipelines = PipelineSummaries(store, s.run_id, *suite_records, f.json);
  if (!pipelines.ok()) return {Fail("run", pipelines.status())};
  if (f.json) {
    RunFlags named = f;
    named.model = model;
    out.json = SummaryJson(named, s, failed, store->Describe());
    out.json["scores"] = report::RunScoresJson(scores);
    out.json["judge"] = JudgedJson(*judged, s);
    if (!pipelines->empty()) out.json["pipelines"] = *pipelines;
  } else {
    PrintRunText(f, s, failed, all_failed, scores);
    PrintJudged(*judged, s);
    std::printf("%s\n", s.run_id.c_str());
  }
  if (s.interrupted)
    out.exit_code = kExitInterrupted;
  else if (all_failed)
    out.exit_code = kExitAllFailed;
  return out;
}

// -m, or else the config's baseline and candidate, in that order.
Result<std::vector<std::string>> ModelsToRun(const RunFlags& f,
                                             const ProjectConfig& project) {
  if (!f.model.empty()) return std::vector<std::string>{f.model};
  std::vector<std::string> models;
  for (const std::string& m : {project.baseline, project.candidate}) {
    if (!m.empty() && (models.empty() || models[0] != m)) models.push_back(m);
  }
  if (models.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, spec] : project.models) names.push_back(name);
    return Status::Invalid(fmt::format(
        "{} names no baseline or candidate model: say which model to run "
        "with -m (models: {})",
        project.path, fmt::join(names, ", ")));
  }
  if (models.size() > 1 && !f.run_id.empty())
    return Status::Invalid(
        "--run-id names one run: give -m too (without -m, run runs both the "
        "baseline and the candidate)");
  return models;
}

// This process's worker name: --worker-id, else host:pid (unique while the
// process lives, which is as long as its leases matter).
std::string WorkerName(const RunFlags& f) {
  if (!f.worker_id.empty()) return f.worker_id;
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}", host, ::getpid());
}

// --worker / --coordinate: one of many processes finishing a run together.
int RunAsWorker(const RunFlags& f, const config::Config& cfg,
                const ProjectConfig& project,
                const std::vector<std::string>& suites,
                const std::map<std::string, std::string>& sets,
                store::Store* store) {
  if (f.model.empty() || f.run_id.empty())
    return Fail("run", Status::Invalid("--worker and --coordinate need -m "
                                       "MODEL and --run-id (the shared run)"));
  SystemClock clock;
  runner::WorkerOptions opt;
  opt.run_id = f.run_id;
  opt.suites = suites;
  opt.owner = WorkerName(f);
  opt.batch_size = f.batch_size;
  opt.lease_ms = f.lease_ms;
  opt.poll_ms = std::clamp<int64_t>(f.lease_ms / 4, 10, 1000);
  opt.coordinate = f.coordinate;
  opt.stop = InstallStopHandler();
  auto judged = std::make_shared<judge::JudgeTally>();
  if (judge::HasJudges(cfg))
    opt.score_hook =
        judge::JudgeScoring(cfg, store, &clock, CreateDefaultModel, judged);
  // Pipeline suites: each leased item through all its stages.
  pipeline::InRunOptions po;
  po.model = f.model;
  po.overrides = sets;
  opt.staged = pipeline::MakeStagedItemRunner(project, std::move(po),
                                              DefaultModelEnv(), store, &clock);
  opt.on_plan = [&f, owner = opt.owner](int batch_size) {
    if (batch_size == f.batch_size) return;
    std::fprintf(stderr,
                 "%s: the run's plan cuts batches of %d items: this worker "
                 "uses that size, not --batch-size %d\n",
                 owner.c_str(), batch_size, f.batch_size);
  };
  std::fprintf(stderr, "%s %s of run %s in %s\n", opt.owner.c_str(),
               f.coordinate ? "coordinating" : "working", f.run_id.c_str(),
               store->Describe().c_str());
  auto s = runner::RunWorker(project, f.model, opt, store, &clock);
  if (!s.ok()) return Fail("run", s.status());
  if (f.json) {
    nlohmann::json j = {
        {"run_id", s->run_id},          {"worker", s->owner},
        {"batches", s->batches},        {"items", s->items},
        {"errors", s->errors},          {"lost_leases", s->lost_leases},
        {"refused_writes", s->refused}, {"run_finished", s->run_finished},
        {"planned", s->planned},        {"batch_size", s->batch_size}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fprintf(stderr,
                 "%s: %lld batches, %lld items (%lld errors), %lld leases "
                 "lost, %lld writes refused; run %s\n",
                 s->owner.c_str(), static_cast<long long>(s->batches),
                 static_cast<long long>(s->items),
                 static_cast<long long>(s->errors),
                 static_cast<long long>(s->lost_leases),
                 static_cast<long long>(s->refused),
                 s->run_finished ? "finished" : "not finished (stopped)");
    std::printf("%s\n", s->run_id.c_str());
  }
  return s->run_finished ? kExitOk : kExitInterrupted;
}

// --set STAGE=MODEL, each naming a stage of a selected pipeline suite.
Result<std::map<std::string, std::string>> StageSets(
    const RunFlags& f, const ProjectConfig& project,
    const std::vector<std::string>& selected) {
  auto sets = ParseStageSets(f.stage_sets);
  if (!sets.ok()) return sets.status();
  auto suites = runner::SelectSuites(project, selected);
  if (!suites.ok()) return suites.status();
  for (const auto& [stage, model] : *sets) {
    bool found = false;
    for (const Suite* s : *suites)
      for (const StageSpec& st : s->stages) found |= st.name == stage;
    if (!found)
      return Status::Invalid(fmt::format(
          "--set {}={}: no selected pipeline suite has a stage '{}'", stage,
          model, stage));
  }
  return sets;
}

int RunCommand(const RunFlags& f) {
  // Items are read in batches (bounded memory): --limit holds its items.
  auto cfg = LoadConfigFile(f.config, /*read_items=*/true, /*stream=*/true);
  if (!cfg.ok()) return Fail("run", cfg.status());
  ProjectConfig project = cfg->project;
  auto suites = SelectSuiteArgs(f.suites, &project);
  if (!suites.ok()) return Fail("run", suites.status());
  auto models = ModelsToRun(f, project);
  if (!models.ok()) return Fail("run", models.status());
  auto sets = StageSets(f, project, *suites);
  if (!sets.ok()) return Fail("run", sets.status());
  Status limited = LimitItems(f.limit, &project);
  if (!limited.ok()) return Fail("run", limited);
  PrintProblems(project);
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("run", store.status());
  if (f.worker || f.coordinate)
    return RunAsWorker(f, *cfg, project, *suites, *sets, store->get());
  if (f.dry_run) {
    DryRunRequest one{"", f.run_id, *suites, *sets, f.repeat, f.json};
    int rc = kExitOk;
    for (const std::string& m : *models) {
      one.model = m;
      rc = std::max(rc, DryRun(one, project, store->get()));
    }
    return rc;
  }
  nlohmann::json runs = nlohmann::json::array();
  int rc = kExitOk;
  for (const std::string& m : *models) {
    if (models->size() > 1 && !f.json)
      std::fprintf(stderr, "running the %s, model '%s'\n",
                   m == project.baseline ? "baseline" : "candidate", m.c_str());
    RunOutcome o = RunModel(f, *cfg, project, *suites, *sets, m, store->get());
    if (o.exit_code == kExitUsage || o.exit_code == kExitInterrupted)
      return o.exit_code;
    rc = std::max(rc, o.exit_code);
    runs.push_back(std::move(o.json));
  }
  if (f.json)
    std::printf("%s\n",
                (runs.size() == 1 ? runs[0] : nlohmann::json{{"runs", runs}})
                    .dump(2)
                    .c_str());
  return rc;
}

}  // namespace

void AddRunCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<RunFlags>();
  sub->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  sub->add_option("-m,--model", f->model,
                  "model name in mmgate.yaml (default: the config's baseline "
                  "and then its candidate)");
  sub->add_option("-s,--suite", f->suites,
                  "suite name in the config, or a suite YAML file "
                  "(repeatable; default: all of the config's)");
  sub->add_option("--set", f->stage_sets,
                  "STAGE=MODEL: a pipeline suite's stage runs another model "
                  "of the config (stages naming the baseline run the model "
                  "being run without it)");
  sub->add_option("--limit", f->limit,
                  "only the first N items of each suite (a quick try)")
      ->check(CLI::PositiveNumber);
  sub->add_option(
      "--db", f->db,
      "results database: a file or a postgresql:// URL (default: db: in the "
      "config, else .mmgate/results.db beside it)");
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
                "estimate the run's tokens and cost without calling the model "
                "(pipeline suites: their items, stages and stage models)");
  auto worker = sub->add_flag(
      "--worker", f->worker,
      "be one of many processes finishing --run-id together from a shared "
      "database (claims batches of items under leases; docs/scale.md)");
  sub->add_flag("--coordinate", f->coordinate,
                "plan --run-id, wait until workers finish it and mark it "
                "finished, running no item")
      ->excludes(worker);
  sub->add_option("--worker-id", f->worker_id,
                  "this worker's name in the leases (default: host:pid)");
  sub->add_option("--batch-size", f->batch_size,
                  "--worker: items per claimed batch when this worker plans "
                  "the run (a planned run keeps its plan's size)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--lease-ms", f->lease_ms,
                  "--worker: how long a claimed batch stays with a worker "
                  "that stops renewing it (must outlast the slowest item)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->callback([f, exit_code] { *exit_code = RunCommand(*f); });
}

}  // namespace mmgate::cli
