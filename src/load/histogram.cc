#include "load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mmgate::load {

Histogram::Histogram(int sub_bucket_bits)
    : bits_(std::clamp(sub_bucket_bits, 1, 16)),
      sub_(int64_t{1} << bits_),
      counts_(static_cast<size_t>(sub_ * (64 - bits_)), 0) {}

int Histogram::Index(int64_t value) const {
  auto v = static_cast<uint64_t>(value);
  if (v < static_cast<uint64_t>(2 * sub_)) return static_cast<int>(v);
  int msb = 63 - std::countl_zero(v);
  int shift = msb - bits_;  // >= 1 here
  return static_cast<int>(sub_ * shift + static_cast<int64_t>(v >> shift));
}

int64_t Histogram::Lower(int index) const {
  if (index < 2 * sub_) return index;
  int shift = static_cast<int>(index / sub_) - 1;
  return (index - sub_ * shift) << shift;
}

int64_t Histogram::Width(int index) const {
  if (index < 2 * sub_) return 1;
  return int64_t{1} << (index / sub_ - 1);
}

void Histogram::Record(int64_t value) {
  value = std::max<int64_t>(value, 0);
  ++counts_[Index(value)];
  if (count_ == 0 || value < min_) min_ = value;
  if (count_ == 0 || value > max_) max_ = value;
  ++count_;
  sum_ += value;
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < counts_.size() && i < other.counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = count_ ? std::max(max_, other.max_) : other.max_;
  count_ += other.count_;
  sum_ += other.sum_;
}

double Histogram::Mean() const {
  return count_ ? static_cast<double>(sum_ / count_) : 0.0;
}

int64_t Histogram::ValueAtQuantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<int64_t>(rank, 1, count_);
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      int idx = static_cast<int>(i);
      int64_t mid = Lower(idx) + (Width(idx) - 1) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace mmgate::load
