// The backfill sample: traces are stratified by category and time period
// (UTC weeks; periods of 2, 4, 13... weeks when the sample is too small for
// two traces in each category-week), a sample is allocated to the strata in
// proportion to their size (at least two per stratum, so each has a
// variance), and drawn inside each stratum in the order of a seeded hash of
// the trace id: a stratum's larger draw holds its smaller one, so a grown
// sample mostly re-uses cached replays. plan reports the precision (interval
// half-width) a sample size gives, or the size a precision needs, before
// anything is spent.
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
// The period of `period_weeks` weeks holding a time.
inline int64_t PeriodOf(int64_t ms, int64_t period_weeks) {
  const int64_t w = WeekOf(ms);
  return w >= 0 ? w / period_weeks : -((-w + period_weeks - 1) / period_weeks);
}

// A stratum: one category in one period.
struct StratumKey {
  std::string category;
  int64_t period = 0;  // PeriodOf(time, period_weeks)
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
  int64_t period_weeks = 1;
};

// The period lengths tried, shortest first: the first that leaves two
// draws per stratum is taken.
inline constexpr int64_t kPeriods[] = {1, 2, 4, 13, 26, 52, 1 << 20};

// A stable draw order inside a stratum: the seeded hash of the trace id.
uint64_t DrawKey(uint64_t seed, const std::string& id);

// Proportional allocation of n to strata of `sizes` with at least
// min(2, N_h) each: the rest goes out in proportion to what each stratum has
// left, by largest remainder, so the total is exactly n.
std::vector<int64_t> Allocate(const std::vector<int64_t>& sizes, int64_t n);

// Strata of the history at a period length.
std::map<StratumKey, int64_t> CountStrata(
    const std::vector<store::TraceRecord>& history, int64_t period_weeks);

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
