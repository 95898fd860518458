// Trace times (docs/traces.md). Failure behaviour: a malformed time is an
// Invalid error quoting it. Thread-safety: pure functions.
#ifndef MMGATE_TRACE_TIME_H_
#define MMGATE_TRACE_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::trace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Milliseconds since the epoch for an RFC 3339 time ("2026-09-01T12:00:00Z",
// fractions and +hh:mm offsets allowed).
Result<int64_t> ParseRfc3339(std::string_view s);
// "2026-09-01T12:00:00Z" for ms since the epoch (UTC, seconds).
std::string FormatRfc3339(int64_t ms);

}  // namespace mmgate::trace

#endif  // MMGATE_TRACE_TIME_H_
