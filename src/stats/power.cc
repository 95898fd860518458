#include "stats/power.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <string>

namespace mmgate::stats {

Result<double> MinimumDetectableEffect(double se, double alpha, double power) {
  if (!(alpha > 0 && alpha < 1)) {
    return Status::Invalid("MDE: alpha must be in (0, 1), got " +
                           std::to_string(alpha));
  }
  if (!(power > 0 && power < 1)) {
    return Status::Invalid("MDE: power must be in (0, 1), got " +
                           std::to_string(power));
  }
  if (!(se >= 0 && std::isfinite(se))) {
    return Status::Invalid("MDE: standard error must be finite and >= 0, got " +
                           std::to_string(se));
  }
  const boost::math::normal_distribution<> z;
  return (boost::math::quantile(z, 1 - alpha) +
          boost::math::quantile(z, power)) *
         se;
}

Result<BinaryMde> BinaryMinimumDetectableEffect(const PairedCounts& counts,
                                                double alpha, double power) {
  BinaryMde out;
  out.se = DiscordantStandardError(counts);
  auto normal = MinimumDetectableEffect(out.se, alpha, power);
  if (!normal.ok()) return normal.status();
  out.normal = *normal;
  const int64_t n = counts.n();
  if (n <= 0) {
    out.floor = 1;
    out.mde = 1;
    return out;
  }
  // Smallest k with 2^-k <= alpha, counted rather than taken from log2 so a
  // power of two such as alpha = 1/32 is not lost to rounding.
  int64_t k = 0;
  for (double p = 1; p > alpha; p /= 2) ++k;
  out.floor = std::min(1.0, static_cast<double>(k) / static_cast<double>(n));
  out.mde = std::max(out.normal, out.floor);
  return out;
}

}  // namespace mmgate::stats
