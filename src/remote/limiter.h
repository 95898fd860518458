// Per-model limits on provider calls: at most `concurrency` in flight, and
// requests and tokens per minute paced evenly (a GCRA schedule, so waits are
// computed from the injected clock, never polled).
#ifndef MMGATE_REMOTE_LIMITER_H_
#define MMGATE_REMOTE_LIMITER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "common/clock.h"
#include "remote/retry.h"

namespace mmgate::remote {

struct Limits {
  int concurrency = 8;
  double requests_per_min = 0;  // 0: unlimited
  double tokens_per_min = 0;    // 0: unlimited
};

class Limiter {
 public:
  Limiter(const Limits& limits, Clock* clock)
      : limits_(limits), clock_(clock) {}

  // Holds one of the concurrency slots while alive.
  class Slot {
   public:
    explicit Slot(Limiter* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(other.owner_) {
      other.owner_ = nullptr;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    Limiter* owner_;
  };

  // Waits (through `waiter`) until the rate limits allow a call charged
  // `tokens`, then for a free concurrency slot; `waited` receives the rate
  // wait.
  Slot Acquire(int64_t tokens, Waiter* waiter, Millis* waited);

  const Limits& limits() const { return limits_; }

 private:
  Millis Reserve(int64_t tokens);
  Limits limits_;
  Clock* clock_;
  std::mutex mu_;
  std::condition_variable freed_;
  int in_flight_ = 0;
  double next_request_ms_ = 0;  // earliest start of the next request
  double next_tokens_ms_ = 0;   // when the token budget is paid off
};

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_LIMITER_H_
