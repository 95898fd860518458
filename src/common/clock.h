#ifndef MMGATE_COMMON_CLOCK_H_
#define MMGATE_COMMON_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mmgate {

// Injected wherever time is read, so tests and reports are deterministic.
class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time for latencies.
  virtual std::chrono::nanoseconds Monotonic() = 0;
  // Wall-clock time in milliseconds since the epoch, for records.
  virtual int64_t WallMillis() = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::nanoseconds Monotonic() override {
    return std::chrono::steady_clock::now().time_since_epoch();
  }
  int64_t WallMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Moves only when told to (Advance), from the same start as FakeClock; both
// readings show the same instant. Thread-safe.
class ManualClock final : public Clock {
 public:
  std::chrono::nanoseconds Monotonic() override {
    return std::chrono::milliseconds(now_ms_.load());
  }
  int64_t WallMillis() override { return now_ms_.load(); }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_{1'700'000'000'000};
};

// Advances by a fixed step on every read.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(
      int64_t start_ms = 1'700'000'000'000,
      std::chrono::nanoseconds step = std::chrono::milliseconds(1))
      : now_ns_(start_ms * 1'000'000), step_(step.count()) {}
  std::chrono::nanoseconds Monotonic() override {
    return std::chrono::nanoseconds(now_ns_.fetch_add(step_));
  }
  int64_t WallMillis() override { return now_ns_.fetch_add(step_) / 1'000'000; }

 private:
  std::atomic<int64_t> now_ns_;
  int64_t step_;
};

}  // namespace mmgate

#endif  // MMGATE_COMMON_CLOCK_H_
