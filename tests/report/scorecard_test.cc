// The scorecard's per-suite figures when a run's suites interleave (a run
// works on several at once): each suite's figures come from its own items
// only, whatever their order.
#include "report/scorecard.h"

#include <gtest/gtest.h>

#include <string>

namespace mmgate::report {
namespace {

// Item i of a run: suites "a" and "b" alternate; "a" is scored with "exact",
// "b" with "f1" (a suite whose items name another metric is another suite).
store::ItemResult Item(int i, bool candidate) {
  store::ItemResult r;
  const bool a = i % 2 == 0;
  r.item.suite = a ? "a" : "b";
  r.item.metric = a ? "exact" : "f1";
  r.item.item_id = "q" + std::to_string(i / 2);
  r.item.content_hash = "h" + r.item.item_id;
  r.item.modality = "text";
  store::ResponseRecord x;
  x.answer = "yes";
  x.latency_ms = a ? 10 + i : 1000 + i;
  x.cost_usd = a ? 0.5 : 2;
  x.n_attempts = a ? 1 : 3;
  x.schema_valid = a ? -1 : (i % 4 == 1);
  // Suite b changes its template on the candidate's first two items.
  x.template_hash = a ? "" : (candidate && i < 4 ? "t2" : "t1");
  r.response = x;
  const double v = i % 3 == 0 ? 0 : 1;
  r.scores[r.item.metric] = {r.item.metric, v, v, 1, ""};
  return r;
}

gate::SuiteVerdict Suite(const std::string& name, const std::string& metric) {
  gate::SuiteVerdict v;
  v.suite = name;
  v.modality = "text";
  v.metric = metric;
  v.baseline_cost.cost_per_query = 1;
  v.candidate_cost.cost_per_query = 1;
  return v;
}

TEST(ScorecardTest, InterleavedSuitesKeepTheirOwnFigures) {
  gate::Evaluation e;
  e.baseline.run.run_id = "base";
  e.candidates.emplace_back().run.run_id = "cand";
  for (int i = 0; i < 8; ++i) {
    e.baseline.items.push_back(Item(i, false));
    e.candidates[0].items.push_back(Item(i, true));
  }
  e.baseline.rows = store::GateRun::Of(e.baseline.items);
  e.candidates[0].rows = store::GateRun::Of(e.candidates[0].items);
  gate::GateResult& g = e.outcome.results.emplace_back();
  g.suites = {Suite("a", "exact"), Suite("b", "f1"), Suite("c", "exact")};
  const nlohmann::json card = ScorecardJson(e);
  ASSERT_EQ(card["runs"].size(), 2u);
  const nlohmann::json& cand = card["runs"][1]["suites"];
  ASSERT_EQ(cand.size(), 3u);
  // Suite a: items 0, 2, 4, 6; latencies 10, 12, 14, 16; 0 and 6 fail.
  EXPECT_EQ(cand[0]["latency"]["n"], 4);
  EXPECT_DOUBLE_EQ(cand[0]["latency"]["p50"].get<double>(), 13);
  EXPECT_DOUBLE_EQ(cand[0]["cost_per_correct"].get<double>(), 2.0 / 2);
  EXPECT_DOUBLE_EQ(cand[0]["retries_per_item"].get<double>(), 0);
  EXPECT_TRUE(cand[0]["schema_valid_rate"].is_null());
  EXPECT_EQ(cand[0]["template_hashes"], 0);
  // Suite b: items 1, 3, 5, 7; 3 fails; two of four changed template.
  EXPECT_EQ(cand[1]["latency"]["n"], 4);
  EXPECT_DOUBLE_EQ(cand[1]["latency"]["p50"].get<double>(), 1004);
  EXPECT_DOUBLE_EQ(cand[1]["cost_per_correct"].get<double>(), 8.0 / 3);
  EXPECT_DOUBLE_EQ(cand[1]["retries_per_item"].get<double>(), 2);
  EXPECT_DOUBLE_EQ(cand[1]["schema_valid_rate"].get<double>(), 0.5);
  EXPECT_EQ(cand[1]["template_hashes"], 2);
  EXPECT_EQ(cand[1]["template_changes"], 2);
  // Suite c has no items.
  EXPECT_TRUE(cand[2]["latency"].is_null());
  // The baseline against itself changed no template.
  EXPECT_EQ(card["runs"][0]["suites"][1]["template_changes"], 0);
  EXPECT_EQ(card["runs"][0]["suites"][1]["template_hashes"], 1);
}

}  // namespace
}  // namespace mmgate::report
