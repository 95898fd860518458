#include "load/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace mmgate::load {
namespace {

int64_t Exact(const std::vector<int64_t>& sorted, double q) {
  auto rank = static_cast<int64_t>(std::ceil(q * sorted.size()));
  rank = std::clamp<int64_t>(rank, 1, static_cast<int64_t>(sorted.size()));
  return sorted[static_cast<size_t>(rank - 1)];
}

// A million latencies spread over seven decades (1 us to 10 s, log-uniform,
// plus a cluster at a few ms): every percentile of the histogram is within
// its stated relative error of the exact order statistic.
TEST(Histogram, PercentilesMatchExactOrderStatisticsOfAMillionSamples) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> decades(3.0, 10.0);
  std::normal_distribution<double> cluster(4e6, 3e5);
  Histogram h;
  std::vector<int64_t> raw;
  raw.reserve(1'000'000);
  for (int i = 0; i < 1'000'000; ++i) {
    double v =
        i % 3 ? std::pow(10.0, decades(rng)) : std::max(0.0, cluster(rng));
    auto x = static_cast<int64_t>(v);
    raw.push_back(x);
    h.Record(x);
  }
  std::sort(raw.begin(), raw.end());
  EXPECT_EQ(h.count(), 1'000'000);
  EXPECT_EQ(h.min(), raw.front());
  EXPECT_EQ(h.max(), raw.back());
  const double err = h.RelativeError();
  EXPECT_LE(err, 0.002);
  for (double q : {0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999,
                   0.9999, 1.0}) {
    int64_t exact = Exact(raw, q);
    int64_t got = h.ValueAtQuantile(q);
    EXPECT_LE(std::abs(static_cast<double>(got - exact)), err * exact + 0.5)
        << "q=" << q << " exact=" << exact << " got=" << got;
  }
  long double sum = 0;
  for (int64_t x : raw) sum += x;
  EXPECT_NEAR(h.Mean(), static_cast<double>(sum / raw.size()), 1.0);
}

TEST(Histogram, SmallValuesAreExactAndEdgesHold) {
  Histogram h;
  EXPECT_EQ(h.ValueAtQuantile(0.5), 0);
  for (int64_t v : {0, 1, 2, 3, 511}) h.Record(v);
  h.Record(-5);  // counts as 0
  EXPECT_EQ(h.ValueAtQuantile(0.0), 0);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 1);
  EXPECT_EQ(h.ValueAtQuantile(1.0), 511);
  Histogram big;
  big.Record(INT64_MAX);
  EXPECT_EQ(big.ValueAtQuantile(0.5), INT64_MAX);
}

TEST(Histogram, MergeEqualsRecordingEverything) {
  Histogram a, b, all;
  for (int64_t v = 1; v < 100000; v += 7) {
    (v % 2 ? a : b).Record(v * 1000);
    all.Record(v * 1000);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double q : {0.1, 0.5, 0.99})
    EXPECT_EQ(a.ValueAtQuantile(q), all.ValueAtQuantile(q));
  EXPECT_EQ(a.max(), all.max());
}

}  // namespace
}  // namespace mmgate::load
