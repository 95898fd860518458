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

// Drives the executor over the work on the pool, one model per worker, each
// outcome written as its item ends; stops early on the stop flag or a store
// failure.
Status ExecuteAll(const std::vector<WorkItem>& work,
                  const std::vector<std::unique_ptr<Model>>& models,
                  const RunOptions& options, ItemExecutor* executor,
                  Clock* clock, Tally* tally) {
  Progress progress(options.progress && ::isatty(STDERR_FILENO), work.size(),
                    clock);
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
                          progress.Update(tally->done, tally->errors);
                        });
  progress.Finish();
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

// The pipeline suites' share of the work, one suite after another, in plan
// order; the rest stays in `work` for the pool.
std::vector<std::pair<const Suite*, std::vector<const Item*>>> TakeStaged(
    std::vector<WorkItem>* work) {
  std::vector<std::pair<const Suite*, std::vector<const Item*>>> staged;
  std::vector<WorkItem> rest;
  for (const WorkItem& w : *work) {
    if (w.suite->stages.empty()) {
      rest.push_back(w);
      continue;
    }
    if (staged.empty() || staged.back().first != w.suite)
      staged.push_back({w.suite, {}});
    staged.back().second.push_back(w.item);
  }
  *work = std::move(rest);
  return staged;
}

// Runs the pipeline suites' items through the stage runner, counted with the
// session's.
Status RunStaged(
    const std::vector<std::pair<const Suite*, std::vector<const Item*>>>&
        staged,
    const std::string& run_id, const RunOptions& options, Tally* tally) {
  for (const auto& [suite, items] : staged) {
    if (options.stop && options.stop->load()) break;
    auto t = options.stage_runner(*suite, run_id, items, options.stop);
    if (!t.ok()) return t.status().WithContext("suite " + suite->name);
    std::lock_guard<std::mutex> lock(tally->mu);
    tally->done += t->done;
    tally->errors += t->errors;
    tally->cost_usd += t->cost_usd;
  }
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
  auto plan =
      PlanRun(*suites, summary.run_id, summary.model_version, store, clock);
  if (!plan.ok()) return plan.status();
  summary.total = plan->total;
  summary.errors = plan->invalid;
  summary.skipped = plan->skipped;
  const size_t planned = plan->work.size();
  const auto staged = TakeStaged(&plan->work);
  const std::vector<WorkItem>& work = plan->work;

  const int workers =
      WorkerCount(options.workers, (*first)->Concurrency(), work.size());
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
  score::ScoreContext context =
      RunScoreContext(project, work, options.score_context, &input_text);
  auto hook = MakeScoreHook(options.score_hook, summary.run_id, context);
  if (!hook.ok()) return hook.status();
  config.score = std::move(*hook);
  ItemExecutor executor(std::move(config), store, clock);

  Tally tally;
  MMGATE_RETURN_IF_ERROR(
      ExecuteAll(work, *models, options, &executor, clock, &tally));
  MMGATE_RETURN_IF_ERROR(RunStaged(staged, summary.run_id, options, &tally));
  tally.CopyTo(&summary);
  summary.interrupted = summary.done < static_cast<int64_t>(planned);
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(summary.run_id,
                          summary.interrupted ? store::RunStatus::kInterrupted
                                              : store::RunStatus::kFinished,
                          clock->WallMillis()));
  return summary;
}

}  // namespace mmgate::runner
