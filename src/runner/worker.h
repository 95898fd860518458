// Shared-database workers: any number of processes, on any machines, finish
// one run together (`mmgate run --worker`). The run's items, in suite and
// line order, are cut into batches. One worker records the run (whoever
// claims the plan's marker lease; the others wait for it, or take over when
// its lease runs out), cutting with its `batch_size`, which the marker
// records and every other worker adopts, and adds every batch to the queue
// (Store::AddLeases); a worker claims the next free batch under a work
// lease (Store::ClaimNextLease, one indexed query), runs its items through
// the item executor, renews the lease before each item (the heartbeat) and
// writes each outcome with Store::PutResultFenced, so a worker that stalled
// past its lease (paused, partitioned) and wakes up cannot write over the
// worker that took its batch: its write is refused and it drops it. A dead
// worker's batch is claimed again once its lease expires; items it finished
// are not run again. A finished batch keeps its lease for ever
// (expires_ms >= kBatchDoneMs), which is how every worker knows it is done.
// When every batch is done, the worker that sees it marks the run finished;
// a coordinator (`--coordinate`) plans the run and only waits and marks.
//
// Thread-safety: RunWorker uses one thread and its own store; several
// workers share a database, not a process. Failure behaviour: as Run()
// (runner.h): an item's failure is that item's error; a store failure stops
// the worker with a Status (its batch is reclaimed after its lease).
#ifndef MMGATE_RUNNER_WORKER_H_
#define MMGATE_RUNNER_WORKER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runner/runner.h"

namespace mmgate::runner {

// A lease expiring at or after this marks its batch done.
inline constexpr int64_t kBatchDoneMs = int64_t{1} << 62;

struct WorkerOptions {
  std::string run_id;               // required: every worker names the run
  std::vector<std::string> suites;  // empty: every suite of the project
  std::string owner;  // unique per worker process (host:pid:nonce)
  // Items per batch when this worker plans the run; a run already planned
  // keeps its plan's size, which the worker adopts (WorkerSummary).
  int batch_size = 16;
  // A lease must outlast the slowest item: the heartbeat runs between items.
  int64_t lease_ms = 60000;
  // Between looks at the run while every open batch is held by others.
  int64_t poll_ms = 500;
  bool coordinate = false;  // plan, wait and mark; run no item
  const std::atomic<bool>* stop = nullptr;
  score::ScoreContext score_context;
  ScoreHookFactory score_hook;
  // Set: runs the items of pipeline suites, each through all its stages,
  // written with its stages under the lease. Unset: a selected pipeline
  // suite is an Invalid status.
  StagedItemRunnerMaker staged;
  // Set: told the plan's batch size once it is known (before any item).
  std::function<void(int batch_size)> on_plan;
  // Waits (injected so tests need not sleep); unset: sleeps.
  std::function<void(int64_t ms)> wait;
};

struct WorkerSummary {
  std::string run_id;
  std::string owner;
  int64_t batches = 0;      // batches this worker finished
  int64_t items = 0;        // items it ran and wrote
  int64_t errors = 0;       // ...of which recorded as errors
  int64_t lost_leases = 0;  // batches it lost (expired, taken over)
  int64_t refused = 0;      // writes the fencing token refused
  bool planned = false;     // it recorded the run (one worker per plan)
  int batch_size = 0;       // the plan's, which every worker of it uses
  bool run_finished = false;
};

Result<WorkerSummary> RunWorker(
    const ProjectConfig& project, const std::string& model_name,
    const WorkerOptions& options, store::Store* store, Clock* clock,
    const ModelMaker& make_model = CreateDefaultModel);

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_WORKER_H_
