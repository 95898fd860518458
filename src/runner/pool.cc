#include "runner/pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <string>

#include "common/parallel.h"

namespace mmgate::runner {

int WorkerCount(int requested, int concurrency, size_t tasks) {
  int workers = requested > 0     ? requested
                : concurrency > 0 ? concurrency
                                  : CoreCount();
  return std::clamp(workers, 1, std::max<int>(1, static_cast<int>(tasks)));
}

Status RunPool(int workers, size_t tasks, const std::function<bool()>& stop,
               const std::function<void(int worker, size_t index)>& task) {
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards `error`
  Status error;
  ParallelFor(
      workers, tasks,
      [&](int worker, size_t k) {
        std::string what;
        try {
          task(worker, k);
          return;
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
          what = "unknown exception";
        }
        std::lock_guard<std::mutex> lock(mu);
        if (error.ok())
          error = Status::Internal("worker " + std::to_string(worker) +
                                   ", task " + std::to_string(k) + ": " + what);
        failed = true;
      },
      [&] { return failed.load() || stop(); });
  return error;
}

}  // namespace mmgate::runner
