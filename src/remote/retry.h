// When to try a provider call again and how long to wait first: retry 408,
// 429, 5xx and transport failures with exponential backoff and full jitter,
// honouring the server's Retry-After (seconds or HTTP-date), retry-after-ms and
// x-ratelimit-reset-* hints; never 400/401/403 or other client errors.
#ifndef MMGATE_REMOTE_RETRY_H_
#define MMGATE_REMOTE_RETRY_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "remote/http.h"

namespace mmgate::remote {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
  int max_attempts = 6;
  Millis base{500};         // first backoff ceiling; doubles per failure
  Millis cap{30000};        // largest backoff ceiling
  Millis deadline{300000};  // all attempts and waits of one item
};

// The error kinds recorded on attempts and items.
bool RetryableStatus(int http_status);
// "rate_limited", "server_error", "auth_error", "client_error" for an HTTP
// error status; "timeout", "connection_reset", "connect_error",
// "truncated_body", "transport_error" for a transport failure.
std::string ErrorKindFor(const HttpResponse& response);

// How long the server asked us to wait, if it said: retry-after-ms,
// Retry-After as delta-seconds or an HTTP-date (relative to `now_wall_ms`),
// and on 429 the x-ratelimit-reset-requests/-tokens durations ("1s", "6m0s",
// "250ms").
std::optional<Millis> ServerWait(const HttpResponse& response,
                                 int64_t now_wall_ms);

// Parses a Go-style duration such as "1m30.5s" or "20ms".
std::optional<Millis> ParseDuration(std::string_view text);

// Full jitter: uniform in [0, min(cap, base * 2^(failures-1))].
Millis Backoff(int failures, const RetryPolicy& policy, std::mt19937_64* rng);

// Where waits go: the real one sleeps; tests record them instead, so waits
// are asserted on without spending wall time.
class Waiter {
 public:
  virtual ~Waiter() = default;
  virtual void Wait(Millis duration) = 0;
};

class SleepWaiter final : public Waiter {
 public:
  void Wait(Millis duration) override;
};

class RecordingWaiter final : public Waiter {
 public:
  void Wait(Millis duration) override;
  std::vector<Millis> waits() const;

 private:
  mutable std::mutex mu_;
  std::vector<Millis> waits_;
};

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_RETRY_H_
