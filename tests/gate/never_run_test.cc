// The gate and the side-by-side comparison share one pairing
// (stats/pairing.h): a never-run item (no response yet) is treated the same
// way by both, as an error in the run that has not answered it.
#include <gtest/gtest.h>

#include "gate/gate.h"
#include "stats/compare.h"
#include "stats/pairing.h"
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
  testing::SyncRows(&runs);

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

// The gate reads compact rows (store::GateItem): a never-run item, an
// errored one and an answered one keep what the gate asks of them.
TEST(NeverRunTest, CompactRowsKeepErrorsAndScores) {
  std::vector<SynthItem> synth(3);
  for (int i = 0; i < 3; ++i) synth[i] = {"docs", "d" + std::to_string(i)};
  synth[1].cand_error = true;
  synth[2].cand = 0.25;
  RunData run = testing::MakeRun("cand", synth, /*candidate=*/true);
  run.items[0].response.reset();  // never run
  run.items[0].scores.clear();
  testing::SyncRows(&run);
  ASSERT_EQ(run.rows.items.size(), 3u);
  const store::GateItem& never = run.rows.items[0];
  const store::GateItem& failed = run.rows.items[1];
  const store::GateItem& answered = run.rows.items[2];

  EXPECT_FALSE(never.has_response);
  EXPECT_FALSE(never.has_answer);
  EXPECT_TRUE(stats::Errored(never));
  EXPECT_EQ(never.Score("exact"), nullptr);

  EXPECT_TRUE(failed.has_response);
  EXPECT_TRUE(failed.has_error);
  EXPECT_FALSE(failed.has_answer);
  EXPECT_EQ(failed.error, "engine error on d1");
  EXPECT_EQ(failed.error_kind, "engine_error");
  EXPECT_TRUE(stats::Errored(failed));
  EXPECT_EQ(failed.Score("exact"), nullptr);

  EXPECT_FALSE(stats::Errored(answered));
  EXPECT_TRUE(answered.has_answer);
  EXPECT_EQ(answered.answer, "x");
  ASSERT_NE(answered.Score("exact"), nullptr);
  EXPECT_EQ(answered.Score("exact")->value, 0.25);
  EXPECT_EQ(answered.Score("wer"), nullptr);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(stats::Errored(run.rows.items[i]), stats::Errored(run.items[i]))
        << "both item types are errors alike, item " << i;
  }
}

}  // namespace
}  // namespace mmgate::gate
