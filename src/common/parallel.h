// The one way work is handed to threads: a fixed number of workers take
// indices from one shared counter, each index exactly once. Used by the
// runner's pool (runner/pool.h), the gate's suites (gate/gate.cc) and the
// bootstrap's blocks of replicates (stats/resample.cc).
#ifndef MMGATE_COMMON_PARALLEL_H_
#define MMGATE_COMMON_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace mmgate {

// One per core (std::thread::hardware_concurrency), at least 1.
int CoreCount();

// Runs body(worker, index) for every index in [0, count) on
// min(workers, count) threads, at least one; the caller's thread is worker
// 0, the others are started here and joined before it returns, so `body`
// may use worker-indexed resources without locks. Before taking an index a
// worker asks `stop` (if given); once it says true no new index starts and
// those in flight finish. `body` and `stop` are called from every worker at
// once and must not throw (a caller that can fail turns the failure into
// data, as RunPool does). The order in which indices run is unspecified:
// results must not depend on it.
void ParallelFor(int workers, size_t count,
                 const std::function<void(int worker, size_t index)>& body,
                 const std::function<bool()>& stop = nullptr);

}  // namespace mmgate

#endif  // MMGATE_COMMON_PARALLEL_H_
