#include "remote/limiter.h"

#include <algorithm>

namespace mmgate::remote {

Limiter::Slot::~Slot() {
  if (!owner_) return;
  {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    --owner_->in_flight_;
  }
  owner_->freed_.notify_one();
}

Millis Limiter::Reserve(int64_t tokens) {
  std::lock_guard<std::mutex> lock(mu_);
  double now =
      std::chrono::duration<double, std::milli>(clock_->Monotonic()).count();
  double start = now;
  if (limits_.requests_per_min > 0) {
    start = std::max(start, next_request_ms_);
    next_request_ms_ = start + 60000.0 / limits_.requests_per_min;
  }
  if (limits_.tokens_per_min > 0) {
    start = std::max(start, next_tokens_ms_);
    next_tokens_ms_ = std::max(next_tokens_ms_, now) +
                      60000.0 *
                          static_cast<double>(std::max<int64_t>(tokens, 1)) /
                          limits_.tokens_per_min;
  }
  return Millis(static_cast<int64_t>(start - now + 0.5));
}

Limiter::Slot Limiter::Acquire(int64_t tokens, Waiter* waiter, Millis* waited) {
  Millis wait = Reserve(tokens);
  if (wait.count() > 0) waiter->Wait(wait);
  if (waited) *waited = wait;
  std::unique_lock<std::mutex> lock(mu_);
  freed_.wait(lock, [&] {
    return limits_.concurrency <= 0 || in_flight_ < limits_.concurrency;
  });
  ++in_flight_;
  return Slot(this);
}

}  // namespace mmgate::remote
