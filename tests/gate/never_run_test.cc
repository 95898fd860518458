// The gate and the side-by-side comparison share one pairing
// (stats/pairing.h): a never-run item (no response yet) is treated the same
// way by both, as an error in the run that has not answered it.
#include <gtest/gtest.h>

#include "gate/gate.h"
#include "stats/compare.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

using testing::MakeRuns;
using testing::SynthItem;

TEST(NeverRunTest, GateAndComparisonCountItAsAnErrorAlike) {
  std::vector<SynthItem> items;
  for (int i = 0; i < 60; ++i) {
    SynthItem it;
    it.suite = "docs";
    it.id = "d" + std::to_string(i);
    it.slices = {{"kind", i % 2 ? "odd" : "even"}};
    items.push_back(it);
  }
  auto runs = MakeRuns(items);
  // As stored: the suite lists its metrics (the comparison counts errors
  // under each).
  for (RunData* run : {&runs.baseline, &runs.candidate}) {
    run->suites[0].metric = "exact";
    run->suites[0].metrics = {"exact"};
  }
  runs.candidate.items[3].response.reset();  // "d3", kind=odd: not run yet
  runs.candidate.items[3].scores.clear();

  Policy policy;
  auto g = Evaluate(runs.baseline, runs.candidate, policy, {});
  ASSERT_TRUE(g.ok()) << g.status().message();
  stats::Comparison c =
      stats::Compare("base", runs.baseline.items, runs.baseline.suites, "cand",
                     runs.candidate.items);

  // Paired in both, named unmatched by neither.
  EXPECT_TRUE(g->unmatched.empty());
  EXPECT_EQ(g->unmatched, c.unmatched);
  ASSERT_EQ(g->suites.size(), 1u);
  ASSERT_EQ(c.suites.size(), 1u);
  const SuiteVerdict& v = g->suites[0];
  const stats::SuiteComparison& s = c.suites[0];
  EXPECT_EQ(v.total.candidate_errors, 1);
  EXPECT_EQ(v.total.candidate_errors, s.total.candidate_errors);
  EXPECT_EQ(v.total.baseline_errors, s.total.baseline_errors);
  ASSERT_EQ(v.slices.size(), s.slices.size());
  for (size_t i = 0; i < v.slices.size(); ++i) {
    EXPECT_EQ(v.slices[i].value, s.slices[i].slice_value);
    EXPECT_EQ(v.slices[i].candidate_errors, s.slices[i].candidate_errors);
    EXPECT_EQ(v.slices[i].baseline_errors, s.slices[i].baseline_errors);
  }
  // The gate scores the error as the worst outcome (errors_as_failures).
  EXPECT_EQ(v.total.n, 60);
  EXPECT_EQ(v.total.worse, 1);
}

}  // namespace
}  // namespace mmgate::gate
