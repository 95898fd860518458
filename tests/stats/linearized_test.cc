#include "stats/linearized.h"

#include <gtest/gtest.h>

#include <random>

namespace mmgate::stats {
namespace {

std::vector<PairedSums> Clusters(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> words(3, 20);
  std::binomial_distribution<int> errs(1, 0.5);
  std::vector<PairedSums> out;
  for (int i = 0; i < n; ++i) {
    int w = words(rng);
    std::binomial_distribution<int> base(w, 0.20), cand(w, 0.23);
    out.push_back({static_cast<double>(base(rng)), static_cast<double>(w),
                   static_cast<double>(cand(rng)), static_cast<double>(w)});
  }
  return out;
}

TEST(LinearizedTest, AgreesWithTheBootstrapOnLargeSamples) {
  auto clusters = Clusters(30000, 5);
  auto lin =
      LinearizedPairedDifference(clusters, 0.95, /*higher_is_better=*/false);
  ASSERT_TRUE(lin.ok()) << lin.status().message();
  BootstrapOptions opt;
  opt.resamples = 4000;
  opt.seed = 9;
  opt.higher_is_better = false;
  auto boot = PairedBootstrap(clusters, opt);
  ASSERT_TRUE(boot.ok());
  EXPECT_DOUBLE_EQ(lin->delta, boot->delta);
  EXPECT_DOUBLE_EQ(lin->baseline, boot->baseline);
  // The bootstrap SE from 4,000 replicates is within ~2.2% (1/sqrt(2B)) of the
  // truth.
  EXPECT_NEAR(lin->standard_error / boot->standard_error, 1.0, 0.07);
  EXPECT_NEAR(lin->interval.lower, boot->percentile.lower,
              0.15 * lin->standard_error + 1e-4);
  EXPECT_NEAR(lin->interval.upper, boot->percentile.upper,
              0.15 * lin->standard_error + 1e-4);
  EXPECT_LT(lin->delta, 0) << "WER rose by about 3 points: worse";
  EXPECT_LT(lin->p_worse, 1e-6);
}

TEST(LinearizedTest, HandWorkedExample) {
  // Two clusters of one item each: base 1/2, 0/2 (R = 0.25); cand 2/2, 1/2 (R =
  // 0.75).
  std::vector<PairedSums> c = {{1, 2, 2, 2}, {0, 2, 1, 2}};
  auto r = LinearizedPairedDifference(c, 0.95, true);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->delta, 0.5);
  // Influences: (2 - 1.5)/4 - (1 - 0.5)/4 = 0 and (1 - 1.5)/4 - (0 - 0.5)/4 =
  // 0.
  EXPECT_DOUBLE_EQ(r->standard_error, 0);
  EXPECT_DOUBLE_EQ(r->p_worse, 1);
}

TEST(LinearizedTest, RejectsDegenerateInput) {
  EXPECT_FALSE(LinearizedPairedDifference({{1, 1, 1, 1}}, 0.95, true).ok());
  EXPECT_FALSE(
      LinearizedPairedDifference({{0, 0, 0, 0}, {0, 0, 0, 0}}, 0.95, true)
          .ok());
  EXPECT_FALSE(
      LinearizedPairedDifference({{0, 1, 0, 1}, {0, 1, 0, 1}}, 1.5, true).ok());
}

}  // namespace
}  // namespace mmgate::stats
