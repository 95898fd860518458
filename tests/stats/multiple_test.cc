#include "stats/multiple.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reference.h"

namespace mmgate::stats {
namespace {

const std::vector<double> kP = {0.01, 0.04,   0.03, 0.005, 0.5, 0.04,
                                0.2,  0.0001, 0.9,  1.0,   0.03};

// Made with tests/stats/scipy_reference.py adjust (statsmodels 0.13.5):
// multipletests(kP, method="holm" | "fdr_bh")[1].
const std::vector<double> kHolm = {0.09, 0.24,   0.24, 0.05, 1.0, 0.24,
                                   0.8,  0.0011, 1.0,  1.0,  0.24};
const std::vector<double> kBh = {0.03666666666666667,
                                 0.06285714285714286,
                                 0.06285714285714286,
                                 0.0275,
                                 0.611111111111111,
                                 0.06285714285714286,
                                 0.275,
                                 0.0011,
                                 0.9900000000000001,
                                 1.0,
                                 0.06285714285714286};

void ExpectAll(const std::vector<double>& got,
               const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-12) << "index " << i;
}

TEST(MultipleTest, MatchesEmbeddedStatsmodelsValues) {
  auto holm = AdjustPValues(kP, Adjustment::kHolm);
  auto bh = AdjustPValues(kP, Adjustment::kBenjaminiHochberg);
  ASSERT_TRUE(holm.ok() && bh.ok());
  ExpectAll(*holm, kHolm);
  ExpectAll(*bh, kBh);
}

TEST(MultipleTest, WeightedHolmWithEqualWeightsIsHolm) {
  auto w = WeightedHolm(kP, std::vector<double>(kP.size(), 2.5));
  ASSERT_TRUE(w.ok());
  ExpectAll(*w, kHolm);
}

TEST(MultipleTest, WeightedHolmSpendsAlphaByWeight) {
  // Weights 3, 1, 1 (total 5): the first is tested at 3/5 of alpha, then the
  // rest at 1/2 of it, then the last at all of it.
  auto w = WeightedHolm({0.02, 0.02, 0.04}, {3, 1, 1});
  ASSERT_TRUE(w.ok());
  ExpectAll(*w, {0.02 * 5 / 3, 0.04, 0.04});
  EXPECT_FALSE(WeightedHolm({0.1}, {0}).ok());
  EXPECT_FALSE(WeightedHolm({0.1}, {1, 2}).ok());
  EXPECT_FALSE(WeightedHolm({1.5}, {1}).ok());
}

// Fixed pseudo-random p-values with ties, zeros and ones, checked live.
TEST(MultipleTest, MatchesStatsmodelsLive) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  std::vector<double> p;
  uint64_t x = 12345;
  for (int i = 0; i < 60; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
    p.push_back(i % 10 == 0   ? 0.0
                : i % 13 == 0 ? 1.0
                : i % 7 == 0  ? 0.02
                              : u * u * 0.3);
  }
  for (const std::string method : {"holm", "fdr_bh"}) {
    std::vector<std::string> args = {"adjust", method};
    for (double v : p) args.push_back(fmt::format("{:.17g}", v));
    auto ref = testing::RunReference(args);
    ASSERT_TRUE(ref.ok()) << ref.status().message();
    auto parsed = ParseAdjustment(method);
    ASSERT_TRUE(parsed.ok());
    auto got = AdjustPValues(p, *parsed);
    ASSERT_TRUE(got.ok());
    ExpectAll(*got, ref->get<std::vector<double>>());
  }
}

TEST(MultipleTest, HolmIsNeverBelowBhAndBothAtLeastRaw) {
  auto holm = AdjustPValues(kP, Adjustment::kHolm);
  auto bh = AdjustPValues(kP, Adjustment::kBenjaminiHochberg);
  ASSERT_TRUE(holm.ok() && bh.ok());
  for (size_t i = 0; i < kP.size(); ++i) {
    EXPECT_GE((*holm)[i], (*bh)[i]);
    EXPECT_GE((*bh)[i], kP[i]);
  }
}

TEST(MultipleTest, EdgeCasesAndErrors) {
  auto empty = AdjustPValues({}, Adjustment::kHolm);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto single = AdjustPValues({0.03}, Adjustment::kBenjaminiHochberg);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ((*single)[0], 0.03);
  EXPECT_FALSE(AdjustPValues({0.1, 1.5}, Adjustment::kHolm).ok());
  EXPECT_FALSE(AdjustPValues({std::nan("")}, Adjustment::kHolm).ok());
  EXPECT_FALSE(ParseAdjustment("bonferroni").ok());
  auto bh = ParseAdjustment("bh");
  ASSERT_TRUE(bh.ok());
  EXPECT_EQ(*bh, Adjustment::kBenjaminiHochberg);
  EXPECT_EQ(AdjustmentName(Adjustment::kHolm), "holm");
}

}  // namespace
}  // namespace mmgate::stats
