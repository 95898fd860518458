#include "runner/pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mmgate::runner {

int WorkerCount(int requested, int concurrency, size_t tasks) {
  int workers = requested > 0 ? requested
                : concurrency > 0
                    ? concurrency
                    : static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(workers, 1, std::max<int>(1, static_cast<int>(tasks)));
}

Status RunPool(int workers, size_t tasks, const std::function<bool()>& stop,
               const std::function<void(int worker, size_t index)>& task) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards `error`
  Status error;
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        if (failed.load() || stop()) return;
        size_t k = next.fetch_add(1);
        if (k >= tasks) return;
        std::string what;
        try {
          task(i, k);
          continue;
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
          what = "unknown exception";
        }
        std::lock_guard<std::mutex> lock(mu);
        if (error.ok())
          error = Status::Internal("worker " + std::to_string(i) + ", task " +
                                   std::to_string(k) + ": " + what);
        failed = true;
        return;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return error;
}

}  // namespace mmgate::runner
