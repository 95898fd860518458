// The backfill sample: traces are stratified by category and UTC week, a
// sample is allocated to the strata in proportion to their size (at least
// two per stratum, so each has a variance), and drawn inside each stratum by
// a seeded hash of the trace id. The draw is nested: a larger sample with the
// same seed holds every trace of a smaller one, so growing a sample re-pays
// nothing. plan reports the precision (interval half-width) a sample size
// gives, or the size a precision needs, before anything is spent.
//
// Pure functions of their inputs; thread-safe.
#ifndef MMGATE_BACKFILL_SAMPLE_H_
#define MMGATE_BACKFILL_SAMPLE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "store/records.h"

namespace mmgate::backfill {

inline constexpr int64_t kWeekMs = 7LL * 24 * 3600 * 1000;

// UTC week number (weeks since the epoch, floor) of a time in ms.
int64_t WeekOf(int64_t ms);

// A stratum: one category in one week.
struct StratumKey {
  std::string category;
  int64_t week = 0;
  auto operator<=>(const StratumKey&) const = default;
};

struct Stratum {
  StratumKey key;
  int64_t population = 0;  // traces in the history
  int64_t sampled = 0;     // drawn for replay
};

struct Sample {
  std::vector<std::string> trace_ids;  // drawn, in history order
  std::vector<Stratum> strata;         // by key
  int64_t population = 0;
};

// Draws `n` traces (n <= 0 or n >= history size: all of them).
Sample DrawSample(const std::vector<store::TraceRecord>& history, int64_t n,
                  uint64_t seed);

// The 95% interval half-width a stratified sample of n out of N gives for a
// rate near p (Wald with the finite-population correction; proportional
// allocation does no worse than a simple random sample).
double HalfWidth(int64_t n, int64_t population, double p);
// The smallest n whose HalfWidth is at most `precision` (N when none is).
int64_t SampleSizeFor(double precision, int64_t population, double p);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_SAMPLE_H_
