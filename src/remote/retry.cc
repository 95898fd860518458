#include "remote/retry.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <thread>

namespace mmgate::remote {

bool RetryableStatus(int s) { return s == 408 || s == 429 || s >= 500; }

std::string ErrorKindFor(const HttpResponse& r) {
  switch (r.error) {
    case TransportError::kNone:
      break;
    case TransportError::kTimeout:
      return "timeout";
    case TransportError::kReset:
      return "connection_reset";
    case TransportError::kConnect:
      return "connect_error";
    case TransportError::kPartial:
      return "truncated_body";
    case TransportError::kAborted:
    case TransportError::kOther:
      return "transport_error";
  }
  if (r.status == 429) return "rate_limited";
  if (r.status == 408) return "timeout";
  if (r.status >= 500) return "server_error";
  if (r.status == 401 || r.status == 403) return "auth_error";
  if (r.status >= 400) return "client_error";
  return "";
}

std::optional<Millis> ParseDuration(std::string_view text) {
  double total_ms = 0;
  bool any = false;
  while (!text.empty()) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                     value, std::chars_format::fixed);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    double unit_ms;
    if (text.rfind("ms", 0) == 0) {
      unit_ms = 1;
      text.remove_prefix(2);
    } else if (!text.empty() && text[0] == 's') {
      unit_ms = 1000;
      text.remove_prefix(1);
    } else if (!text.empty() && text[0] == 'm') {
      unit_ms = 60000;
      text.remove_prefix(1);
    } else if (!text.empty() && text[0] == 'h') {
      unit_ms = 3600000;
      text.remove_prefix(1);
    } else if (text.empty() && !any) {
      unit_ms = 1000;  // a bare number counts seconds
    } else {
      return std::nullopt;
    }
    total_ms += value * unit_ms;
    any = true;
  }
  if (!any) return std::nullopt;
  return Millis(static_cast<int64_t>(total_ms + 0.5));
}

std::optional<Millis> ServerWait(const HttpResponse& r, int64_t now_wall_ms) {
  if (auto ms = r.Header("retry-after-ms")) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(ms->data(), ms->data() + ms->size(), v);
    if (ec == std::errc() && v >= 0) return Millis(v);
  }
  if (auto ra = r.Header("retry-after")) {
    int64_t seconds = 0;
    auto [p, ec] =
        std::from_chars(ra->data(), ra->data() + ra->size(), seconds);
    if (ec == std::errc() && p == ra->data() + ra->size() && seconds >= 0)
      return Millis(seconds * 1000);
    time_t at = curl_getdate(ra->c_str(), nullptr);
    if (at != -1)
      return Millis(std::max<int64_t>(0, int64_t{at} * 1000 - now_wall_ms));
  }
  if (r.status == 429) {
    std::optional<Millis> longest;
    for (const char* h :
         {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"}) {
      if (auto v = r.Header(h)) {
        if (auto d = ParseDuration(*v); d && (!longest || *d > *longest))
          longest = d;
      }
    }
    return longest;
  }
  return std::nullopt;
}

Millis Backoff(int failures, const RetryPolicy& policy, std::mt19937_64* rng) {
  int shift = std::clamp(failures - 1, 0, 30);
  int64_t ceiling =
      std::min<int64_t>(policy.cap.count(), policy.base.count() << shift);
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(0, ceiling));
  return Millis(pick(*rng));
}

void SleepWaiter::Wait(Millis d) {
  if (d.count() > 0) std::this_thread::sleep_for(d);
}

void RecordingWaiter::Wait(Millis d) {
  std::lock_guard<std::mutex> lock(mu_);
  waits_.push_back(d);
}

std::vector<Millis> RecordingWaiter::waits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waits_;
}

}  // namespace mmgate::remote
