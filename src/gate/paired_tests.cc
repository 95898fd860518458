#include "gate/paired_tests.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string_view>

#include "stats/bootstrap.h"
#include "stats/linearized.h"
#include "stats/paired.h"
#include "stats/power.h"

namespace mmgate::gate {
namespace {

double Share(double num, double den) { return den > 0 ? num / den : 0; }

// (z_{1-level} + z_power) * se: the MDE at the stratum's level.
double Mde(double se, double level, double power) {
  const boost::math::normal_distribution<> z;
  return (boost::math::quantile(z, 1 - level) +
          boost::math::quantile(z, power)) *
         se;
}

// The standard error the decision's interval behaves as: its lower
// half-width over z_{1-level}, when that is wider than the test's own
// (Newcombe's score interval is, by a quarter, when few items flip at a
// family-wise level). The MDE and the items needed then describe the
// interval that decides pass or not, not a narrower normal approximation.
double IntervalSe(double oriented_delta, double oriented_lower, double level,
                  double se) {
  const boost::math::normal_distribution<> z;
  const double half = oriented_delta - oriented_lower;
  return std::max(se, half / boost::math::quantile(z, 1 - level));
}

// A name with its first eight bytes as a big-endian integer (zero-padded):
// integer order is byte order, so most comparisons of a sort settle on the
// integers, held in the array, without reading the names scattered in
// memory (a million group names otherwise miss the cache on every compare).
struct KeyedName {
  uint64_t prefix;
  std::string_view name;
  uint32_t run;
  bool operator<(const KeyedName& o) const {
    return prefix != o.prefix ? prefix < o.prefix : name < o.name;
  }
};

// rank[r] = the rank of names[r] among the distinct names, in byte order.
void RankNames(const std::vector<std::string_view>& names,
               std::vector<uint32_t>* rank) {
  std::vector<KeyedName> keyed(names.size());
  for (size_t r = 0; r < names.size(); ++r) {
    uint64_t prefix = 0;
    for (size_t b = 0; b < 8; ++b) {
      prefix =
          prefix << 8 |
          (b < names[r].size() ? static_cast<unsigned char>(names[r][b]) : 0u);
    }
    keyed[r] = {prefix, names[r], static_cast<uint32_t>(r)};
  }
  std::sort(keyed.begin(), keyed.end());
  uint32_t next = 0;
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (i > 0 && keyed[i - 1] < keyed[i]) ++next;
    (*rank)[keyed[i].run] = next;
  }
}

}  // namespace

void NumberClusters(std::vector<Pair>* pairs) {
  // Items of a group sit together, in file order: number the runs of equal
  // adjacent names, and sort only those (none at all when the runs are in
  // name order already, as zero-padded ids and groups are). The numbers are
  // the groups' ranks in name order either way.
  std::vector<std::string_view> runs;
  std::vector<uint32_t> run_of(pairs->size());
  for (size_t i = 0; i < pairs->size(); ++i) {
    const std::string_view name = (*pairs)[i].group;
    if (runs.empty() || runs.back() != name) runs.push_back(name);
    run_of[i] = static_cast<uint32_t>(runs.size() - 1);
  }
  std::vector<uint32_t> rank(runs.size());
  if (std::adjacent_find(runs.begin(), runs.end(), std::greater_equal<>()) ==
      runs.end()) {
    for (size_t r = 0; r < runs.size(); ++r) rank[r] = static_cast<uint32_t>(r);
  } else {
    RankNames(runs, &rank);
  }
  for (size_t i = 0; i < pairs->size(); ++i)
    (*pairs)[i].cluster = rank[run_of[i]];
}

Result<PairedStats> BinaryTest(const std::vector<Pair>& pairs,
                               const std::vector<uint32_t>& idx,
                               bool higher_is_better, double level,
                               double power, const Policy& policy,
                               uint64_t seed) {
  stats::PairedCounts counts;
  double b = 0, c = 0;
  for (uint32_t i : idx) {
    const Pair& p = pairs[i];
    double bv = Share(p.b_num, p.b_den), cv = Share(p.c_num, p.c_den);
    b += bv;
    c += cv;
    // "Pass" is the good outcome, whichever way the metric points.
    bool bp = higher_is_better ? bv >= 0.5 : bv < 0.5;
    bool cp = higher_is_better ? cv >= 0.5 : cv < 0.5;
    counts.Add(bp, cp);
  }
  std::vector<char> seen;
  bool clustered = false;
  for (uint32_t i : idx) {
    const uint32_t g = pairs[i].cluster;
    if (g >= seen.size()) seen.resize(size_t{g} + 1, 0);
    clustered |= seen[g] != 0;
    seen[g] = 1;
  }
  if (clustered) {
    auto boot = ContinuousTest(pairs, idx, higher_is_better, level, power,
                               policy, seed);
    if (!boot.ok()) return boot.status();
    boot->worse = counts.n10;
    boot->better = counts.n01;
    return boot;
  }
  auto mcnemar = stats::McNemarExact(counts);
  if (!mcnemar.ok()) return mcnemar.status();
  auto ci = stats::NewcombeInterval(counts, 1 - 2 * level);
  if (!ci.ok()) return ci.status();
  auto mde = stats::BinaryMinimumDetectableEffect(counts, level, power);
  if (!mde.ok()) return mde.status();
  PairedStats s;
  double n = static_cast<double>(idx.size());
  s.baseline = n > 0 ? b / n : 0;
  s.candidate = n > 0 ? c / n : 0;
  s.delta = s.candidate - s.baseline;
  // The interval is for the pass rate; on the metric's scale it flips with it.
  s.ci_lo = higher_is_better ? ci->lower : -ci->upper;
  s.ci_hi = higher_is_better ? ci->upper : -ci->lower;
  s.p_worse = mcnemar->p_worse;
  const double d = n > 0 ? static_cast<double>(counts.n01 - counts.n10) / n : 0;
  const double se = IntervalSe(d, ci->lower, level, mde->se);
  s.mde = std::max(Mde(se, level, power), mde->floor);
  s.spread = se * se * n;
  s.worse = counts.n10;
  s.better = counts.n01;
  s.test = "mcnemar-exact";
  return s;
}

Result<PairedStats> ContinuousTest(const std::vector<Pair>& pairs,
                                   const std::vector<uint32_t>& idx,
                                   bool higher_is_better, double level,
                                   double power, const Policy& policy,
                                   uint64_t seed) {
  stats::PairedClusters clusters;
  for (uint32_t i : idx) {
    const Pair& p = pairs[i];
    Status added =
        clusters.Add(p.cluster, {p.b_num, p.b_den, p.c_num, p.c_den});
    if (!added.ok()) return added.WithContext("group " + std::string(p.group));
  }
  std::vector<stats::PairedSums> sums = clusters.Sorted();
  PairedStats s;
  stats::Interval ci;
  double se = 0;
  if (static_cast<int64_t>(sums.size()) > policy.bootstrap_max_clusters) {
    auto lin = stats::LinearizedPairedDifference(sums, 1 - 2 * level,
                                                 higher_is_better);
    if (!lin.ok()) return lin.status();
    s.baseline = lin->baseline;
    s.candidate = lin->candidate;
    s.p_worse = lin->p_worse;
    ci = lin->interval;
    se = lin->standard_error;
    s.test = "cluster-normal";
  } else {
    stats::BootstrapOptions opt;
    opt.resamples = policy.bootstrap_resamples;
    opt.seed = seed;
    opt.confidence = 1 - 2 * level;
    opt.higher_is_better = higher_is_better;
    auto boot = stats::PairedBootstrap(sums, opt);
    if (!boot.ok()) return boot.status();
    s.baseline = boot->baseline;
    s.candidate = boot->candidate;
    s.p_worse = boot->p_worse;
    bool bca = policy.interval == IntervalMethod::kBca;
    ci = bca ? boot->bca : boot->percentile;
    se = boot->standard_error;
    s.test = bca ? "cluster-bootstrap-bca" : "cluster-bootstrap-percentile";
  }
  s.delta = s.candidate - s.baseline;
  se = IntervalSe(higher_is_better ? s.delta : -s.delta, ci.lower, level, se);
  // The statistic is oriented (positive = better); report it on the metric's
  // own scale.
  s.ci_lo = higher_is_better ? ci.lower : -ci.upper;
  s.ci_hi = higher_is_better ? ci.upper : -ci.lower;
  s.mde = Mde(se, level, power);
  s.spread = se * se * static_cast<double>(idx.size());
  return s;
}

int64_t ItemsNeeded(bool binary, double spread, double level, double power,
                    double margin) {
  if (!(margin > 0)) return std::numeric_limits<int64_t>::max();
  // MDE = (z_{1-level} + z_power) * sqrt(spread / n): solve MDE <= margin.
  const double k = Mde(1, level, power);
  double n = k * k * spread / (margin * margin);
  if (binary) {
    // The exact test's floor (stats/power.h): ceil(log2(1 / level)) losses.
    int64_t losses = 0;
    for (double p = 1; p > level; p /= 2) ++losses;
    n = std::max(n, static_cast<double>(losses) / margin);
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(n)));
}

}  // namespace mmgate::gate
