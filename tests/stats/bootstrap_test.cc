#include "stats/bootstrap.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "reference.h"
#include "stats/resample.h"

namespace mmgate::stats {
namespace {

using testing::BinaryGroups;
using testing::MeanScoreItems;
using testing::WerLikeClusters;

BootstrapResult Boot(const std::vector<PairedSums>& data,
                     BootstrapOptions options) {
  auto r = PairedBootstrap(data, options);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : BootstrapResult{};
}

TEST(BootstrapTest, SameReplicatesForAnyThreadCount) {
  const auto data = WerLikeClusters(300, 4, 7);
  BootstrapOptions options;
  options.resamples = 3001;  // not a multiple of the block size
  options.seed = 99;
  options.threads = 1;
  const BootstrapResult one = Boot(data, options);
  for (int threads : {2, 3, 5}) {
    options.threads = threads;
    const BootstrapResult many = Boot(data, options);
    EXPECT_EQ(many.replicates, one.replicates) << threads << " threads";
    EXPECT_EQ(many.bca.lower, one.bca.lower);
    EXPECT_EQ(many.bca.upper, one.bca.upper);
  }
  options.seed = 100;
  EXPECT_NE(Boot(data, options).replicates, one.replicates);
}

TEST(BootstrapTest, ClusterOrderDoesNotMatter) {
  PairedClusters forward, backward;
  const auto items = MeanScoreItems(200, 3);
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_TRUE(forward.Add(static_cast<uint32_t>(i % 37), items[i]).ok());
  }
  for (size_t i = items.size(); i-- > 0;) {
    ASSERT_TRUE(backward.Add(static_cast<uint32_t>(i % 37), items[i]).ok());
  }
  EXPECT_EQ(forward.items(), 200);
  EXPECT_EQ(forward.clusters(), 37);
  BootstrapOptions options;
  options.resamples = 500;
  const auto a = forward.Sorted();
  const auto b = backward.Sorted();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i].base_num, b[i].base_num, 1e-12);
    EXPECT_NEAR(a[i].cand_num, b[i].cand_num, 1e-12);
    EXPECT_EQ(a[i].base_den, b[i].base_den);
  }
  EXPECT_NEAR(Boot(a, options).bca.lower, Boot(b, options).bca.lower, 1e-12);
}

TEST(BootstrapTest, AddRejectsBadValues) {
  PairedClusters c;
  EXPECT_FALSE(c.Add(0, {1, -1, 1, 1}).ok());
  EXPECT_FALSE(c.Add(0, {NAN, 1, 1, 1}).ok());
  EXPECT_EQ(c.items(), 0);
}

TEST(BootstrapTest, LowerIsBetterMirrorsTheStatistic) {
  const auto data = WerLikeClusters(200, 3, 11);
  BootstrapOptions options;
  options.resamples = 2000;
  const BootstrapResult higher = Boot(data, options);
  options.higher_is_better = false;
  const BootstrapResult lower = Boot(data, options);
  EXPECT_DOUBLE_EQ(lower.delta, -higher.delta);
  EXPECT_NEAR(lower.percentile.lower, -higher.percentile.upper, 1e-12);
  EXPECT_NEAR(lower.percentile.upper, -higher.percentile.lower, 1e-12);
  EXPECT_NEAR(lower.bca.lower, -higher.bca.upper, 1e-12);
  EXPECT_NEAR(lower.standard_error, higher.standard_error, 1e-12);
  // The candidate makes fewer errors: with WER "lower is better" it is better.
  EXPECT_LT(lower.candidate, lower.baseline);
  EXPECT_GT(lower.delta, 0);
  EXPECT_GT(lower.p_worse, 0.95);
  // Oriented the wrong way round, the same data reads as a regression.
  EXPECT_LT(higher.p_worse, 0.05);
}

TEST(BootstrapTest, PWorseCountsReplicatesAtOrAboveTheNull) {
  const auto data = MeanScoreItems(150, 5);
  BootstrapOptions options;
  options.resamples = 999;
  const BootstrapResult r = Boot(data, options);
  for (double d0 : {-0.05, -0.01, 0.0, 0.01, r.delta}) {
    const auto count = std::count_if(r.replicates.begin(), r.replicates.end(),
                                     [&](double x) { return x >= d0; });
    EXPECT_DOUBLE_EQ(PWorseThan(r, d0),
                     (1.0 + static_cast<double>(count)) / 1000.0);
  }
  EXPECT_DOUBLE_EQ(r.p_worse, PWorseThan(r, 0));
  EXPECT_TRUE(std::is_sorted(r.replicates.begin(), r.replicates.end()));
}

TEST(BootstrapTest, MeanStandardErrorMatchesTheFormula) {
  const auto data = MeanScoreItems(2000, 21);
  double mean = 0;
  for (const PairedSums& s : data) mean += s.cand_num - s.base_num;
  mean /= static_cast<double>(data.size());
  double ss = 0;
  for (const PairedSums& s : data)
    ss += std::pow(s.cand_num - s.base_num - mean, 2);
  // The bootstrap SE estimates the plug-in SE sd_pop / sqrt(n); with 10,000
  // resamples its Monte-Carlo error is about 1/sqrt(2 * 10^4) = 0.7%.
  const double plug_in = std::sqrt(ss / static_cast<double>(data.size())) /
                         std::sqrt(static_cast<double>(data.size()));
  const BootstrapResult r = Boot(data, {});
  EXPECT_NEAR(r.delta, mean, 1e-12);
  EXPECT_NEAR(r.standard_error / plug_in, 1.0, 0.03);
  EXPECT_EQ(r.resamples, 10000);
}

TEST(BootstrapTest, ClustersWidenTheIntervalOverIndependentItems) {
  // 100 sources with 5 perfectly correlated variants each: resampling the
  // variants as if independent understates the SE by about sqrt(5).
  const auto sources = MeanScoreItems(100, 8);
  PairedClusters by_source, by_item;
  for (int s = 0; s < 100; ++s) {
    for (int v = 0; v < 5; ++v) {
      ASSERT_TRUE(by_source.Add(static_cast<uint32_t>(s), sources[s]).ok());
      ASSERT_TRUE(
          by_item.Add(static_cast<uint32_t>(s * 5 + v), sources[s]).ok());
    }
  }
  const BootstrapResult clustered = Boot(by_source.Sorted(), {});
  const BootstrapResult naive = Boot(by_item.Sorted(), {});
  EXPECT_NEAR(clustered.delta, naive.delta, 1e-12);
  EXPECT_NEAR(clustered.standard_error / naive.standard_error, std::sqrt(5.0),
              0.25);
}

TEST(BootstrapTest, IdenticalRunsGiveADegenerateButDefinedResult) {
  std::vector<PairedSums> data;
  for (int i = 0; i < 50; ++i) data.push_back({i % 3 * 1.0, 4, i % 3 * 1.0, 4});
  const BootstrapResult r = Boot(data, {});
  EXPECT_EQ(r.delta, 0);
  EXPECT_EQ(r.standard_error, 0);
  EXPECT_EQ(r.acceleration, 0);
  EXPECT_EQ(r.percentile.lower, 0);
  EXPECT_EQ(r.bca.upper, 0);
  EXPECT_EQ(r.p_worse, 1);
}

TEST(BootstrapTest, RejectsBadInput) {
  EXPECT_FALSE(PairedBootstrap({}, {}).ok());
  EXPECT_FALSE(PairedBootstrap({{1, 0, 1, 0}}, {}).ok());
  BootstrapOptions one;
  one.resamples = 1;
  EXPECT_FALSE(PairedBootstrap({{1, 1, 1, 1}}, one).ok());
  BootstrapOptions level;
  level.confidence = 1;
  EXPECT_FALSE(PairedBootstrap({{1, 1, 1, 1}}, level).ok());
}

struct ScipyReference {
  double delta;
  Interval percentile;
  Interval bca;
  double se;
  double acceleration;
};

// Monte-Carlo tolerance for comparing two independent bootstraps of B
// resamples. A quantile at level q of a near-normal bootstrap distribution
// with sd se has Monte-Carlo sd sqrt(q (1 - q) / B) / phi(z_q) * se (0.027 se
// at q = 0.025, B = 10^4); the difference of two runs has sqrt(2) times that,
// and we allow 4 of those sds (0.15 se). BCa's end points also move with the
// estimated z0 (sd about 0.0125 at B = 10^4, moving the end point by roughly
// as much again), so they get 1.5 times more. The SE itself has a relative
// Monte-Carlo sd of 1/sqrt(2B) per run: 4 sds of the difference is 4/sqrt(B).
struct Tolerance {
  double percentile;
  double bca;
  double se_relative;
};

Tolerance MonteCarloTolerance(double confidence, int64_t b, double se) {
  const boost::math::normal_distribution<> normal;
  const double q = (1 - confidence) / 2;
  const double z = boost::math::quantile(normal, q);
  const double quantile_sd = std::sqrt(q * (1 - q) / static_cast<double>(b)) /
                             boost::math::pdf(normal, z) * se;
  const double percentile = 4 * std::sqrt(2.0) * quantile_sd;
  return {percentile, 1.5 * percentile, 4 / std::sqrt(static_cast<double>(b))};
}

void ExpectMatchesScipy(const BootstrapResult& ours, const ScipyReference& ref,
                        double confidence) {
  const Tolerance tol =
      MonteCarloTolerance(confidence, ours.resamples, ours.standard_error);
  EXPECT_NEAR(ours.delta, ref.delta, 1e-12);
  EXPECT_NEAR(ours.acceleration, ref.acceleration, 1e-9);
  EXPECT_NEAR(ours.percentile.lower, ref.percentile.lower, tol.percentile);
  EXPECT_NEAR(ours.percentile.upper, ref.percentile.upper, tol.percentile);
  EXPECT_NEAR(ours.bca.lower, ref.bca.lower, tol.bca);
  EXPECT_NEAR(ours.bca.upper, ref.bca.upper, tol.bca);
  EXPECT_NEAR(ours.standard_error / ref.se, 1.0, tol.se_relative);
}

// Made with tests/stats/scipy_reference.py bootstrap on the CSV this data
// writes (SciPy 1.10.1: scipy.stats.bootstrap(paired=True, n_resamples=10000,
// random_state=numpy.random.default_rng(1)), percentile and BCa).
TEST(BootstrapScipyTest, RatioStatisticMatchesEmbeddedScipyValues) {
  const auto data = WerLikeClusters(400, 4, 2024);
  BootstrapOptions options;
  options.higher_is_better = false;  // a WER-like error rate
  options.seed = 1;
  ExpectMatchesScipy(Boot(data, options),
                     {0.028312037659717543,
                      {0.02028993569113552, 0.03653060163329057},
                      {0.02027288989489427, 0.036509888052213536},
                      0.0041990431919771126,
                      0.0029857794074346815},
                     0.95);
}

// A plain mean (den = 1, one item per cluster) with a skewed difference,
// where BCa moves away from the percentile interval.
TEST(BootstrapScipyTest, MeanMatchesEmbeddedScipyValues) {
  const auto data = MeanScoreItems(500, 77);
  BootstrapOptions options;
  options.seed = 1;
  const BootstrapResult ours = Boot(data, options);
  ExpectMatchesScipy(ours,
                     {0.02035282241447861,
                      {0.013279120972031384, 0.026721344994120325},
                      {0.012674165374489713, 0.026314838976606608},
                      0.003442302972752295,
                      -0.026896741873805984},
                     0.95);
  EXPECT_LT(ours.bca.lower, ours.percentile.lower);
}

ScipyReference ScipyLive(const std::vector<PairedSums>& data,
                         const std::string& name, bool higher_is_better,
                         double confidence) {
  auto csv = testing::WriteClustersCsv(data, name);
  EXPECT_TRUE(csv.ok()) << csv.status().message();
  auto ref =
      testing::RunReference({"bootstrap", *csv, higher_is_better ? "1" : "0",
                             fmt::format("{}", confidence), "10000", "5"});
  EXPECT_TRUE(ref.ok()) << ref.status().message();
  if (!ref.ok()) return {};
  const nlohmann::json& j = *ref;
  return {j["delta"].get<double>(),
          {j["percentile"][0].get<double>(), j["percentile"][1].get<double>()},
          {j["bca"][0].get<double>(), j["bca"][1].get<double>()},
          j["se"].get<double>(),
          j["acceleration"].get<double>()};
}

TEST(BootstrapScipyTest, ClusteredRatioMatchesScipyLive) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const auto data = WerLikeClusters(250, 6, 31);
  BootstrapOptions options;
  options.higher_is_better = false;
  options.confidence = 0.90;
  options.seed = 8;
  ExpectMatchesScipy(Boot(data, options),
                     ScipyLive(data, "clustered.csv", false, 0.90), 0.90);
}

TEST(BootstrapScipyTest, MeanMatchesScipyLive) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const auto data = MeanScoreItems(800, 5);
  BootstrapOptions options;
  options.seed = 9;
  ExpectMatchesScipy(Boot(data, options),
                     ScipyLive(data, "mean.csv", true, 0.95), 0.95);
}

// 3,000 clusters whose two denominators differ (the four-field layout),
// cut into 3 cache chunks, so the multinomial split between chunks is used.
std::vector<PairedSums> UnequalDenominators() {
  auto data = WerLikeClusters(3000, 3, 404);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i].cand_den += static_cast<double>(i % 3);
  }
  return data;
}

// Made with tests/stats/scipy_reference.py bootstrap as above (seed 1).
TEST(BootstrapScipyTest, ChunkedClustersMatchEmbeddedScipyValues) {
  BootstrapOptions options;
  options.higher_is_better = false;
  options.seed = 3;
  ExpectMatchesScipy(Boot(UnequalDenominators(), options),
                     {0.030076961763587234,
                      {0.02678616744835993, 0.033442302774810924},
                      {0.026823956028372717, 0.0334547900555249},
                      0.0017100605422774077,
                      0.0011546231401666277},
                     0.95);
}

// 5,000 single items of a mean metric: two cache chunks of the one-field
// layout.
TEST(BootstrapScipyTest, ChunkedMeanMatchesScipyLive) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const auto data = MeanScoreItems(5000, 405);
  BootstrapOptions options;
  options.seed = 4;
  ExpectMatchesScipy(Boot(data, options),
                     ScipyLive(data, "mean5k.csv", true, 0.95), 0.95);
}

// The scalar and AVX2 kernels draw the same indices and add in the same
// order, so machines with and without AVX2 report identical figures.
TEST(ResampleTest, KernelsGiveIdenticalReplicates) {
  if (!HasAvx2())
    GTEST_SKIP() << "this CPU has no AVX2; only the scalar kernel runs";
  const auto one_field = MeanScoreItems(9000, 6);
  const auto two_fields = WerLikeClusters(5000, 3, 6);
  const auto four_fields = UnequalDenominators();
  for (const auto* data : {&one_field, &two_fields, &four_fields}) {
    std::vector<double> scalar, avx2;
    const double a =
        ResampleClusters(*data, -1, 300, 17, 2, &scalar, Kernel::kScalar);
    const double b =
        ResampleClusters(*data, -1, 300, 17, 1, &avx2, Kernel::kAvx2);
    EXPECT_EQ(a, b);
    EXPECT_EQ(scalar, avx2) << data->size() << " clusters";
  }
}

// Splitting draws between chunks must not change the distribution. Items
// sorted by their difference make the 5 chunks very unlike each other, so
// the spread of draws between chunks carries much of the variance: with
// 1,000 replicates of 20,000 items, the replicate mean and sd must match the
// plug-in values (mean difference, population sd / sqrt(n)).
TEST(ResampleTest, ChunkedDrawsKeepTheBootstrapMoments) {
  auto data = MeanScoreItems(20000, 12);
  std::sort(data.begin(), data.end(),
            [](const PairedSums& a, const PairedSums& b) {
              return a.cand_num - a.base_num < b.cand_num - b.base_num;
            });
  std::vector<double> r;
  const double delta = ResampleClusters(data, 1, 1000, 5, 0, &r);
  double mean = 0, ss = 0, pop = 0;
  for (double x : r) mean += x;
  mean /= static_cast<double>(r.size());
  for (double x : r) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(r.size() - 1));
  for (const PairedSums& s : data) {
    pop += std::pow(s.cand_num - s.base_num - delta, 2);
  }
  const double plug_in = std::sqrt(pop / 20000.0) / std::sqrt(20000.0);
  // Monte-Carlo sds with 1,000 replicates: mean plug_in/sqrt(1000), sd 2.2%.
  EXPECT_NEAR(mean, delta, 4 * plug_in / std::sqrt(1000.0));
  EXPECT_NEAR(sd / plug_in, 1.0, 0.09);
}

// 20,000 groups of 1 to 5 items scored 0/1 hold a few dozen distinct
// (difference, size) values: kAuto takes the counts path there, and the
// index kernels where every cluster differs.
TEST(ResampleTest, AutoCountsWhenClustersTakeFewValues) {
  const auto data = BinaryGroups(20000, 5, 41);
  std::vector<double> automatic, counts, scalar;
  const double a = ResampleClusters(data, 1, 700, 3, 1, &automatic);
  const double c =
      ResampleClusters(data, 1, 700, 3, 1, &counts, Kernel::kCounts);
  const double s =
      ResampleClusters(data, 1, 700, 3, 1, &scalar, Kernel::kScalar);
  EXPECT_EQ(automatic, counts);
  EXPECT_NE(automatic, scalar);
  // Whole numbers: both paths compute the full-data statistic exactly.
  EXPECT_EQ(a, c);
  EXPECT_EQ(a, s);
  for (int threads : {2, 3}) {
    std::vector<double> many;
    ResampleClusters(data, 1, 700, 3, threads, &many);
    EXPECT_EQ(many, automatic) << threads << " threads";
  }
  const auto mean = MeanScoreItems(5000, 6);
  std::vector<double> mean_auto, mean_scalar;
  ResampleClusters(mean, 1, 300, 3, 1, &mean_auto);
  ResampleClusters(mean, 1, 300, 3, 1, &mean_scalar, Kernel::kScalar);
  EXPECT_EQ(mean_auto, mean_scalar);
}

// Counting draws per distinct value is the same distribution as drawing
// clusters: 10,000 replicates of each agree within Monte-Carlo error on
// both 95% ends and the SE, for each packing (one, two, four fields).
TEST(ResampleTest, CountsKeepTheBootstrapDistribution) {
  const auto same_size = BinaryGroups(8000, 1, 42);
  // Unequal denominators: the four-field packing.
  auto four_fields = BinaryGroups(8000, 4, 43);
  for (size_t i = 0; i < four_fields.size(); ++i)
    four_fields[i].cand_den += static_cast<double>(i % 2);
  const auto two_fields = BinaryGroups(8000, 5, 44);
  for (const std::vector<PairedSums>* data :
       {&same_size, &two_fields,
        static_cast<const std::vector<PairedSums>*>(&four_fields)}) {
    std::vector<double> counts, scalar;
    ResampleClusters(*data, 1, 10000, 7, 0, &counts, Kernel::kCounts);
    ResampleClusters(*data, 1, 10000, 8, 0, &scalar, Kernel::kScalar);
    std::sort(counts.begin(), counts.end());
    std::sort(scalar.begin(), scalar.end());
    auto sd = [](const std::vector<double>& r) {
      double mean = 0, ss = 0;
      for (double x : r) mean += x;
      mean /= static_cast<double>(r.size());
      for (double x : r) ss += (x - mean) * (x - mean);
      return std::sqrt(ss / static_cast<double>(r.size() - 1));
    };
    const Tolerance tol = MonteCarloTolerance(0.95, 10000, sd(scalar));
    EXPECT_NEAR(SortedQuantile(counts, 0.025), SortedQuantile(scalar, 0.025),
                tol.percentile);
    EXPECT_NEAR(SortedQuantile(counts, 0.975), SortedQuantile(scalar, 0.975),
                tol.percentile);
    EXPECT_NEAR(sd(counts) / sd(scalar), 1.0, tol.se_relative);
  }
}

TEST(BootstrapScipyTest, BinaryGroupsMatchScipyLive) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const auto data = BinaryGroups(6000, 5, 45);
  BootstrapOptions options;
  options.seed = 10;
  ExpectMatchesScipy(Boot(data, options),
                     ScipyLive(data, "binary_groups.csv", true, 0.95), 0.95);
}

TEST(SortedQuantileTest, InterpolatesLikeNumpy) {
  const std::vector<double> v = {1, 2, 3, 4, 10};
  EXPECT_EQ(SortedQuantile(v, 0), 1);
  EXPECT_EQ(SortedQuantile(v, 1), 10);
  EXPECT_DOUBLE_EQ(SortedQuantile(v, 0.5), 3);
  EXPECT_DOUBLE_EQ(SortedQuantile(v, 0.9), 7.6);  // numpy.percentile(v, 90)
  EXPECT_DOUBLE_EQ(SortedQuantile(v, 0.025), 1.1);
}

}  // namespace
}  // namespace mmgate::stats
