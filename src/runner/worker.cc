#include "runner/worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "ground/input_text.h"
#include "runner/plan.h"

namespace mmgate::runner {
namespace {

struct Batch {
  std::string id;
  std::vector<WorkItem> items;
};

// Every valid item of the suites in suite and line order, cut into batches
// whose ids every worker computes alike.
std::vector<Batch> MakeBatches(const std::vector<const Suite*>& suites,
                               int batch_size) {
  std::vector<Batch> out;
  for (const Suite* s : suites) {
    for (size_t i = 0; i < s->items.size(); ++i) {
      if (i % batch_size == 0)
        out.push_back(Batch{fmt::format("{}/{:06d}", s->name, i), {}});
      out.back().items.push_back(WorkItem{s, &s->items[i]});
    }
  }
  return out;
}

using Finished = std::map<std::pair<std::string, std::string>, std::string>;

bool IsFinished(const Finished& finished, const WorkItem& w) {
  auto it = finished.find({w.suite->name, w.item->id});
  return it != finished.end() && it->second == w.item->content_hash;
}

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
    auto finished = store_->FinishedItems(opt_.run_id);
    if (!finished.ok()) return finished.status();
    for (const WorkItem& w : batch.items) {
      if (Stopping()) return Status::Ok();
      if (IsFinished(*finished, w)) continue;
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
      ItemOutcome o = executor_->Execute(*w.suite, *w.item, model_);
      MMGATE_RETURN_IF_ERROR(o.store_status);
      auto wrote = store_->PutResultFenced(lease, o.response, o.scores,
                                           o.attempts, o.cache_entry);
      if (!wrote.ok()) return wrote.status();
      if (!*wrote) {
        ++s_->refused;
        ++s_->lost_leases;
        return Status::Ok();
      }
      ++s_->items;
      if (o.response.error) ++s_->errors;
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
    // Leases hand out single items; a pipeline item is several model calls
    // whose stage models this worker does not make.
    if (!s->stages.empty())
      return Status::Invalid(fmt::format(
          "suite '{}' is a pipeline suite: run it without --worker (select "
          "the other suites with -s)",
          s->name));
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
  auto plan = PlanRun(*suites, options.run_id, version, store, clock);
  if (!plan.ok()) return plan.status();

  std::unique_ptr<ground::InputTextCache> input_text;
  ExecutorConfig config;
  config.run_id = options.run_id;
  config.model_version = version;
  config.price = *price;
  config.caps = project.caps;
  auto hook = MakeScoreHook(
      options.score_hook, options.run_id,
      RunScoreContext(project, plan->work, options.score_context, &input_text));
  if (!hook.ok()) return hook.status();
  config.score = std::move(*hook);
  ItemExecutor executor(std::move(config), store, clock);

  WorkerSummary summary;
  summary.run_id = options.run_id;
  summary.owner = options.owner;
  const std::vector<Batch> batches = MakeBatches(*suites, options.batch_size);
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
