#include "stats/compare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mmgate::stats {
namespace {

store::ItemResult Item(const std::string& id, const std::string& hash,
                       const std::string& font, double errors, double words,
                       bool failed = false) {
  store::ItemResult r;
  r.item.suite = "ocr";
  r.item.item_id = id;
  r.item.content_hash = hash;
  r.item.group = id;
  r.item.slices = {{"font", font}};
  store::ResponseRecord response;
  response.suite = "ocr";
  response.item_id = id;
  if (failed) {
    response.error = "engine crashed";
  } else {
    response.answer = "text";
  }
  r.response = response;
  store::ScoreRecord score;
  score.metric = "wer";
  score.value = words > 0 ? errors / words : 0;
  score.numerator = errors;
  score.denominator = words;
  r.scores["wer"] = score;
  return r;
}

TEST(CompareTest, PairsByContentAndAggregatesPerSlice) {
  const std::vector<store::ItemResult> baseline = {
      Item("a", "h1", "serif", 2, 10), Item("b", "h2", "sans", 1, 10),
      Item("c", "h3", "serif", 4, 20, true), Item("d", "h4", "sans", 0, 5)};
  const std::vector<store::ItemResult> candidate = {
      Item("a", "h1", "serif", 1, 10), Item("b", "h2", "sans", 3, 10),
      Item("c", "h3", "serif", 4, 20),
      Item("d", "CHANGED", "sans", 0, 5),  // content changed: not paired
      Item("e", "h5", "sans", 0, 5)};      // only in the candidate
  store::SuiteRecord suite;
  suite.suite = "ocr";
  suite.modality = "image";
  suite.metric = "wer";
  suite.metrics = {"wer"};

  const Comparison c = Compare("base", baseline, {suite}, "cand", candidate);
  EXPECT_EQ(c.baseline_run, "base");
  std::vector<std::string> unmatched = c.unmatched;
  std::sort(unmatched.begin(), unmatched.end());
  EXPECT_EQ(unmatched, (std::vector<std::string>{"ocr/d", "ocr/e"}));

  ASSERT_EQ(c.suites.size(), 1u);
  const SuiteComparison& s = c.suites[0];
  EXPECT_EQ(s.modality, "image");
  EXPECT_FALSE(s.higher_is_better);
  // Corpus WER over the paired items a, b, c: (2+1+4)/40 vs (1+3+4)/40.
  EXPECT_EQ(s.total.n, 3);
  EXPECT_DOUBLE_EQ(s.total.baseline, 7.0 / 40);
  EXPECT_DOUBLE_EQ(s.total.candidate, 8.0 / 40);
  EXPECT_NEAR(s.total.delta, 1.0 / 40, 1e-15);
  EXPECT_EQ(s.total.baseline_errors, 1);
  EXPECT_EQ(s.total.candidate_errors, 0);

  ASSERT_EQ(s.slices.size(), 2u);
  EXPECT_EQ(s.slices[0].slice_value, "sans");  // sorted by key, then value
  EXPECT_EQ(s.slices[0].n, 1);
  EXPECT_DOUBLE_EQ(s.slices[0].candidate, 0.3);
  EXPECT_EQ(s.slices[1].slice_value, "serif");
  EXPECT_EQ(s.slices[1].n, 2);
  EXPECT_DOUBLE_EQ(s.slices[1].baseline, 6.0 / 30);
  EXPECT_EQ(s.slices[1].baseline_errors, 1);
}

}  // namespace
}  // namespace mmgate::stats
