// One-sample bounds for SLOs against SciPy: the Clopper-Pearson interval and
// exact binomial p-values exactly, the cluster bootstrap of a quantile and of
// a mean within Monte-Carlo error.
#include "stats/one_sample.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "reference.h"
#include "stats/bootstrap.h"
#include "stats/rng.h"

namespace mmgate::stats {
namespace {

TEST(ClopperPearsonTest, RejectsBadInput) {
  EXPECT_FALSE(ClopperPearson(1, 0, 0.05).ok());
  EXPECT_FALSE(ClopperPearson(5, 4, 0.05).ok());
  EXPECT_FALSE(ClopperPearson(1, 4, 0.6).ok());
}

TEST(ClopperPearsonTest, EndsAtZeroAndOne) {
  auto none = ClopperPearson(0, 20, 0.025);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->lower, 0);
  // 1 - 0.025^(1/20): the closed form when no item succeeds.
  EXPECT_NEAR(none->upper, 1 - std::pow(0.025, 1.0 / 20), 1e-12);
  auto all = ClopperPearson(20, 20, 0.025);
  EXPECT_EQ(all->upper, 1);
  EXPECT_NEAR(all->lower, std::pow(0.025, 1.0 / 20), 1e-12);
}

// x, n, p0 and one-sided tail: the SLO tests' cases (3% of 600 against 1%,
// 19/20 and 24/25 against 95%, 0/300 against 1%) and a few plain ones.
struct BinomCase {
  int64_t x, n;
  double p0, tail;
};

TEST(ClopperPearsonScipyTest, IntervalsAndPValuesMatchBinomtest) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const BinomCase cases[] = {{18, 600, 0.01, 0.005}, {19, 20, 0.95, 0.025},
                             {24, 25, 0.95, 0.0045}, {0, 300, 0.01, 0.01},
                             {3, 300, 0.01, 0.05},   {570, 600, 0.95, 0.001},
                             {1, 1, 0.5, 0.25},      {47, 1000, 0.05, 0.0125}};
  for (const BinomCase& c : cases) {
    SCOPED_TRACE(
        fmt::format("x={} n={} p0={} tail={}", c.x, c.n, c.p0, c.tail));
    auto ref = testing::RunReference(
        {"binom", std::to_string(c.x), std::to_string(c.n),
         fmt::format("{:.17g}", c.p0), fmt::format("{:.17g}", 1 - 2 * c.tail)});
    ASSERT_TRUE(ref.ok()) << ref.status().message();
    auto ci = ClopperPearson(c.x, c.n, c.tail);
    ASSERT_TRUE(ci.ok());
    EXPECT_NEAR(ci->lower, (*ref)["ci"][0].get<double>(), 1e-10);
    EXPECT_NEAR(ci->upper, (*ref)["ci"][1].get<double>(), 1e-10);
    const double above = (*ref)["p_above"].get<double>();
    const double below = (*ref)["p_below"].get<double>();
    EXPECT_NEAR(BinomialPAbove(c.x, c.n, c.p0), above, 1e-10 + 1e-8 * above);
    EXPECT_NEAR(BinomialPBelow(c.x, c.n, c.p0), below, 1e-10 + 1e-8 * below);
  }
}

// Latencies: lognormal around 800 ms, one per cluster.
std::vector<double> Latencies(int n, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const double u1 = (static_cast<double>(rng.Next() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(rng.Next() >> 11) + 0.5) * 0x1.0p-53;
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307 * u2);
    out.push_back(800 * std::exp(0.5 * z));
  }
  return out;
}

std::string WriteColumn(const std::vector<double>& v, const std::string& name) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path);
  for (double x : v) out << fmt::format("{:.17g}\n", x);
  return path;
}

// Our percentile bounds and SciPy's come from different random draws: they
// agree within Monte-Carlo error, a fraction of the bootstrap's spread.
void ExpectWithinMonteCarlo(double ours, double scipy, double se) {
  EXPECT_NEAR(ours, scipy, 0.15 * se) << "se " << se;
}

TEST(BootstrapQuantileScipyTest, P95MatchesScipyWithinMonteCarloError) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const auto values = Latencies(400, 95);
  std::vector<std::vector<double>> clusters;
  for (double v : values) clusters.push_back({v});
  const double tail = 0.01;
  auto ours = BootstrapQuantile(clusters, 0.95, tail, 20000, 3);
  ASSERT_TRUE(ours.ok());
  auto ref = testing::RunReference({"onesample", WriteColumn(values, "p95.csv"),
                                    "p95", "0.98", "20000", "4", "percentile"});
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  const double se = (*ref)["se"].get<double>();
  EXPECT_NEAR(ours->estimate, (*ref)["estimate"].get<double>(), 1e-9);
  ExpectWithinMonteCarlo(ours->interval.lower, (*ref)["ci"][0], se);
  ExpectWithinMonteCarlo(ours->interval.upper, (*ref)["ci"][1], se);
}

// A mean SLO runs PairedBootstrap with a constant 0/k baseline side: the
// one-sample bootstrap of the mean, BCa included.
TEST(BootstrapQuantileScipyTest, OneSampleMeanMatchesScipyBca) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  std::vector<double> values = Latencies(300, 7);
  for (double& v : values) v = std::min(1.0, v / 2000);
  std::vector<PairedSums> sums;
  for (double v : values) sums.push_back({0, 1, v, 1});
  BootstrapOptions opt;
  opt.confidence = 0.99;
  opt.seed = 11;
  opt.resamples = 20000;
  auto ours = PairedBootstrap(sums, opt);
  ASSERT_TRUE(ours.ok());
  auto ref =
      testing::RunReference({"onesample", WriteColumn(values, "mean.csv"),
                             "mean", "0.99", "20000", "5", "BCa"});
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  const double se = (*ref)["se"].get<double>();
  EXPECT_NEAR(ours->candidate, (*ref)["estimate"].get<double>(), 1e-12);
  ExpectWithinMonteCarlo(ours->bca.lower, (*ref)["ci"][0], se);
  ExpectWithinMonteCarlo(ours->bca.upper, (*ref)["ci"][1], se);
}

TEST(BootstrapQuantileTest, SameSeedSameBoundsAndClustersMoveTogether) {
  std::vector<std::vector<double>> clusters;
  for (int i = 0; i < 50; ++i) clusters.push_back({100.0 + i, 100.0 + i});
  auto a = BootstrapQuantile(clusters, 0.5, 0.05, 2000, 9);
  auto b = BootstrapQuantile(clusters, 0.5, 0.05, 2000, 9);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->interval.lower, b->interval.lower);
  EXPECT_EQ(a->interval.upper, b->interval.upper);
  EXPECT_NEAR(a->estimate, 124.5, 1e-12);
  EXPECT_FALSE(BootstrapQuantile({}, 0.5, 0.05, 2000, 9).ok());
}

TEST(BootstrapPTest, CountsTiesTowardNoEvidence) {
  const std::vector<double> reps = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(BootstrapPAbove(reps, 2), 3.0 / 5);  // 1 + #{<= 2}
  EXPECT_DOUBLE_EQ(BootstrapPBelow(reps, 2), 4.0 / 5);  // 1 + #{>= 2}
}

}  // namespace
}  // namespace mmgate::stats
