// One-sample bounds for service-level objectives (gate/slo.h): the exact
// binomial (Clopper-Pearson) interval and p-values for a rate, and the
// cluster bootstrap of a quantile (latency percentiles). Pure functions,
// safe from any thread.
#ifndef MMGATE_STATS_ONE_SAMPLE_H_
#define MMGATE_STATS_ONE_SAMPLE_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "stats/paired.h"

namespace mmgate::stats {

// Clopper-Pearson interval for x successes in n trials, each end a one-sided
// bound at `tail` (so the two-sided level is 1 - 2 * tail), as SciPy's
// binomtest(x, n).proportion_ci(1 - 2 * tail, method="exact"). Errors when
// n < 1, x outside [0, n] or tail outside (0, 0.5].
Result<Interval> ClopperPearson(int64_t x, int64_t n, double tail);

// Exact one-sided binomial p-values against a rate p0: P[X >= x] (evidence
// that the rate is above p0) and P[X <= x] (below it), X ~ Binomial(n, p0).
double BinomialPAbove(int64_t x, int64_t n, double p0);
double BinomialPBelow(int64_t x, int64_t n, double p0);

struct QuantileBootstrap {
  double estimate = 0;             // the quantile of all values
  Interval interval;               // percentile interval, each end at `tail`
  std::vector<double> replicates;  // sorted ascending
};

// The q-quantile (linear interpolation between order statistics, numpy's
// default) of the values of `clusters`, with a percentile interval from
// `resamples` draws of whole clusters with replacement, seeded by `seed`
// alone. Errors: no value, q outside [0, 1], tail outside (0, 0.5], fewer
// than 2 resamples.
Result<QuantileBootstrap> BootstrapQuantile(
    const std::vector<std::vector<double>>& clusters, double q, double tail,
    int64_t resamples, uint64_t seed);

// One-sided bootstrap p-values against t: (1 + #{r <= t}) / (B + 1), the
// evidence that the figure is above t, and (1 + #{r >= t}) / (B + 1), below.
double BootstrapPAbove(const std::vector<double>& sorted, double t);
double BootstrapPBelow(const std::vector<double>& sorted, double t);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_ONE_SAMPLE_H_
