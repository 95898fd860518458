#include "common/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace mmgate {

int CoreCount() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void ParallelFor(int workers, size_t count,
                 const std::function<void(int worker, size_t index)>& body,
                 const std::function<bool()>& stop) {
  std::atomic<size_t> next{0};
  auto work = [&](int worker) {
    for (;;) {
      if (stop && stop()) return;
      const size_t i = next.fetch_add(1);
      if (i >= count) return;
      body(worker, i);
    }
  };
  const size_t threads = std::clamp<size_t>(
      static_cast<size_t>(std::max(workers, 1)), 1, std::max<size_t>(count, 1));
  std::vector<std::jthread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t)
    pool.emplace_back(work, static_cast<int>(t));
  work(0);
}

}  // namespace mmgate
