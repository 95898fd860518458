#include "stats/paired.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reference.h"

namespace mmgate::stats {
namespace {

PairedCounts Table(int64_t n11, int64_t n10, int64_t n01, int64_t n00) {
  return {n11, n10, n01, n00};
}

// Published tables are written (a, b, c, d) with the difference (b - c) / n:
// b = first test positive only. Our candidate is the paper's first test, so
// b is a win (n01) and c a loss (n10).
PairedCounts Published(int64_t a, int64_t b, int64_t c, int64_t d) {
  return {a, c, b, d};
}

struct McNemarCase {
  PairedCounts counts;
  double p_two_sided;
  double p_worse;
};

// Made with tests/stats/scipy_reference.py mcnemar (statsmodels 0.13.5,
// SciPy 1.10.1): mcnemar([[n11, n10], [n01, n00]], exact=True).pvalue and
// binom.sf(n10 - 1, n10 + n01, 0.5).
const std::vector<McNemarCase>& McNemarCases() {
  static const std::vector<McNemarCase> cases = {
      {{0, 0, 0, 0}, 1.0, 1.0},
      {{10, 0, 0, 10}, 1.0, 1.0},
      {{1, 1, 7, 12}, 0.0703125, 0.99609375},
      {{59, 6, 16, 80}, 0.052478790283203125, 0.9915497303009033},
      {{7, 25, 2, 68}, 5.647540092468262e-06, 2.823770046234131e-06},
      {{20, 2, 12, 16}, 0.012939453125, 0.99908447265625},
      {{100, 30, 30, 100}, 1.0, 0.5512890865042847},
      {{500, 17, 4, 479}, 0.007197380065917969, 0.0035986900329589844},
      {{1000, 480, 520, 1000}, 0.2174482932041409, 0.9026168357691174},
      {{0, 1, 0, 0}, 1.0, 0.5},
      {{0, 0, 1, 0}, 1.0, 1.0},
      {{0, 5, 0, 0}, 0.0625, 0.03125},
      {{5, 40, 60, 5}, 0.05688793364098088, 0.9823998998911476},
      {{0, 2500, 2600, 0}, 0.1656558784284595, 0.9213639614697521},
      {{0, 13, 2, 0}, 0.00738525390625, 0.003692626953125},
  };
  return cases;
}

TEST(McNemarTest, MatchesEmbeddedStatsmodelsValues) {
  for (const McNemarCase& c : McNemarCases()) {
    auto r = McNemarExact(c.counts);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_NEAR(r->p_two_sided, c.p_two_sided, 1e-9) << "n10=" << c.counts.n10;
    EXPECT_NEAR(r->p_worse, c.p_worse, 1e-9) << "n10=" << c.counts.n10;
  }
}

TEST(McNemarTest, MatchesStatsmodelsLive) {
  const std::string why = testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  std::vector<PairedCounts> tables;
  for (const McNemarCase& c : McNemarCases()) tables.push_back(c.counts);
  for (int64_t n10 = 0; n10 <= 60; n10 += 7) {
    for (int64_t n01 = 0; n01 <= 60; n01 += 9)
      tables.push_back(Table(40, n10, n01, 40));
  }
  tables.push_back(Table(10, 9000, 9300, 10));
  std::vector<std::string> args = {"mcnemar"};
  for (const PairedCounts& t : tables) {
    args.push_back(std::to_string(t.n11) + "," + std::to_string(t.n10) + "," +
                   std::to_string(t.n01) + "," + std::to_string(t.n00));
  }
  auto ref = testing::RunReference(args);
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  ASSERT_EQ(ref->size(), tables.size());
  for (size_t i = 0; i < tables.size(); ++i) {
    auto r = McNemarExact(tables[i]);
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(r->p_two_sided, (*ref)[i][0].get<double>(), 1e-9)
        << args[i + 1];
    EXPECT_NEAR(r->p_worse, (*ref)[i][1].get<double>(), 1e-9) << args[i + 1];
  }
}

TEST(McNemarTest, RejectsNegativeCounts) {
  auto r = McNemarExact(Table(1, -1, 0, 0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("non-negative"), std::string::npos);
}

TEST(PairedCountsTest, AddAndDelta) {
  PairedCounts c;
  c.Add(true, true);
  c.Add(true, false);
  c.Add(true, false);
  c.Add(false, true);
  c.Add(false, false);
  EXPECT_EQ(c.n11, 1);
  EXPECT_EQ(c.n10, 2);
  EXPECT_EQ(c.n01, 1);
  EXPECT_EQ(c.n00, 1);
  EXPECT_DOUBLE_EQ(c.Delta(), -0.2);
  EXPECT_EQ(PairedCounts{}.Delta(), 0);
}

void ExpectInterval(const Result<Interval>& r, double lower, double upper,
                    double tolerance) {
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->lower, lower, tolerance);
  EXPECT_NEAR(r->upper, upper, tolerance);
}

// Newcombe (1998), Stat Med 17:2635-50: the worked example (a, b, c, d) =
// (20, 12, 2, 16) has method 10 limits 0.0562 and 0.3292.
TEST(NewcombeTest, PaperWorkedExample) {
  ExpectInterval(NewcombeInterval(Published(20, 12, 2, 16), 0.95), 0.0562,
                 0.3292, 5e-5);
}

// Fagerland, Lydersen and Laake (2014), Stat Med 33:2850-75, Table V
// (Bentur et al. airway data, (1, 1, 7, 12)): Newcombe (-0.507, -0.026) and
// Tango (-0.517, -0.026). The floppy-eyelid data (7, 25, 2, 68) of Ezra et
// al. (2010): published Newcombe (0.133, 0.318) and Tango (0.139, 0.321), as
// collected in the R package ratesci's tests of published examples.
TEST(NewcombeTest, FagerlandExamples) {
  ExpectInterval(NewcombeInterval(Published(1, 1, 7, 12), 0.95), -0.507, -0.026,
                 5e-4);
  ExpectInterval(NewcombeInterval(Published(7, 25, 2, 68), 0.95), 0.133, 0.318,
                 5e-4);
}

TEST(TangoTest, FagerlandExamples) {
  ExpectInterval(TangoInterval(Published(1, 1, 7, 12), 0.95), -0.517, -0.026,
                 5e-4);
  ExpectInterval(TangoInterval(Published(7, 25, 2, 68), 0.95), 0.139, 0.321,
                 5e-4);
}

// Tango (1998), Stat Med 17:891-908: the 95% interval for (4, 9, 3, 16) is
// (-0.027, 0.390) and the 90% interval for (43, 0, 1, 0) is (-0.096, 0.037).
TEST(TangoTest, PaperExamples) {
  ExpectInterval(TangoInterval(Published(4, 9, 3, 16), 0.95), -0.027, 0.390,
                 5e-4);
  ExpectInterval(TangoInterval(Published(43, 0, 1, 0), 0.90), -0.096, 0.037,
                 5e-4);
}

// Agresti and Min (2005), Stat Med 24:729-40: Tango's interval for
// (53, 16, 8, 9) is (-0.020, 0.207).
TEST(TangoTest, AgrestiMinExample) {
  ExpectInterval(TangoInterval(Published(53, 16, 8, 9), 0.95), -0.020, 0.207,
                 5e-4);
}

TEST(TangoTest, LimitsAreWhereTheScoreCrossesZ) {
  const PairedCounts c = Table(300, 21, 9, 170);
  auto ci = TangoInterval(c, 0.95);
  ASSERT_TRUE(ci.ok());
  auto at_lower = TangoScore(c, ci->lower);
  auto at_upper = TangoScore(c, ci->upper);
  ASSERT_TRUE(at_lower.ok() && at_upper.ok());
  EXPECT_NEAR(*at_lower, 1.959963984540054, 1e-9);
  EXPECT_NEAR(*at_upper, -1.959963984540054, 1e-9);
  auto at_estimate = TangoScore(c, c.Delta());
  ASSERT_TRUE(at_estimate.ok());
  EXPECT_NEAR(*at_estimate, 0, 1e-12);
}

TEST(TangoTest, BoundaryTablesStayInRange) {
  // Every discordant pair a win: the upper limit is 1.
  auto all_wins = TangoInterval(Table(0, 0, 10, 0), 0.95);
  ASSERT_TRUE(all_wins.ok());
  EXPECT_EQ(all_wins->upper, 1.0);
  // Where Tango's statistic for (x12, x21, n) = (10, 0, 10) equals z_0.975,
  // solved independently with SciPy's brentq.
  EXPECT_NEAR(all_wins->lower, 0.44493440027422193, 1e-10);
  // No discordant pair: symmetric around 0, narrower as n grows.
  auto small = TangoInterval(Table(10, 0, 0, 10), 0.95);
  auto large = TangoInterval(Table(1000, 0, 0, 1000), 0.95);
  ASSERT_TRUE(small.ok() && large.ok());
  EXPECT_NEAR(small->lower, -small->upper, 1e-12);
  EXPECT_LT(small->lower, 0);
  EXPECT_LT(large->upper, small->upper);
  auto newcombe = NewcombeInterval(Table(0, 0, 10, 0), 0.95);
  ASSERT_TRUE(newcombe.ok());
  EXPECT_LE(newcombe->upper, 1.0);
}

TEST(IntervalTest, RejectsBadInput) {
  EXPECT_FALSE(TangoInterval(Table(0, 0, 0, 0), 0.95).ok());
  EXPECT_FALSE(NewcombeInterval(Table(0, 0, 0, 0), 0.95).ok());
  EXPECT_FALSE(TangoInterval(Table(1, 1, 1, 1), 1.0).ok());
  EXPECT_FALSE(NewcombeInterval(Table(1, 1, 1, 1), 0).ok());
  EXPECT_FALSE(TangoScore(Table(1, 1, 1, 1), 1.0).ok());
}

TEST(DiscordantStandardErrorTest, EqualsPerItemDifferenceSd) {
  // Per-item differences: 20 of -1, 10 of +1, 70 of 0 → population sd /
  // sqrt(n).
  const PairedCounts c = Table(50, 20, 10, 20);
  const double mean = -0.1;
  const double var = (20 * (-1 - mean) * (-1 - mean) +
                      10 * (1 - mean) * (1 - mean) + 70 * mean * mean) /
                     100;
  EXPECT_NEAR(DiscordantStandardError(c), std::sqrt(var / 100), 1e-15);
  EXPECT_EQ(DiscordantStandardError(Table(5, 0, 0, 5)), 0);
  EXPECT_EQ(DiscordantStandardError(PairedCounts{}), 0);
}

}  // namespace
}  // namespace mmgate::stats
