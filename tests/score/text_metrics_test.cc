// exact, normalized_match, ANLS, relaxed accuracy and numeric on worked
// examples (ANLS: the example table of the ST-VQA paper that introduced it).
#include "score/text_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mmgate::score {
namespace {

double BestAnls(std::initializer_list<const char*> refs, const char* answer) {
  double best = 0;
  for (const char* r : refs) best = std::max(best, AnlsScore(r, answer, 0.5));
  return best;
}

TEST(LevenshteinTest, CodePoints) {
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting"), 3u);
  EXPECT_EQ(Levenshtein(U"", U"abc"), 3u);
  EXPECT_EQ(Levenshtein(U"caf\u00e9", U"cafe"), 1u);
}

// Biten et al., "Scene Text Visual Question Answering" (ICCV 2019): answers
// "Coca Cola" and "Coca Cola Company".
TEST(AnlsTest, StVqaPaperExamples) {
  EXPECT_DOUBLE_EQ(BestAnls({"Coca Cola", "Coca Cola Company"}, "The Coca"),
                   0.0);
  EXPECT_NEAR(AnlsScore("Coca Cola", "The Coca", 0.5), 0.0, 1e-12);
  EXPECT_NEAR(BestAnls({"Coca Cola", "Coca Cola Company"}, "CocaCola"), 8.0 / 9,
              1e-12);
  EXPECT_NEAR(BestAnls({"Coca Cola", "Coca Cola Company"}, "CocaCola"), 0.89,
              0.005);
  EXPECT_DOUBLE_EQ(BestAnls({"Coca Cola", "Coca Cola Company"}, "Coca cola"),
                   1.0);
  EXPECT_DOUBLE_EQ(BestAnls({"Coca Cola", "Coca Cola Company"}, "Cola"), 0.0);
  EXPECT_DOUBLE_EQ(BestAnls({"Coca Cola", "Coca Cola Company"}, "Cat"), 0.0);
}

TEST(AnlsTest, ThresholdAndNormalization) {
  // NL = 1/8 -> 0.875; whitespace trimmed and collapsed, case ignored.
  EXPECT_DOUBLE_EQ(AnlsScore("1/2 cup", "1/2 cups", 0.5), 1 - 1.0 / 8);
  EXPECT_DOUBLE_EQ(AnlsScore("  Total   Due ", "total due", 0.5), 1.0);
  // NL exactly 0.5 is at the threshold: 0 (the paper's NL >= tau).
  EXPECT_DOUBLE_EQ(AnlsScore("abcd", "abxy", 0.5), 0.0);
  EXPECT_DOUBLE_EQ(AnlsScore("abcd", "abcy", 0.5), 0.75);
  EXPECT_DOUBLE_EQ(AnlsScore("abcd", "abxy", 0.6), 0.5);
  EXPECT_DOUBLE_EQ(AnlsScore("", "", 0.5), 1.0);
  EXPECT_DOUBLE_EQ(AnlsScore("abc", "", 0.5), 0.0);
  // Code points, not bytes: one substitution in six characters.
  EXPECT_DOUBLE_EQ(AnlsScore("Z\u00fcrich", "Zurich", 0.5), 1 - 1.0 / 6);
}

TEST(ExactTest, TrimsOnly) {
  EXPECT_TRUE(ExactMatch("42", " 42\n"));
  EXPECT_FALSE(ExactMatch("Paris", "paris"));
  EXPECT_FALSE(ExactMatch("Paris", "Paris."));
}

TEST(NormalizedMatchTest, CaseWhitespaceAndEndPunctuation) {
  EXPECT_EQ(LightNormalize("  The   Quick\tFox. "), "the quick fox");
  EXPECT_EQ(LightNormalize("\"Paris!\""), "paris");
  EXPECT_EQ(LightNormalize("(a, b)"), "a, b");
  EXPECT_EQ(LightNormalize("\u201cQuoted\u201d"), "quoted");
  // Signs and symbols are content, not end punctuation.
  EXPECT_EQ(LightNormalize("-5"), "-5");
  EXPECT_EQ(LightNormalize("$12"), "$12");
  EXPECT_EQ(LightNormalize("50%"), "50%");
  EXPECT_NE(LightNormalize("New York"), LightNormalize("NewYork"));
}

TEST(ParseNumberTest, Forms) {
  auto value = [](const char* s) { return ParseNumber(s).value().value; };
  EXPECT_DOUBLE_EQ(value("41.5"), 41.5);
  EXPECT_DOUBLE_EQ(value("1,234"), 1234);
  EXPECT_DOUBLE_EQ(value("1,234,567.25"), 1234567.25);
  EXPECT_DOUBLE_EQ(value("$12"), 12);
  EXPECT_DOUBLE_EQ(value("-$12"), -12);
  EXPECT_DOUBLE_EQ(value("$-12"), -12);
  EXPECT_DOUBLE_EQ(value("\u20ac 3.50"), 3.5);
  EXPECT_DOUBLE_EQ(value(".5"), 0.5);
  EXPECT_DOUBLE_EQ(value("5."), 5);
  EXPECT_DOUBLE_EQ(value(" -7 "), -7);
  EXPECT_DOUBLE_EQ(value("\u22123"), -3);
  EXPECT_TRUE(ParseNumber("41.5%")->percent);
  EXPECT_DOUBLE_EQ(value("41.5 %"), 41.5);
  EXPECT_FALSE(ParseNumber("41.5")->percent);
  for (const char* not_number :
       {"", "abc", "12 apples", "1,23", "12,34,5", "1.2.3", "--5", "$"}) {
    EXPECT_FALSE(ParseNumber(not_number).has_value()) << not_number;
  }
}

TEST(FirstNumberTest, FindsTheFirstNumberInText) {
  EXPECT_DOUBLE_EQ(*FirstNumber("about 1,234.5 units"), 1234.5);
  EXPECT_DOUBLE_EQ(*FirstNumber("The answer is -3 degrees"), -3);
  EXPECT_DOUBLE_EQ(*FirstNumber("COVID-19 cases"), 19);
  EXPECT_DOUBLE_EQ(*FirstNumber("costs $12 or $15"), 12);
  EXPECT_DOUBLE_EQ(*FirstNumber("41.5%"), 41.5);
  EXPECT_FALSE(FirstNumber("no digits here").has_value());
}

// ChartQA (Masry et al., 2022): numeric answers within 5% of the target
// count, other answers need an exact (case-insensitive) match.
TEST(RelaxedAccuracyTest, ChartQaRule) {
  EXPECT_TRUE(RelaxedMatch("41.5", "43", 0.05));   // 3.6% off
  EXPECT_FALSE(RelaxedMatch("41.5", "44", 0.05));  // 6.0% off
  EXPECT_TRUE(RelaxedMatch("100", "105", 0.05));   // exactly 5%
  EXPECT_TRUE(RelaxedMatch("100", "95", 0.05));
  EXPECT_FALSE(RelaxedMatch("100", "105.1", 0.05));
  EXPECT_TRUE(RelaxedMatch("4", "4.2", 0.05));  // 5% with a rounding error
  EXPECT_TRUE(RelaxedMatch("1,234", "1234", 0.05));
  EXPECT_TRUE(RelaxedMatch("$12", "12.5", 0.05));
  EXPECT_TRUE(RelaxedMatch("-20", "-19.5", 0.05));
  EXPECT_FALSE(RelaxedMatch("-20", "19.5", 0.05));
  EXPECT_TRUE(RelaxedMatch("Yes", "yes", 0.05));
  EXPECT_FALSE(RelaxedMatch("Yes", "yes.", 0.05));
  EXPECT_TRUE(RelaxedMatch("2019", "2019", 0.05));
  EXPECT_FALSE(RelaxedMatch("41.5", "about 41.5", 0.05));
}

TEST(RelaxedAccuracyTest, PercentSignOnOneSide) {
  EXPECT_TRUE(RelaxedMatch("41.5%", "41.5%", 0.05));
  EXPECT_TRUE(RelaxedMatch("41.5", "41.5%", 0.05));
  EXPECT_TRUE(RelaxedMatch("41.5%", "42", 0.05));
  EXPECT_TRUE(RelaxedMatch("41.5%", "0.415", 0.05));
  EXPECT_FALSE(RelaxedMatch("41.5%", "0.5", 0.05));
}

TEST(RelaxedAccuracyTest, ZeroTargetNeedsZeroAndToleranceIsAParameter) {
  EXPECT_TRUE(RelaxedMatch("0", "0.0", 0.05));
  EXPECT_FALSE(RelaxedMatch("0", "0.01", 0.05));
  EXPECT_TRUE(RelaxedMatch("100", "109", 0.10));
  EXPECT_FALSE(RelaxedMatch("100", "101", 0.0));
  EXPECT_TRUE(RelaxedMatch("100", "100.0", 0.0));
}

}  // namespace
}  // namespace mmgate::score
