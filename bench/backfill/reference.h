// The reference loop of backfill_bench: simdjson's iterate_many over a file
// loaded in memory, reading each trace's id, time, category and decision.
// Compiled twice like the trace parser (src/trace/kernel.h): for the
// baseline and for Haswell, so each ingest copy is compared with a
// reference built the same way.
#ifndef MMGATE_BENCH_BACKFILL_REFERENCE_H_
#define MMGATE_BENCH_BACKFILL_REFERENCE_H_

#include <cstdint>
#include <string>

namespace mmgate::bench {

struct ReferenceResult {
  double seconds = 0;
  int64_t docs = 0;
  int64_t bytes = 0;
};

namespace baseline {
ReferenceResult Reference(const std::string& path);
}  // namespace baseline
namespace haswell {
ReferenceResult Reference(const std::string& path);
}  // namespace haswell

}  // namespace mmgate::bench

#endif  // MMGATE_BENCH_BACKFILL_REFERENCE_H_
