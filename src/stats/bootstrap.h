// Paired cluster bootstrap for continuous metrics. The suite aggregate is
// sum(numerator) / sum(denominator) over items (corpus WER: errors over
// reference words; a mean: den = 1 per item), the statistic is the paired
// difference of the two runs' aggregates, and whole clusters (`group`s: a
// source and its perturbed variants) are resampled together.
#ifndef MMGATE_STATS_BOOTSTRAP_H_
#define MMGATE_STATS_BOOTSTRAP_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "stats/paired.h"

namespace mmgate::stats {

// One item's (or one cluster's summed) contribution to both aggregates.
struct PairedSums {
  double base_num = 0;
  double base_den = 0;
  double cand_num = 0;
  double cand_den = 0;
};

// Sums items per cluster. A cluster is a dense number the caller gives each
// group (the gate numbers the groups of a suite once, in name order, instead
// of hashing names again for every stratum). Clusters come out sorted by that
// number, so results do not depend on the order items were added in.
class PairedClusters {
 public:
  // Adds one item; values must be finite and denominators non-negative.
  Status Add(uint32_t cluster, const PairedSums& item);
  int64_t items() const { return items_; }
  int64_t clusters() const { return static_cast<int64_t>(sums_.size()); }
  // Per-cluster sums, sorted by cluster number.
  std::vector<PairedSums> Sorted() const;

 private:
  std::vector<int64_t> slot_;  // cluster number -> index in sums_, or -1
  std::vector<uint32_t> numbers_;
  std::vector<PairedSums> sums_;
  int64_t items_ = 0;
};

struct BootstrapOptions {
  int64_t resamples = 10000;
  uint64_t seed = 0;
  double confidence = 0.95;  // two-sided level of both intervals
  // Orients the statistic: delta = candidate - baseline when higher is
  // better, baseline - candidate otherwise, so positive = candidate better.
  bool higher_is_better = true;
  // Worker threads; 0 uses the hardware's. The result never depends on it.
  int threads = 0;
};

struct BootstrapResult {
  int64_t clusters = 0;
  int64_t resamples = 0;
  double baseline = 0;        // aggregate of the baseline run, metric scale
  double candidate = 0;       // aggregate of the candidate run
  double delta = 0;           // oriented difference on the full data
  Interval percentile;        // oriented, at options.confidence
  Interval bca;               // bias-corrected and accelerated, oriented
  double standard_error = 0;  // sd of the replicates (ddof = 1)
  double bias_z0 = 0;         // BCa bias correction
  double acceleration = 0;    // BCa acceleration, jackknife over clusters
  // One-sided p for "candidate worse": (1 + #{delta* >= 0}) / (B + 1), the
  // share of replicates at or above no-difference, counted conservatively
  // (ties count against "worse", +1 so it is never 0). It is the smallest
  // one-sided level at which the percentile upper bound falls below 0.
  double p_worse = 1;
  std::vector<double> replicates;  // oriented delta*, sorted ascending
};

// The percentile-bootstrap p for "candidate worse than delta0" (oriented), as
// p_worse but against delta0: with delta0 = -margin it tests non-inferiority.
double PWorseThan(const BootstrapResult& result, double delta0);

// Resamples clusters with replacement `resamples` times (see resample.h: each
// block of 64 resamples draws from its own streams derived from the seed, so
// any thread count, with or without AVX2, gives the same replicates), then
// computes both intervals, the SE and p_worse. Errors: no cluster, a zero
// total denominator in either run, fewer than 2 resamples, more than
// 2^32 - 1 clusters, a confidence outside (0, 1).
Result<BootstrapResult> PairedBootstrap(const std::vector<PairedSums>& clusters,
                                        const BootstrapOptions& options);

// The percentile of a sorted sample at q in [0, 1], interpolated linearly
// between order statistics (numpy's default), as the intervals use.
double SortedQuantile(const std::vector<double>& sorted, double q);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_BOOTSTRAP_H_
