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

// How replicates are drawn. kScalar and kAvx2 draw k cluster indices per
// replicate; they draw the same indices and add in the same order, so they
// give bit-identical replicates. kCounts draws, per replicate, how many of
// the k draws land on each frequent cluster value and on the rare ones
// together (multinomially, by conditional binomials), then indices among the
// rare clusters only: the same distribution, other random numbers, and far
// fewer draws when clusters take few values (0/1 scores summed over small
// groups). kAuto takes kCounts when that costs less than k index draws (a
// function of the data alone), else AVX2 when the CPU has it, else scalar;
// kCounts falls back to them when no value is frequent.
enum class Kernel { kAuto, kScalar, kAvx2, kCounts };

// Whether this CPU can run Kernel::kAvx2.
bool HasAvx2();

// Fills `replicates` (resized to `resamples`) with PairedStatistic of k
// clusters drawn uniformly with replacement from `clusters` (k of them,
// 1 <= k < 2^32), and returns the statistic on the clusters themselves,
// computed with the same arithmetic. Replicates are made in blocks of 64,
// block i drawing from five streams (the seed's xoshiro256** stream jumped
// 5i to 5i + 4 times), so the output depends on the seed (and on whether
// kAuto takes the counts path, a function of the data alone) and never on
// `threads` (0: one per core) or the CPU. Thread-safe: it shares nothing.
double ResampleClusters(const std::vector<PairedSums>& clusters, double sign,
                        int64_t resamples, uint64_t seed, int threads,
                        std::vector<double>* replicates,
                        Kernel kernel = Kernel::kAuto);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_RESAMPLE_H_
