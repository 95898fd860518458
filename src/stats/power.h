// Minimum detectable effect: the smallest true regression a one-sided test at
// level alpha would catch with the given power, so a slice too small to see
// the policy's margin is reported inconclusive instead of passing silently.
#ifndef MMGATE_STATS_POWER_H_
#define MMGATE_STATS_POWER_H_

#include "common/status.h"
#include "stats/paired.h"

namespace mmgate::stats {

// MDE = (z_{1-alpha} + z_{power}) * se for a one-sided test at level alpha
// (pass the multiplicity-adjusted alpha the gate uses). For continuous
// metrics se is the bootstrap standard error. Errors: alpha or power outside
// (0, 1), se negative or not finite.
Result<double> MinimumDetectableEffect(double se, double alpha, double power);

struct BinaryMde {
  double se = 0;      // DiscordantStandardError(counts)
  double normal = 0;  // (z_{1-alpha} + z_{power}) * se
  // The exact McNemar test's resolution: it can only reach p <= alpha with
  // at least k = ceil(log2(1 / alpha)) losses and no win (p = 2^-k), so no
  // effect smaller than k / n is detectable, whatever the variance says.
  double floor = 0;
  double mde = 0;  // max(normal, floor); 1 (nothing detectable) when n = 0
};

// The MDE of a binary metric's paired difference, on the proportion scale.
Result<BinaryMde> BinaryMinimumDetectableEffect(const PairedCounts& counts,
                                                double alpha, double power);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_POWER_H_
