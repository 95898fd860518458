// The runner's worker pool: a fixed number of threads taking task indices from
// a shared counter (common/parallel.h), each index exactly once, until the
// work is done or a stop is asked for.
#ifndef MMGATE_RUNNER_POOL_H_
#define MMGATE_RUNNER_POOL_H_

#include <cstddef>
#include <functional>

#include "common/status.h"

namespace mmgate::runner {

// Worker threads for `tasks` items: `requested` if positive, else the model's
// `concurrency` if positive, else one per core; at least 1, at most `tasks`.
int WorkerCount(int requested, int concurrency, size_t tasks);

// Runs task(worker, index) for every index in [0, tasks) on `workers` threads
// (worker is 0..workers-1, so a task can use that worker's own resources;
// worker 0 is the calling thread).
// Before claiming an index a worker asks `stop`; once it says true no new
// task starts and the ones in flight finish. Blocks until every thread is
// done. Tasks are expected to turn their own failures into data; an
// exception that still escapes one stops the pool and comes back as an
// Internal status naming it (the process never terminates).
// `stop` and `task` are called from every worker thread at once.
Status RunPool(int workers, size_t tasks, const std::function<bool()>& stop,
               const std::function<void(int worker, size_t index)>& task);

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_POOL_H_
