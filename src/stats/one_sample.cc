#include "stats/one_sample.h"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>

#include "stats/bootstrap.h"
#include "stats/rng.h"

namespace mmgate::stats {

Result<Interval> ClopperPearson(int64_t x, int64_t n, double tail) {
  if (n < 1 || x < 0 || x > n) {
    return Status::Invalid("Clopper-Pearson: need 0 <= x <= n and n >= 1");
  }
  if (!(tail > 0 && tail <= 0.5)) {
    return Status::Invalid("Clopper-Pearson: tail must be in (0, 0.5]");
  }
  const double xs = static_cast<double>(x), ns = static_cast<double>(n);
  Interval ci;
  ci.lower = x == 0
                 ? 0.0
                 : boost::math::quantile(
                       boost::math::beta_distribution<>(xs, ns - xs + 1), tail);
  ci.upper =
      x == n ? 1.0
             : boost::math::quantile(
                   boost::math::beta_distribution<>(xs + 1, ns - xs), 1 - tail);
  return ci;
}

double BinomialPAbove(int64_t x, int64_t n, double p0) {
  if (x <= 0) return 1;
  if (p0 <= 0) return 0;
  if (p0 >= 1) return 1;
  boost::math::binomial_distribution<> b(static_cast<double>(n), p0);
  return boost::math::cdf(
      boost::math::complement(b, static_cast<double>(x - 1)));
}

double BinomialPBelow(int64_t x, int64_t n, double p0) {
  if (x >= n) return 1;
  if (p0 >= 1) return 0;
  if (p0 <= 0) return 1;
  boost::math::binomial_distribution<> b(static_cast<double>(n), p0);
  return boost::math::cdf(b, static_cast<double>(x));
}

Result<QuantileBootstrap> BootstrapQuantile(
    const std::vector<std::vector<double>>& clusters, double q, double tail,
    int64_t resamples, uint64_t seed) {
  std::vector<double> all;
  for (const auto& c : clusters) all.insert(all.end(), c.begin(), c.end());
  if (all.empty()) return Status::Invalid("quantile bootstrap: no value");
  if (!(q >= 0 && q <= 1) || !(tail > 0 && tail <= 0.5) || resamples < 2) {
    return Status::Invalid(
        "quantile bootstrap: q in [0, 1], tail in (0, 0.5], resamples >= 2");
  }
  QuantileBootstrap out;
  std::sort(all.begin(), all.end());
  out.estimate = SortedQuantile(all, q);
  Xoshiro256 rng(seed);
  const uint64_t k = clusters.size();
  std::vector<double> draw;
  draw.reserve(all.size() * 2);
  out.replicates.resize(static_cast<size_t>(resamples));
  for (double& r : out.replicates) {
    draw.clear();
    // Lemire's multiply-shift maps a 64-bit draw to [0, k) without a
    // division; the bias is below 2^-32 for any realistic k.
    for (uint64_t i = 0; i < k; ++i) {
      const uint64_t pick = static_cast<uint64_t>(
          (static_cast<unsigned __int128>(rng.Next()) * k) >> 64);
      const auto& c = clusters[pick];
      draw.insert(draw.end(), c.begin(), c.end());
    }
    if (draw.empty()) {
      r = out.estimate;
      continue;
    }
    std::sort(draw.begin(), draw.end());
    r = SortedQuantile(draw, q);
  }
  std::sort(out.replicates.begin(), out.replicates.end());
  out.interval.lower = SortedQuantile(out.replicates, tail);
  out.interval.upper = SortedQuantile(out.replicates, 1 - tail);
  return out;
}

double BootstrapPAbove(const std::vector<double>& sorted, double t) {
  const auto at_or_below =
      std::upper_bound(sorted.begin(), sorted.end(), t) - sorted.begin();
  return static_cast<double>(1 + at_or_below) /
         static_cast<double>(sorted.size() + 1);
}

double BootstrapPBelow(const std::vector<double>& sorted, double t) {
  const auto at_or_above =
      sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), t);
  return static_cast<double>(1 + at_or_above) /
         static_cast<double>(sorted.size() + 1);
}

}  // namespace mmgate::stats
