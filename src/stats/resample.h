// The resampling engine under PairedBootstrap: draws whole clusters with
// replacement, fast, reproducibly and in parallel.
#ifndef MMGATE_STATS_RESAMPLE_H_
#define MMGATE_STATS_RESAMPLE_H_

#include <cstdint>
#include <vector>

#include "stats/bootstrap.h"

namespace mmgate::stats {

// sum(num) / sum(den), or 0 when den is 0 (as compare.h's Aggregate).
inline double Ratio(double num, double den) { return den > 0 ? num / den : 0; }

// sign * (candidate ratio - baseline ratio).
inline double PairedStatistic(const PairedSums& s, double sign) {
  return sign * (Ratio(s.cand_num, s.cand_den) - Ratio(s.base_num, s.base_den));
}

// The inner loop's implementations. They draw the same indices and add in
// the same order, so they give bit-identical replicates; kAuto picks AVX2
// when the CPU has it.
enum class Kernel { kAuto, kScalar, kAvx2 };

// Whether this CPU can run Kernel::kAvx2.
bool HasAvx2();

// Fills `replicates` (resized to `resamples`) with PairedStatistic of k
// clusters drawn uniformly with replacement from `clusters` (k of them,
// 1 <= k < 2^32), and returns the statistic on the clusters themselves,
// computed with the same arithmetic. Replicates are made in blocks of 64,
// block i drawing from five streams (the seed's xoshiro256** stream jumped
// 5i to 5i + 4 times), so the output depends on the seed and never on
// `threads` (0: one per core) or the kernel.
double ResampleClusters(const std::vector<PairedSums>& clusters, double sign,
                        int64_t resamples, uint64_t seed, int threads,
                        std::vector<double>* replicates,
                        Kernel kernel = Kernel::kAuto);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_RESAMPLE_H_
