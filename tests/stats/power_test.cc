#include "stats/power.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mmgate::stats {
namespace {

// z_{0.95} + z_{0.80} = 1.6448536269514722 + 0.8416212335729143.
constexpr double kZSum = 2.4864748605243865;

TEST(MdeTest, NormalFormula) {
  auto mde = MinimumDetectableEffect(0.01, 0.05, 0.8);
  ASSERT_TRUE(mde.ok());
  EXPECT_NEAR(*mde, kZSum * 0.01, 1e-14);
  auto zero = MinimumDetectableEffect(0, 0.05, 0.8);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, 0);
  // A stricter alpha (e.g. Holm's alpha / m) needs a larger effect.
  auto strict = MinimumDetectableEffect(0.01, 0.05 / 20, 0.8);
  ASSERT_TRUE(strict.ok());
  EXPECT_GT(*strict, *mde);
}

TEST(MdeTest, RejectsBadArguments) {
  EXPECT_FALSE(MinimumDetectableEffect(0.01, 0, 0.8).ok());
  EXPECT_FALSE(MinimumDetectableEffect(0.01, 0.05, 1).ok());
  EXPECT_FALSE(MinimumDetectableEffect(-1, 0.05, 0.8).ok());
  EXPECT_FALSE(MinimumDetectableEffect(INFINITY, 0.05, 0.8).ok());
}

TEST(BinaryMdeTest, UsesDiscordantVarianceForLargeSlices) {
  // n = 2000, 60 losses and 40 wins: se = sqrt((0.05 - 0.01^2) / 2000).
  const PairedCounts c{1500, 60, 40, 400};
  auto mde = BinaryMinimumDetectableEffect(c, 0.05, 0.8);
  ASSERT_TRUE(mde.ok());
  const double se = std::sqrt((0.05 - 0.0001) / 2000);
  EXPECT_NEAR(mde->se, se, 1e-15);
  EXPECT_NEAR(mde->normal, kZSum * se, 1e-14);
  EXPECT_NEAR(mde->floor, 5.0 / 2000, 1e-15);
  EXPECT_EQ(mde->mde, mde->normal);
}

TEST(BinaryMdeTest, SmallSliceWithoutDiscordanceIsLimitedByTheExactTest) {
  // 20 items, identical outcomes: the plug-in se is 0, but McNemar needs
  // 5 losses (2^-5 <= 0.05) to reject, so nothing under 5/20 is detectable.
  auto mde = BinaryMinimumDetectableEffect({12, 0, 0, 8}, 0.05, 0.8);
  ASSERT_TRUE(mde.ok());
  EXPECT_EQ(mde->normal, 0);
  EXPECT_DOUBLE_EQ(mde->mde, 0.25);
  // alpha = 1/32 exactly needs 5 losses as well, not 6.
  auto exact = BinaryMinimumDetectableEffect({12, 0, 0, 8}, 1.0 / 32, 0.8);
  ASSERT_TRUE(exact.ok());
  EXPECT_DOUBLE_EQ(exact->floor, 0.25);
  auto empty = BinaryMinimumDetectableEffect({}, 0.05, 0.8);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->mde, 1);
}

}  // namespace
}  // namespace mmgate::stats
