// The large-sample counterpart of the paired cluster bootstrap: the same
// statistic (difference of two ratio-of-sums aggregates), with its standard
// error from the linearization (delta method) over clusters. Above some tens
// of thousands of clusters the bootstrap distribution is normal to within its
// own Monte-Carlo error, and this costs one pass instead of B.
#ifndef MMGATE_STATS_LINEARIZED_H_
#define MMGATE_STATS_LINEARIZED_H_

#include <vector>

#include "common/status.h"
#include "stats/bootstrap.h"

namespace mmgate::stats {

struct LinearizedResult {
  double baseline = 0;
  double candidate = 0;
  double delta = 0;           // oriented, as BootstrapResult::delta
  Interval interval;          // delta +- z * se, oriented, at `confidence`
  double standard_error = 0;  // cluster-robust, with the n / (n - 1) correction
  double p_worse =
      1;  // one-sided normal p for "candidate worse": Phi(delta / se)
};

// Errors: fewer than two clusters, a zero total denominator in either run, a
// confidence outside (0, 1).
Result<LinearizedResult> LinearizedPairedDifference(
    const std::vector<PairedSums>& clusters, double confidence,
    bool higher_is_better);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_LINEARIZED_H_
