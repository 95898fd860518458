#include "runner/worker.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string_view>
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

// Where each suite's batches start in the worker's list (batch ids are
// "<suite>/<index of the first item>", cut alike by every worker).
using SuiteStarts = std::map<std::string, size_t>;

// The batch a claimed lease names; null when this worker has none of that
// id (its suites, dataset or --batch-size differ from the planner's).
const Batch* FindBatch(const std::string& id, const std::vector<Batch>& all,
                       const SuiteStarts& starts, int batch_size) {
  size_t slash = id.rfind('/');
  if (slash == std::string::npos) return nullptr;
  auto start = starts.find(id.substr(0, slash));
  if (start == starts.end()) return nullptr;
  char* end = nullptr;
  long long index = std::strtoll(id.c_str() + slash + 1, &end, 10);
  if (*end != '\0' || index < 0 || index % batch_size != 0) return nullptr;
  size_t k = start->second + static_cast<size_t>(index / batch_size);
  return k < all.size() && all[k].id == id ? &all[k] : nullptr;
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
    // Files named by the lease's token: a holder that lost the batch while
    // it ran writes beside the new holder's files, never over them.
    StagedOutcome o = (**runner)(item, fmt::format("lease-{}", lease.token));
    auto wrote = store_->PutStagedResultFenced(lease, o.response, o.scores,
                                               o.stages, o.extras);
    if (wrote.ok() && *wrote) Count(o.failed);
    if (wrote.ok() && !*wrote) {
      // Refused: no stored row names these files, and no other holder
      // writes them. Best effort: one left behind is only disk.
      for (const std::string& f : o.files) {
        std::error_code ec;
        std::filesystem::remove(f, ec);
      }
    }
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

// Claims and runs free batches (Store::ClaimNextLease: one indexed query,
// whatever the run's size) until none is left; returns whether the run is
// complete (false when stopped).
Result<bool> Drain(const WorkerOptions& opt, const std::vector<Batch>& batches,
                   const SuiteStarts& starts, store::Store* store, Clock* clock,
                   Worker* worker) {
  for (;;) {
    if (worker->Stopping()) return false;
    if (!opt.coordinate) {
      auto lease = store->ClaimNextLease(opt.run_id, opt.owner,
                                         clock->WallMillis(), opt.lease_ms);
      if (!lease.ok()) return lease.status();
      if (lease->has_value()) {
        const Batch* b =
            FindBatch((*lease)->batch_id, batches, starts, opt.batch_size);
        if (b == nullptr) {
          (void)store->ReleaseLease(**lease);  // best effort: it expires
          return Status::Invalid(fmt::format(
              "run {} has batch {}, which this worker does not: every worker "
              "of a run must select the same suites and datasets and cut the "
              "same batch size ({} here, the plan's)",
              opt.run_id, (*lease)->batch_id, opt.batch_size));
        }
        MMGATE_RETURN_IF_ERROR(worker->RunBatch(*b, **lease));
        continue;
      }
    }
    auto open = store->CountLeasesBefore(opt.run_id, kBatchDoneMs);
    if (!open.ok()) return open.status();
    if (*open == 0) return true;
    // Every open batch is held by a live worker: wait for it to finish or
    // for its lease to run out.
    Wait(opt, opt.poll_ms);
  }
}

// Cuts a planned chunk of a suite's items into batches (every worker alike),
// appending them to `batches`; `index` counts the suite's items so far.
void CutBatches(const Suite& suite, const std::vector<WorkItem>& work,
                int batch_size, int64_t* index, std::vector<Batch>* batches) {
  for (const WorkItem& w : work) {
    if (*index % batch_size == 0)
      batches->push_back(Batch{fmt::format("{}/{:06d}", suite.name, *index),
                               &suite, dataset::PlaceOf(*index, *w.item)});
    ++*index;
  }
}

// The marker lease of one plan of the run: its suites' versions, so a
// changed dataset is planned (and recorded) again. Not the batch size: a
// worker given another --batch-size must find the plan and adopt its size.
std::string PlanMarker(const std::vector<const Suite*>& suites) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a: the same in every build
  auto mix = [&h](const std::string& text) {
    for (unsigned char c : text + '\0') h = (h ^ c) * 1099511628211ull;
  };
  for (const Suite* s : suites) {
    mix(s->name);
    mix(s->version_hash);
  }
  return fmt::format("~plan/{:016x}", h);
}

// The plan's batch size rides in its marker's owner ("OWNER batch-size N")
// from the claim on: the leases table is the one record every worker reads,
// and a planner that takes over a dead one's plan must cut alike.
constexpr std::string_view kSizeTag = " batch-size ";

std::string PlanOwner(const std::string& owner, int batch_size) {
  return fmt::format("{}{}{}", owner, kSizeTag, batch_size);
}

// The batch size a plan marker's owner records; 0 when it records none.
int PlanBatchSize(const std::string& plan_owner) {
  size_t at = plan_owner.rfind(kSizeTag);
  if (at == std::string::npos) return 0;
  const char* digits = plan_owner.c_str() + at + kSizeTag.size();
  char* end = nullptr;
  long size = std::strtol(digits, &end, 10);
  return *end == '\0' && end != digits && size > 0 && size <= INT32_MAX
             ? static_cast<int>(size)
             : 0;
}

// What a worker plans with.
struct PlanContext {
  const std::vector<const Suite*>& suites;
  const WorkerOptions& opt;
  const std::string& version;
  store::Store* store;
  Clock* clock;
  int batch_size;  // the plan's: --batch-size, or the one a plan recorded
};

// The planner: records the run's suites and items a few thousand at a
// time, adds each chunk's batches to the queue (Store::AddLeases) and
// renews the plan's lease as it goes. Returns false when stopped first.
Result<bool> RecordRun(const PlanContext& c, store::Lease* plan_lease,
                       std::vector<Batch>* batches, SuiteStarts* starts) {
  RunPlan plan;
  auto stopping = [&] { return c.opt.stop && c.opt.stop->load(); };
  for (const Suite* s : c.suites) {
    (*starts)[s->name] = batches->size();
    int64_t index = 0;
    auto place = [&](const std::vector<WorkItem>& work) -> Status {
      size_t first = batches->size();
      CutBatches(*s, work, c.batch_size, &index, batches);
      std::vector<std::string> ids;
      for (size_t k = first; k < batches->size(); ++k)
        ids.push_back((*batches)[k].id);
      MMGATE_RETURN_IF_ERROR(c.store->AddLeases(c.opt.run_id, ids));
      auto renewed = c.store->RenewLease(*plan_lease, c.clock->WallMillis(),
                                         c.opt.lease_ms);
      if (!renewed.ok()) return renewed.status();
      // Lost (this worker stalled): another plans too, recording alike.
      if (renewed->has_value()) *plan_lease = **renewed;
      return Status::Ok();
    };
    MMGATE_RETURN_IF_ERROR(PlanSuiteInBatches(
        *s, c.opt.run_id, c.version, /*skip_finished=*/false, kPlanItems,
        stopping, place, c.store, c.clock, &plan));
    if (plan.stopped) return false;
  }
  return true;
}

// A worker that did not plan: reads the suites only to cut them into the
// same batches. Returns false when stopped first.
Result<bool> ReadBatches(const PlanContext& c, std::vector<Batch>* batches,
                         SuiteStarts* starts) {
  for (const Suite* s : c.suites) {
    (*starts)[s->name] = batches->size();
    int64_t index = 0;
    Status read = dataset::ReadItemBatches(
        *s, kPlanItems, [&](std::vector<Item>& chunk) -> Status {
          if (c.opt.stop && c.opt.stop->load())
            return Status::Internal("stopped");
          std::vector<WorkItem> work;
          for (const Item& it : chunk) work.push_back({s, &it});
          CutBatches(*s, work, c.batch_size, &index, batches);
          return Status::Ok();
        });
    if (c.opt.stop && c.opt.stop->load()) return false;
    MMGATE_RETURN_IF_ERROR(read);
  }
  return true;
}

// Plans the run once: the worker that claims the plan's marker lease
// records the suites and items and fills the queue; the others wait until
// it is done (or take over when its lease runs out), then only read the
// suites. Every worker adopts the batch size the marker records (sets
// c->batch_size). Returns false when stopped first.
Result<bool> PlanOnce(PlanContext* c, std::vector<Batch>* batches,
                      SuiteStarts* starts, bool* planner) {
  const std::string marker = PlanMarker(c->suites);
  for (;;) {
    if (c->opt.stop && c->opt.stop->load()) return false;
    auto held = c->store->GetLease(c->opt.run_id, marker);
    if (!held.ok()) return held.status();
    const int recorded = *held ? PlanBatchSize((*held)->owner) : 0;
    if (*held && (*held)->expires_ms >= kBatchDoneMs) {
      if (recorded == 0)
        return Status::Invalid(fmt::format(
            "run {}: the plan's marker {} records no batch size (\"{}\")",
            c->opt.run_id, marker, (*held)->owner));
      c->batch_size = recorded;
      return ReadBatches(*c, batches, starts);
    }
    int64_t now = c->clock->WallMillis();
    if (*held && (*held)->expires_ms > now) {
      Wait(c->opt, c->opt.poll_ms);  // its planner is recording the run
      continue;
    }
    // A dead planner's batches are in the queue: cut as it did.
    c->batch_size = recorded > 0 ? recorded : c->opt.batch_size;
    auto lease = c->store->ClaimLease(c->opt.run_id, marker,
                                      PlanOwner(c->opt.owner, c->batch_size),
                                      now, c->opt.lease_ms);
    if (!lease.ok()) return lease.status();
    if (!lease->has_value()) continue;  // another claimed it first
    if ((*lease)->token != (*held ? (*held)->token : 0) + 1) {
      // Another planner held it in between (this worker stalled that long):
      // the size it cut with is not known here.
      return Status::Internal(fmt::format(
          "run {}: the plan changed hands while this worker stalled; start "
          "it again",
          c->opt.run_id));
    }
    *planner = true;
    auto recorded_run = RecordRun(*c, &**lease, batches, starts);
    if (!recorded_run.ok() || !*recorded_run) return recorded_run;
    now = c->clock->WallMillis();
    auto done = c->store->RenewLease(**lease, now, kBatchDoneMs - now + 1);
    if (!done.ok()) return done.status();
    return true;
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
  SuiteStarts starts;
  bool planner = false;
  PlanContext plan{*suites, options, version, store, clock, options.batch_size};
  auto planned = PlanOnce(&plan, &batches, &starts, &planner);
  if (!planned.ok()) return planned.status();
  WorkerOptions opt = options;
  opt.batch_size = plan.batch_size;
  if (*planned && opt.on_plan) opt.on_plan(opt.batch_size);

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
  summary.planned = planner;
  summary.batch_size = opt.batch_size;
  if (!*planned) return summary;
  Worker worker(opt, store, clock, &executor, model->get(), &summary);
  auto complete = Drain(opt, batches, starts, store, clock, &worker);
  if (!complete.ok()) return complete.status();
  if (*complete) {
    MMGATE_RETURN_IF_ERROR(store->SetRunStatus(
        options.run_id, store::RunStatus::kFinished, clock->WallMillis()));
    summary.run_finished = true;
  }
  return summary;
}

}  // namespace mmgate::runner
