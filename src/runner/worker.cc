#include "runner/worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "dataset/load.h"
#include "ground/input_text.h"
#include "runner/plan.h"

namespace mmgate::runner {
namespace {

// A batch: up to batch_size items of one suite from `first` on, read from
// the dataset when claimed (dataset::ReadItemsAt), never held all at once.
struct Batch {
  std::string id;  // "<suite>/<index of its first item, 6 digits>"
  const Suite* suite = nullptr;
  dataset::ItemPlace first;
};

// Items the planning pass reads at a time (records them with the run).
constexpr size_t kPlanItems = 4096;

// The batches not yet done: first those whose holder let its lease run out
// (a dead or stalled worker's, waiting longest), then the others from a
// place that depends on the owner, so workers spread over the run instead of
// racing for its first batch.
Result<std::vector<const Batch*>> OpenBatches(store::Store* store,
                                              const std::string& run_id,
                                              const std::string& owner,
                                              int64_t now_ms,
                                              const std::vector<Batch>& all) {
  auto leases = store->ListLeases(run_id);
  if (!leases.ok()) return leases.status();
  std::set<std::string> done, abandoned;
  for (const store::Lease& l : *leases) {
    if (l.expires_ms >= kBatchDoneMs) {
      done.insert(l.batch_id);
    } else if (!l.owner.empty() && l.expires_ms <= now_ms) {
      abandoned.insert(l.batch_id);
    }
  }
  std::vector<const Batch*> first, open;
  for (const Batch& b : all) {
    if (done.count(b.id)) continue;
    (abandoned.count(b.id) ? first : open).push_back(&b);
  }
  if (!open.empty()) {
    size_t start = std::hash<std::string>{}(owner) % open.size();
    std::rotate(open.begin(), open.begin() + start, open.end());
  }
  first.insert(first.end(), open.begin(), open.end());
  return first;
}

class Worker {
 public:
  Worker(const WorkerOptions& opt, store::Store* store, Clock* clock,
         ItemExecutor* executor, Model* model, WorkerSummary* summary)
      : opt_(opt),
        store_(store),
        clock_(clock),
        executor_(executor),
        model_(model),
        s_(summary) {}

  // Runs one claimed batch to its end, or until its lease is lost.
  Status RunBatch(const Batch& batch, store::Lease lease) {
    std::vector<Item> items;
    MMGATE_RETURN_IF_ERROR(
        dataset::ReadItemsAt(*batch.suite, batch.first,
                             static_cast<size_t>(opt_.batch_size), &items));
    std::vector<std::string> ids;
    for (const Item& it : items) ids.push_back(it.id);
    auto finished =
        store_->FinishedItemsOf(opt_.run_id, batch.suite->name, ids);
    if (!finished.ok()) return finished.status();
    for (const Item& item : items) {
      if (Stopping()) return Status::Ok();
      auto f = finished->find(item.id);
      if (f != finished->end() && f->second == item.content_hash) continue;
      // The heartbeat: a lease lost while this worker stalled is dropped
      // before another item starts.
      auto renewed =
          store_->RenewLease(lease, clock_->WallMillis(), opt_.lease_ms);
      if (!renewed.ok()) return renewed.status();
      if (!renewed->has_value()) {
        ++s_->lost_leases;
        return Status::Ok();
      }
      lease = **renewed;
      auto wrote = RunItem(*batch.suite, item, lease);
      if (!wrote.ok()) return wrote.status();
      if (!*wrote) {
        ++s_->refused;
        ++s_->lost_leases;
        return Status::Ok();
      }
    }
    // Done: the lease is kept for ever, so nobody claims the batch again.
    int64_t now = clock_->WallMillis();
    auto kept = store_->RenewLease(lease, now, kBatchDoneMs - now + 1);
    if (!kept.ok()) return kept.status();
    if (kept->has_value()) {
      ++s_->batches;
    } else {
      ++s_->lost_leases;
    }
    return Status::Ok();
  }

  bool Stopping() const { return opt_.stop && opt_.stop->load(); }

 private:
  // Runs one item (a pipeline suite's through every stage) and writes it
  // under `lease`; false when the fencing token refused the write.
  Result<bool> RunItem(const Suite& suite, const Item& item,
                       const store::Lease& lease) {
    if (suite.stages.empty()) {
      ItemOutcome o = executor_->Execute(suite, item, model_);
      MMGATE_RETURN_IF_ERROR(o.store_status);
      auto wrote = store_->PutResultFenced(lease, o.response, o.scores,
                                           o.attempts, o.cache_entry);
      if (wrote.ok() && *wrote) Count(o.response.error.has_value());
      return wrote;
    }
    auto runner = StagedRunner(suite);
    if (!runner.ok()) return runner.status();
    StagedOutcome o = (**runner)(item);
    auto wrote = store_->PutStagedResultFenced(lease, o.response, o.scores,
                                               o.stages, o.extras);
    if (wrote.ok() && *wrote) Count(o.failed);
    return wrote;
  }

  void Count(bool error) {
    ++s_->items;
    if (error) ++s_->errors;
  }

  // A pipeline suite's item runner, its stage models made on first use.
  Result<const StagedItemRunner*> StagedRunner(const Suite& suite) {
    auto it = staged_.find(&suite);
    if (it == staged_.end()) {
      auto made = opt_.staged(suite, opt_.run_id);
      if (!made.ok()) return made.status().WithContext("suite " + suite.name);
      it = staged_.emplace(&suite, std::move(*made)).first;
    }
    return &it->second;
  }

  std::map<const Suite*, StagedItemRunner> staged_;
  const WorkerOptions& opt_;
  store::Store* store_;
  Clock* clock_;
  ItemExecutor* executor_;
  Model* model_;
  WorkerSummary* s_;
};

void Wait(const WorkerOptions& opt, int64_t ms) {
  if (opt.wait) {
    opt.wait(ms);
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
}

// Claims and runs open batches until none is left; returns whether the run
// is complete (false when stopped).
Result<bool> Drain(const WorkerOptions& opt, const std::vector<Batch>& batches,
                   store::Store* store, Clock* clock, Worker* worker) {
  for (;;) {
    if (worker->Stopping()) return false;
    auto open =
        OpenBatches(store, opt.run_id, opt.owner, clock->WallMillis(), batches);
    if (!open.ok()) return open.status();
    if (open->empty()) return true;
    bool claimed = false;
    for (const Batch* b : *open) {
      if (opt.coordinate || worker->Stopping()) break;
      auto lease = store->ClaimLease(opt.run_id, b->id, opt.owner,
                                     clock->WallMillis(), opt.lease_ms);
      if (!lease.ok()) return lease.status();
      if (!lease->has_value()) continue;
      claimed = true;
      MMGATE_RETURN_IF_ERROR(worker->RunBatch(*b, **lease));
      // Look again: a batch may have been abandoned in the meantime.
      break;
    }
    // Every open batch is held by a live worker: wait for it to finish or
    // for its lease to run out.
    if (!claimed) Wait(opt, opt.poll_ms);
  }
}

// Records the run's suites and items (every worker does: the first creates
// them, a later one finds them recorded alike) a few thousand items at a
// time, and cuts the items into batches every worker computes alike.
// Returns false when stopped first.
Result<bool> PlanBatches(const std::vector<const Suite*>& suites,
                         const WorkerOptions& opt, const std::string& version,
                         store::Store* store, Clock* clock,
                         std::vector<Batch>* batches) {
  RunPlan plan;
  const FinishedItems none;  // so every item reaches `place` below
  auto stopping = [&] { return opt.stop && opt.stop->load(); };
  for (const Suite* s : suites) {
    int64_t index = 0;
    auto place = [&](const std::vector<WorkItem>& work) {
      for (const WorkItem& w : work) {
        if (index % opt.batch_size == 0)
          batches->push_back(Batch{fmt::format("{}/{:06d}", s->name, index), s,
                                   dataset::PlaceOf(index, *w.item)});
        ++index;
      }
      return Status::Ok();
    };
    MMGATE_RETURN_IF_ERROR(PlanSuiteInBatches(*s, opt.run_id, version, none,
                                              kPlanItems, stopping, place,
                                              store, clock, &plan));
    if (plan.stopped) return false;
  }
  return true;
}

}  // namespace

Result<WorkerSummary> RunWorker(const ProjectConfig& project,
                                const std::string& model_name,
                                const WorkerOptions& options,
                                store::Store* store, Clock* clock,
                                const ModelMaker& make_model) {
  if (options.run_id.empty() || options.owner.empty() ||
      options.batch_size <= 0 || options.lease_ms <= 0) {
    return Status::Invalid(
        "a worker needs a run id, an owner, a positive batch size and lease");
  }
  auto spec = project.models.find(model_name);
  if (spec == project.models.end())
    return Status::Invalid(
        fmt::format("{}: no model named '{}'", project.path, model_name));
  auto suites = SelectSuites(project, options.suites);
  if (!suites.ok()) return suites.status();
  for (const Suite* s : *suites) {
    // A pipeline item is several model calls, made by the stage runner.
    if (!s->stages.empty() && !options.staged)
      return Status::Invalid(fmt::format(
          "suite '{}' ({}) is a pipeline suite: this worker cannot run its "
          "stages",
          s->name, s->path));
  }
  auto price = PriceOf(project, model_name);
  if (!price.ok()) return price.status();
  auto model = make_model(spec->second);
  if (!model.ok())
    return model.status().WithContext(project.path + ": model " + model_name);
  const std::string version = (*model)->Version();
  // Every worker starts the run: the first creates it, the others find it
  // (two creating it at once: the loser finds it on its second try).
  auto started = StartRun(options.run_id, model_name, version, spec->second,
                          project.path, store, clock);
  if (!started.ok())
    started = StartRun(options.run_id, model_name, version, spec->second,
                       project.path, store, clock);
  if (!started.ok()) return started.status();
  std::vector<Batch> batches;
  auto planned = PlanBatches(*suites, options, version, store, clock, &batches);
  if (!planned.ok()) return planned.status();

  std::unique_ptr<ground::InputTextCache> input_text;
  ExecutorConfig config;
  config.run_id = options.run_id;
  config.model_version = version;
  config.price = *price;
  config.caps = project.caps;
  score::ScoreContext context = options.score_context;
  if (!context.input_text && UsesMetric(*suites, "grounding"))
    context = InputTextContext(project, context, &input_text);
  auto hook = MakeScoreHook(options.score_hook, options.run_id, context);
  if (!hook.ok()) return hook.status();
  config.score = std::move(*hook);
  ItemExecutor executor(std::move(config), store, clock);

  WorkerSummary summary;
  summary.run_id = options.run_id;
  summary.owner = options.owner;
  if (!*planned) return summary;
  Worker worker(options, store, clock, &executor, model->get(), &summary);
  auto complete = Drain(options, batches, store, clock, &worker);
  if (!complete.ok()) return complete.status();
  if (*complete) {
    MMGATE_RETURN_IF_ERROR(store->SetRunStatus(
        options.run_id, store::RunStatus::kFinished, clock->WallMillis()));
    summary.run_finished = true;
  }
  return summary;
}

}  // namespace mmgate::runner
