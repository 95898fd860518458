#include "runner/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "ground/input_text.h"
#include "runner/plan.h"
#include "runner/pool.h"
#include "runner/progress.h"

namespace mmgate::runner {
namespace {

// The session's counters, added to by every worker.
struct Tally {
  std::mutex mu;  // guards everything below
  Status fatal;   // the first store failure: no new item starts
  int64_t done = 0;
  int64_t errors = 0;
  int64_t attempts = 0;
  int64_t cache_hits = 0;
  double cost_usd = 0;
  int64_t schema_checked = 0;
  int64_t schema_valid = 0;
  std::vector<std::string> flaky;

  void Add(const WorkItem& w, const ItemOutcome& o, const Status& written) {
    std::lock_guard<std::mutex> lock(mu);
    for (const Status* st : {&o.store_status, &written})
      if (!st->ok() && fatal.ok()) fatal = *st;
    const store::ResponseRecord& r = o.response;
    attempts += o.provider_attempts;
    cache_hits += o.cache_hits;
    cost_usd += r.cost_usd;
    ++done;
    if (r.error) ++errors;
    if (r.schema_valid >= 0) {
      ++schema_checked;
      schema_valid += r.schema_valid;
    }
    if (r.flaky) flaky.push_back(w.suite->name + "/" + w.item->id);
  }

  // The session's figures (after the workers are done).
  void CopyTo(RunSummary* s) {
    s->done = done;
    s->errors += errors;
    s->attempts = attempts;
    s->cache_hits = cache_hits;
    s->cost_usd = cost_usd;
    s->schema_checked = schema_checked;
    s->schema_valid = schema_valid;
    std::sort(flaky.begin(), flaky.end());
    s->flaky = std::move(flaky);
  }
};

// Drives the executor over one batch's work on the pool, one model per
// worker, each outcome written as its item ends; stops early on the stop
// flag or a store failure. `shown` is added to the session's count on the
// progress line (items finished before the session).
Status ExecuteBatch(const std::vector<WorkItem>& work,
                    const std::vector<std::unique_ptr<Model>>& models,
                    const RunOptions& options, ItemExecutor* executor,
                    int64_t shown, Progress* progress, Tally* tally) {
  auto stopping = [&] {
    if (options.stop && options.stop->load()) return true;
    std::lock_guard<std::mutex> lock(tally->mu);
    return !tally->fatal.ok();
  };
  Status pool = RunPool(static_cast<int>(models.size()), work.size(), stopping,
                        [&](int worker, size_t k) {
                          const WorkItem& w = work[k];
                          ItemOutcome o = executor->Execute(
                              *w.suite, *w.item, models[worker].get());
                          Status written = executor->Write(o);
                          tally->Add(w, o, written);
                          std::lock_guard<std::mutex> lock(tally->mu);
                          progress->Update(shown + tally->done, tally->errors);
                        });
  MMGATE_RETURN_IF_ERROR(pool);
  std::lock_guard<std::mutex> lock(tally->mu);
  return tally->fatal;
}

Result<std::vector<std::unique_ptr<Model>>> MakeModels(
    std::unique_ptr<Model> first, int workers, const ModelSpec& spec,
    const std::string& model_name, const ModelMaker& make_model) {
  std::vector<std::unique_ptr<Model>> models;
  models.push_back(std::move(first));
  for (int i = 1; i < workers; ++i) {
    auto m = make_model(spec);
    if (!m.ok()) return m.status().WithContext("model " + model_name);
    models.push_back(std::move(*m));
  }
  return models;
}

// A pipeline suite needs the stage runner: the model alone would be asked
// the items its stages answer.
Status CheckStaged(const std::vector<const Suite*>& suites,
                   const RunOptions& options) {
  if (options.stage_runner) return Status::Ok();
  for (const Suite* s : suites) {
    if (!s->stages.empty()) {
      return Status::Invalid(fmt::format(
          "suite '{}' ({}) is a pipeline suite: this command cannot run its "
          "stages (use mmgate run)",
          s->name, s->path));
    }
  }
  return Status::Ok();
}

// A pipeline suite's items go through the stage runner (pipeline suites are
// read whole: one batch), counted with the session's.
Status RunStagedBatch(const std::vector<WorkItem>& work,
                      const std::string& run_id, const RunOptions& options,
                      Tally* tally) {
  if (options.stop && options.stop->load()) return Status::Ok();
  std::vector<const Item*> items;
  for (const WorkItem& w : work) items.push_back(w.item);
  const Suite& suite = *work.front().suite;
  auto t = options.stage_runner(suite, run_id, items, options.stop);
  if (!t.ok()) return t.status().WithContext("suite " + suite.name);
  std::lock_guard<std::mutex> lock(tally->mu);
  tally->done += t->done;
  tally->errors += t->errors;
  tally->cost_usd += t->cost_usd;
  return Status::Ok();
}

// Items of a streamed suite held at once: about 3 KB each.
constexpr size_t kBatchItems = 4096;

// Plans and runs every suite batch by batch, the pipeline suites (one batch
// each, through the stage runner) after the others, as a session always
// did.
Status RunSuites(const std::vector<const Suite*>& suites,
                 const std::string& run_id, const std::string& version,
                 const std::vector<std::unique_ptr<Model>>& models,
                 const RunOptions& options, ItemExecutor* executor,
                 store::Store* store, Clock* clock, RunPlan* plan,
                 Tally* tally) {
  // The whole run's finished items, unless every suite asks per batch.
  FinishedItems finished;
  if (std::any_of(suites.begin(), suites.end(),
                  [](const Suite* s) { return !s->source; })) {
    auto all = store->FinishedItems(run_id);
    if (!all.ok()) return all.status();
    finished = std::move(*all);
  }
  int64_t total = 0;
  for (const Suite* s : suites) total += SuiteSize(*s);
  Progress progress(options.progress && ::isatty(STDERR_FILENO),
                    static_cast<size_t>(total), clock);
  auto stopping = [&] {
    if (options.stop && options.stop->load()) return true;
    std::lock_guard<std::mutex> lock(tally->mu);
    return !tally->fatal.ok();
  };
  for (bool staged : {false, true}) {
    for (const Suite* s : suites) {
      if (s->stages.empty() == staged) continue;
      auto run = [&](const std::vector<WorkItem>& work) {
        if (staged) return RunStagedBatch(work, run_id, options, tally);
        return ExecuteBatch(work, models, options, executor, plan->skipped,
                            &progress, tally);
      };
      MMGATE_RETURN_IF_ERROR(PlanSuiteInBatches(
          *s, run_id, version, finished, staged ? s->items.size() : kBatchItems,
          stopping, run, store, clock, plan));
      if (plan->stopped) break;
    }
  }
  progress.Finish();
  return Status::Ok();
}

}  // namespace

Result<RunSummary> Run(const ProjectConfig& project,
                       const std::string& model_name, const RunOptions& options,
                       store::Store* store, Clock* clock,
                       const ModelMaker& make_model) {
  auto spec_it = project.models.find(model_name);
  if (spec_it == project.models.end()) {
    std::string known;
    for (const auto& [name, spec] : project.models)
      known += (known.empty() ? "" : ", ") + name;
    return Status::Invalid(fmt::format("{}: no model named '{}' (models: {})",
                                       project.path, model_name, known));
  }
  const ModelSpec& spec = spec_it->second;
  auto suites = SelectSuites(project, options.suites);
  if (!suites.ok()) return suites.status();
  MMGATE_RETURN_IF_ERROR(CheckStaged(*suites, options));
  auto price = PriceOf(project, model_name);
  if (!price.ok()) return price.status();
  auto first = make_model(spec);
  // A model that cannot be made is a config error: name the config too.
  if (!first.ok())
    return first.status().WithContext(project.path + ": model " + model_name);
  RunSummary summary;
  summary.model_version = (*first)->Version();

  summary.run_id = options.run_id;
  if (summary.run_id.empty()) {
    auto id = FreshRunId(model_name, clock, store);
    if (!id.ok()) return id.status();
    summary.run_id = *id;
  }
  auto resumed = StartRun(summary.run_id, model_name, summary.model_version,
                          spec, project.path, store, clock);
  if (!resumed.ok()) return resumed.status();
  summary.resumed = *resumed;
  int64_t pooled = 0;  // items the pool may run (not pipeline suites')
  for (const Suite* s : *suites)
    if (s->stages.empty()) pooled += SuiteSize(*s);
  const int workers = WorkerCount(options.workers, (*first)->Concurrency(),
                                  static_cast<size_t>(pooled));
  auto models =
      MakeModels(std::move(*first), workers, spec, model_name, make_model);
  if (!models.ok()) return models.status();

  std::unique_ptr<ground::InputTextCache> input_text;
  ExecutorConfig config;
  config.run_id = summary.run_id;
  config.model_version = summary.model_version;
  config.price = *price;
  config.repeat = options.repeat;
  config.caps = project.caps;
  score::ScoreContext context = options.score_context;
  // The grounding metric needs the input text of the items' media.
  if (!context.input_text && UsesMetric(*suites, "grounding"))
    context = InputTextContext(project, context, &input_text);
  auto hook = MakeScoreHook(options.score_hook, summary.run_id, context);
  if (!hook.ok()) return hook.status();
  config.score = std::move(*hook);
  ItemExecutor executor(std::move(config), store, clock);

  Tally tally;
  RunPlan plan;
  MMGATE_RETURN_IF_ERROR(RunSuites(*suites, summary.run_id,
                                   summary.model_version, *models, options,
                                   &executor, store, clock, &plan, &tally));
  summary.total = plan.total;
  summary.errors = plan.invalid;
  summary.skipped = plan.skipped;
  tally.CopyTo(&summary);
  summary.interrupted = plan.stopped || summary.done < plan.queued;
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(summary.run_id,
                          summary.interrupted ? store::RunStatus::kInterrupted
                                              : store::RunStatus::kFinished,
                          clock->WallMillis()));
  return summary;
}

}  // namespace mmgate::runner
