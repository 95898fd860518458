#include "stats/linearized.h"

#include <boost/math/distributions/normal.hpp>
#include <cmath>

namespace mmgate::stats {

Result<LinearizedResult> LinearizedPairedDifference(
    const std::vector<PairedSums>& clusters, double confidence,
    bool higher_is_better) {
  if (clusters.size() < 2) return Status::Invalid("need at least two clusters");
  if (!(confidence > 0 && confidence < 1))
    return Status::Invalid("confidence outside (0, 1)");
  double bn = 0, bd = 0, cn = 0, cd = 0;
  for (const PairedSums& c : clusters) {
    bn += c.base_num;
    bd += c.base_den;
    cn += c.cand_num;
    cd += c.cand_den;
  }
  if (bd <= 0 || cd <= 0)
    return Status::Invalid("a run's total denominator is zero");
  LinearizedResult r;
  r.baseline = bn / bd;
  r.candidate = cn / cd;
  double sign = higher_is_better ? 1 : -1;
  r.delta = sign * (r.candidate - r.baseline);
  // Influence of each cluster on R = sum(num) / sum(den) is (num - R den) /
  // sum(den); the paired difference's is the difference of the two.
  double sum_sq = 0;
  for (const PairedSums& c : clusters) {
    double z = (c.cand_num - r.candidate * c.cand_den) / cd -
               (c.base_num - r.baseline * c.base_den) / bd;
    sum_sq += z * z;
  }
  double n = static_cast<double>(clusters.size());
  r.standard_error = std::sqrt(sum_sq * n / (n - 1));
  boost::math::normal_distribution<> normal;
  double z = boost::math::quantile(normal, 0.5 + confidence / 2);
  r.interval = {r.delta - z * r.standard_error, r.delta + z * r.standard_error};
  if (r.standard_error > 0) {
    r.p_worse = boost::math::cdf(normal, r.delta / r.standard_error);
  } else {
    r.p_worse = r.delta < 0 ? 0 : 1;
  }
  return r;
}

}  // namespace mmgate::stats
