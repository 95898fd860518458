// Trace times (docs/traces.md). Failure behaviour: a malformed time is an
// Invalid error quoting it. Thread-safety: pure functions.
#ifndef MMGATE_TRACE_TIME_H_
#define MMGATE_TRACE_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::trace {

// Milliseconds since the epoch for an RFC 3339 time ("2026-09-01T12:00:00Z",
// fractions and +hh:mm offsets allowed).
Result<int64_t> ParseRfc3339(std::string_view s);
// "2026-09-01T12:00:00Z" for ms since the epoch (UTC, seconds).
std::string FormatRfc3339(int64_t ms);

}  // namespace mmgate::trace

#endif  // MMGATE_TRACE_TIME_H_
