#include "common/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace mmgate {
namespace {

TEST(ParallelFor, RunsEveryIndexOnceOnWorkerIndexedThreads) {
  constexpr size_t kCount = 10000;
  std::vector<std::atomic<int>> runs(kCount);
  std::vector<std::atomic<int>> by_worker(3);
  ParallelFor(3, kCount, [&](int worker, size_t i) {
    ++runs[i];
    ++by_worker[worker];
  });
  for (size_t i = 0; i < kCount; ++i) ASSERT_EQ(runs[i].load(), 1) << i;
  int total = 0;
  for (auto& n : by_worker) total += n.load();
  EXPECT_EQ(total, static_cast<int>(kCount));
}

TEST(ParallelFor, TheCallerIsWorkerZeroAndNoMoreThreadsThanIndices) {
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> max_worker{-1};
  std::atomic<bool> zero_elsewhere{false};
  ParallelFor(8, 2, [&](int worker, size_t) {
    int seen = max_worker.load();
    while (worker > seen && !max_worker.compare_exchange_weak(seen, worker)) {
    }
    if (worker == 0 && std::this_thread::get_id() != caller)
      zero_elsewhere = true;
  });
  EXPECT_LE(max_worker.load(), 1);
  EXPECT_FALSE(zero_elsewhere.load());
}

TEST(ParallelFor, NothingToDoAndNoWorkers) {
  int calls = 0;
  ParallelFor(4, 0, [&](int, size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  ParallelFor(0, 3, [&](int worker, size_t) { calls += worker == 0; });
  EXPECT_EQ(calls, 3);
}

TEST(ParallelFor, StopEndsTheHandingOut) {
  std::atomic<int> started{0};
  std::atomic<bool> stop{false};
  ParallelFor(
      2, 1000,
      [&](int, size_t) {
        if (++started >= 10) stop = true;
      },
      [&] { return stop.load(); });
  // Each worker may be past its stop check with one index in flight.
  EXPECT_GE(started.load(), 10);
  EXPECT_LE(started.load(), 11);
}

}  // namespace
}  // namespace mmgate
