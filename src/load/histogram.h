// A log-linear high-dynamic-range histogram of non-negative integers
// (latencies in nanoseconds). Values below 2*S are counted exactly; above,
// each power of two is split into S equal buckets, so a bucket is never wider
// than 1/S of its lower bound, and the value reported for a percentile (its
// bucket's midpoint, clamped to the exact min and max) is within
// RelativeError() = 1/(2S) of the exact order statistic. With the default
// S = 256 that is 0.2%, over the full int64 range, in 112 KiB.
//
// Written here because Debian 12 packages no C/C++ HdrHistogram; the layout
// follows the same idea (Gil Tene's HdrHistogram), not its code.
//
// Thread-safety: none; one writer, or merge per-thread histograms.
#ifndef MMGATE_LOAD_HISTOGRAM_H_
#define MMGATE_LOAD_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace mmgate::load {

class Histogram {
 public:
  // `sub_bucket_bits` b gives S = 2^b buckets per power of two (1..16).
  explicit Histogram(int sub_bucket_bits = 8);

  // Negative values count as 0.
  void Record(int64_t value);
  void Merge(const Histogram& other);  // same sub_bucket_bits

  int64_t count() const { return count_; }
  int64_t min() const { return count_ ? min_ : 0; }
  int64_t max() const { return count_ ? max_ : 0; }
  double Mean() const;
  // The value at quantile q in [0, 1] by the nearest-rank rule (the
  // ceil(q * n)-th smallest, the smallest for q = 0); 0 when empty.
  int64_t ValueAtQuantile(double q) const;
  double RelativeError() const { return 0.5 / static_cast<double>(sub_); }

 private:
  int Index(int64_t value) const;
  int64_t Lower(int index) const;
  int64_t Width(int index) const;

  int bits_;
  int64_t sub_;  // S
  std::vector<int64_t> counts_;
  int64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_HISTOGRAM_H_
