#include "stats/bootstrap.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numeric>

#include "stats/resample.h"

namespace mmgate::stats {
namespace {

// Standard normal cdf through erfc: exact at +-inf, no exceptions on NaN.
double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double PhiInverse(double p) {
  return boost::math::quantile(boost::math::normal_distribution<>(), p);
}

bool Finite(const PairedSums& s) {
  return std::isfinite(s.base_num) && std::isfinite(s.base_den) &&
         std::isfinite(s.cand_num) && std::isfinite(s.cand_den);
}

// Jackknife acceleration over clusters: leave-one-out totals are the full
// totals minus one cluster, so this is O(k), not O(k^2).
double Acceleration(const std::vector<PairedSums>& clusters,
                    const PairedSums& total, double sign) {
  const size_t k = clusters.size();
  if (k < 2) return 0;
  std::vector<double> theta(k);
  for (size_t i = 0; i < k; ++i) {
    const PairedSums& c = clusters[i];
    theta[i] = PairedStatistic(
        {total.base_num - c.base_num, total.base_den - c.base_den,
         total.cand_num - c.cand_num, total.cand_den - c.cand_den},
        sign);
  }
  const double mean =
      std::accumulate(theta.begin(), theta.end(), 0.0) / static_cast<double>(k);
  double sum2 = 0, sum3 = 0;
  for (double t : theta) {
    const double u = mean - t;
    sum2 += u * u;
    sum3 += u * u * u;
  }
  // No spread among leave-one-out values (e.g. identical runs): no skew to
  // correct, and BCa falls back to the bias-corrected percentile interval.
  if (!(sum2 > 0)) return 0;
  return sum3 / (6 * std::pow(sum2, 1.5));
}

}  // namespace

Status PairedClusters::Add(uint32_t cluster, const PairedSums& item) {
  if (!Finite(item)) {
    return Status::Invalid(fmt::format(
        "paired bootstrap: non-finite value in cluster {}", cluster));
  }
  if (item.base_den < 0 || item.cand_den < 0) {
    return Status::Invalid(fmt::format(
        "paired bootstrap: negative denominator in cluster {}", cluster));
  }
  if (cluster >= slot_.size()) slot_.resize(size_t{cluster} + 1, -1);
  int64_t& slot = slot_[cluster];
  if (slot < 0) {
    slot = static_cast<int64_t>(sums_.size());
    numbers_.push_back(cluster);
    sums_.emplace_back();
  }
  PairedSums& s = sums_[static_cast<size_t>(slot)];
  s.base_num += item.base_num;
  s.base_den += item.base_den;
  s.cand_num += item.cand_num;
  s.cand_den += item.cand_den;
  ++items_;
  return Status::Ok();
}

std::vector<PairedSums> PairedClusters::Sorted() const {
  std::vector<uint32_t> order = numbers_;
  std::sort(order.begin(), order.end());
  std::vector<PairedSums> out;
  out.reserve(order.size());
  for (uint32_t n : order) out.push_back(sums_[static_cast<size_t>(slot_[n])]);
  return out;
}

double SortedQuantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double index =
      std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(index));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = index - static_cast<double>(lo);
  const double a = sorted[lo];
  const double b = sorted[hi];
  // numpy's lerp: interpolate from the nearer end, so t = 1 returns b exactly.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

double PWorseThan(const BootstrapResult& result, double delta0) {
  const auto& r = result.replicates;
  const auto at_or_above =
      r.end() - std::lower_bound(r.begin(), r.end(), delta0);
  return static_cast<double>(1 + at_or_above) /
         static_cast<double>(r.size() + 1);
}

Result<BootstrapResult> PairedBootstrap(const std::vector<PairedSums>& clusters,
                                        const BootstrapOptions& options) {
  if (clusters.empty())
    return Status::Invalid("paired bootstrap: no cluster to resample");
  if (clusters.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::Invalid("paired bootstrap: more than 2^32 - 1 clusters");
  }
  if (options.resamples < 2) {
    return Status::Invalid("paired bootstrap: need at least 2 resamples, got " +
                           std::to_string(options.resamples));
  }
  if (!(options.confidence > 0 && options.confidence < 1)) {
    return Status::Invalid(
        "paired bootstrap: confidence level must be in (0, 1), got " +
        std::to_string(options.confidence));
  }
  PairedSums total;
  for (const PairedSums& c : clusters) {
    if (!Finite(c) || c.base_den < 0 || c.cand_den < 0) {
      return Status::Invalid(
          "paired bootstrap: a cluster has a non-finite value or a negative "
          "denominator");
    }
    total.base_num += c.base_num;
    total.base_den += c.base_den;
    total.cand_num += c.cand_num;
    total.cand_den += c.cand_den;
  }
  if (!(total.base_den > 0 && total.cand_den > 0)) {
    return Status::Invalid(
        "paired bootstrap: the total denominator of a run is 0");
  }
  const double sign = options.higher_is_better ? 1.0 : -1.0;
  const uint32_t k = static_cast<uint32_t>(clusters.size());
  const int64_t b = options.resamples;

  BootstrapResult out;
  out.clusters = k;
  out.resamples = b;
  out.baseline = total.base_num / total.base_den;
  out.candidate = total.cand_num / total.cand_den;
  out.delta = ResampleClusters(clusters, sign, b, options.seed, options.threads,
                               &out.replicates);
  std::sort(out.replicates.begin(), out.replicates.end());
  const std::vector<double>& r = out.replicates;

  const double mean =
      std::accumulate(r.begin(), r.end(), 0.0) / static_cast<double>(b);
  double ss = 0;
  for (double x : r) ss += (x - mean) * (x - mean);
  out.standard_error = std::sqrt(ss / static_cast<double>(b - 1));

  const double alpha = (1 - options.confidence) / 2;
  out.percentile = {SortedQuantile(r, alpha), SortedQuantile(r, 1 - alpha)};

  // z0 from the share of replicates below the estimate, ties counted half
  // (as SciPy does); kept off 0 and 1 so the interval stays defined when
  // every replicate falls on one side.
  const double below = static_cast<double>(
      std::lower_bound(r.begin(), r.end(), out.delta) - r.begin());
  const double at_or_below = static_cast<double>(
      std::upper_bound(r.begin(), r.end(), out.delta) - r.begin());
  const double half = 0.5 / static_cast<double>(b);
  const double share = std::clamp(
      (below + at_or_below) / (2.0 * static_cast<double>(b)), half, 1 - half);
  out.bias_z0 = PhiInverse(share);
  out.acceleration = Acceleration(clusters, total, sign);
  auto adjusted = [&](double z) {
    const double num = out.bias_z0 + z;
    return Phi(out.bias_z0 + num / (1 - out.acceleration * num));
  };
  const double z_alpha = PhiInverse(alpha);
  out.bca = {SortedQuantile(r, adjusted(z_alpha)),
             SortedQuantile(r, adjusted(-z_alpha))};
  out.p_worse = PWorseThan(out, 0.0);
  return out;
}

}  // namespace mmgate::stats
