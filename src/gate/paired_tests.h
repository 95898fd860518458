// The paired test for one stratum, chosen by the metric: exact McNemar with a
// Newcombe interval for binary metrics, a cluster bootstrap for continuous
// ones. A thin layer over stats/, so gate.cc reads as the decision rules.
#ifndef MMGATE_GATE_PAIRED_TESTS_H_
#define MMGATE_GATE_PAIRED_TESTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "gate/policy.h"

namespace mmgate::gate {

// One paired item: its cluster (the item's `group`, and that group's number
// among the suite's groups in name order) and both runs' score as numerator /
// denominator.
struct Pair {
  std::string_view group;  // a view of the run's row, which outlives it
  double b_num, b_den, c_num, c_den;
  uint32_t cluster = 0;
};

// Sets every pair's `cluster` from its group name.
void NumberClusters(std::vector<Pair>* pairs);

struct PairedStats {
  double baseline = 0, candidate = 0,
         delta = 0;             // delta = candidate - baseline
  double ci_lo = 0, ci_hi = 0;  // for delta, two-sided 1 - 2 * level
  double p_worse = 1;  // one-sided p that the candidate is worse (oriented)
  double mde = 0;      // at level and power, on the metric's scale
  // The variance per item of the difference (se^2 * n, se as the interval
  // behaves): what the stratum would need to grow by is read from it
  // (ItemsNeeded).
  double spread = 0;
  int64_t worse = 0, better = 0;  // binary only: discordant pairs
  std::string test;               // which test produced these figures
};

// `level` is the stratum's one-sided family-wise level: each end of the
// interval is a one-sided bound at it, and the MDE is taken at it with
// `power`. `seed` seeds this stratum's own bootstrap stream. Statistics errors
// (only possible on degenerate data, e.g. all denominators zero) are returned.
// McNemar assumes independent items; when the stratum holds several items of
// one group (a source and its perturbed variants), the p-value, interval and
// MDE come from the cluster bootstrap on the 0/1 outcomes instead.
Result<PairedStats> BinaryTest(const std::vector<Pair>& pairs,
                               const std::vector<uint32_t>& idx,
                               bool higher_is_better, double level,
                               double power, const Policy& policy,
                               uint64_t seed);
Result<PairedStats> ContinuousTest(const std::vector<Pair>& pairs,
                                   const std::vector<uint32_t>& idx,
                                   bool higher_is_better, double level,
                                   double power, const Policy& policy,
                                   uint64_t seed);

// Paired items a stratum needs for its MDE at `level` and `power` to reach
// `margin`, given its `spread` (PairedStats: variance per item) and, for
// binary metrics, the exact test's floor; at least 1.
int64_t ItemsNeeded(bool binary, double spread, double level, double power,
                    double margin);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_PAIRED_TESTS_H_
