#include "stats/pairing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stats/compare.h"

namespace mmgate::stats {
namespace {

store::ItemResult Item(const std::string& id, const std::string& hash,
                       bool run = true, bool failed = false) {
  store::ItemResult r;
  r.item.suite = "docs";
  r.item.item_id = id;
  r.item.content_hash = hash;
  r.item.group = id;
  r.item.metric = "exact";
  if (!run) return r;  // no response yet
  store::ResponseRecord response;
  if (failed) {
    response.error = "engine crashed";
  } else {
    response.answer = "x";
    r.scores["exact"] = {"exact", 1, 1, 1, ""};
  }
  r.response = response;
  return r;
}

TEST(PairingTest, PairsByIdAndContentInBaselineOrder) {
  const std::vector<store::ItemResult> baseline = {
      Item("c", "h3"), Item("a", "h1"), Item("d", "h4"), Item("b", "h2")};
  const std::vector<store::ItemResult> candidate = {
      Item("e", "h5"), Item("a", "h1"), Item("b", "h2"), Item("d", "CHANGED"),
      Item("c", "h3")};
  const Pairing p = PairItems(baseline, candidate);
  ASSERT_EQ(p.pairs.size(), 3u);
  EXPECT_EQ(p.pairs[0].baseline, &baseline[0]);
  EXPECT_EQ(p.pairs[0].candidate, &candidate[4]);
  EXPECT_EQ(p.pairs[1].baseline, &baseline[1]);
  EXPECT_EQ(p.pairs[1].candidate, &candidate[1]);
  EXPECT_EQ(p.pairs[2].baseline, &baseline[3]);
  EXPECT_EQ(p.pairs[2].candidate, &candidate[2]);
  // The baseline's unmatched first, then the candidate-only ones; a changed
  // item is named once.
  EXPECT_EQ(p.unmatched, (std::vector<std::string>{"docs/d", "docs/e"}));
}

TEST(PairingTest, NeverRunAndFailedItemsAreErrors) {
  EXPECT_FALSE(Errored(Item("a", "h1")));
  EXPECT_TRUE(Errored(Item("a", "h1", /*run=*/true, /*failed=*/true)));
  EXPECT_TRUE(Errored(Item("a", "h1", /*run=*/false)));
}

TEST(PairingTest, ComparisonCountsANeverRunItemAsAnError) {
  const std::vector<store::ItemResult> baseline = {Item("a", "h1"),
                                                   Item("b", "h2")};
  const std::vector<store::ItemResult> candidate = {
      Item("a", "h1"), Item("b", "h2", /*run=*/false)};
  store::SuiteRecord suite;
  suite.suite = "docs";
  suite.metrics = {"exact"};
  const Comparison c = Compare("base", baseline, {suite}, "cand", candidate);
  EXPECT_TRUE(c.unmatched.empty()) << "paired, not unmatched";
  ASSERT_EQ(c.suites.size(), 1u);
  EXPECT_EQ(c.suites[0].total.n, 1) << "only items scored in both";
  EXPECT_EQ(c.suites[0].total.baseline_errors, 0);
  EXPECT_EQ(c.suites[0].total.candidate_errors, 1);
}

}  // namespace
}  // namespace mmgate::stats
