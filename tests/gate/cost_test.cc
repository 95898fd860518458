#include "gate/cost.h"

#include <gtest/gtest.h>

namespace mmgate::gate {
namespace {

store::ItemResult Answered(double latency_ms, double cost_usd, int64_t tokens) {
  store::ItemResult r;
  store::ResponseRecord resp;
  resp.answer = "x";
  resp.latency_ms = latency_ms;
  resp.cost_usd = cost_usd;
  resp.input_tokens = tokens;
  resp.output_tokens = tokens;
  r.response = resp;
  return r;
}

TEST(CostTest, CostPerQueryIsTheStoredAttemptCostsOverTheItems) {
  std::vector<store::ItemResult> items = {
      Answered(10, 0.003, 1000),  // priced attempts (retries included)
      Answered(30, 0.0, 1000),    // a cache hit: its tokens cost nothing
      Answered(20, 0.001, 500),
      store::ItemResult{}};  // never run: no latency, no cost
  const store::GateRun rows = store::GateRun::Of(items);
  std::vector<const store::GateItem*> ptrs;
  for (const store::GateItem& r : rows.items) ptrs.push_back(&r);
  Policy policy;
  policy.prices["gpt"] = {1000, 1000};  // would give $2 per 1000+1000 tokens

  RunCost c = CostOf(ptrs, "gpt", policy);
  EXPECT_DOUBLE_EQ(c.cost_per_query, 0.004 / 4);
  EXPECT_DOUBLE_EQ(c.p50_latency_ms, 20);

  EXPECT_EQ(CostOf(ptrs, "unpriced", policy).cost_per_query, -1);
  const store::GateRun silent = store::GateRun::Of({Answered(10, 0, -1)});
  EXPECT_EQ(CostOf({&silent.items[0]}, "gpt", policy).cost_per_query, -1)
      << "no tokens reported: nothing could be priced";
}

TEST(CostTest, APricedJudgesCallsAreAddedAndShownApart) {
  std::vector<store::ItemResult> items = {Answered(10, 0.003, 1000),
                                          Answered(20, 0.001, 500)};
  items[0].item.suite = items[1].item.suite = "charts";
  items[0].item.item_id = "c1";
  items[1].item.item_id = "c2";
  const store::GateRun rows = store::GateRun::Of(items);
  std::vector<const store::GateItem*> ptrs = {&rows.items[0], &rows.items[1]};
  RunData run;
  run.judge_cost[{"charts", "c1"}] = 0.0005;  // two calls: pairwise orders
  run.judge_cost[{"charts", "c2"}] = 0.0002;
  run.judge_cost[{"other", "c1"}] = 9;  // another suite's judge
  Policy policy;
  policy.prices["gpt"] = {1000, 1000};
  policy.judged_suites["charts"] = {"grader", "hash", "score"};

  RunCost unpriced_judge = CostOf(ptrs, "gpt", policy, &run);
  EXPECT_DOUBLE_EQ(unpriced_judge.cost_per_query, 0.004 / 2);
  EXPECT_EQ(unpriced_judge.judge_cost_per_query, -1);

  policy.prices["grader"] = {3, 15};
  RunCost c = CostOf(ptrs, "gpt", policy, &run);
  EXPECT_DOUBLE_EQ(c.judge_cost_per_query, 0.0007 / 2);
  EXPECT_DOUBLE_EQ(c.cost_per_query, (0.004 + 0.0007) / 2);
  EXPECT_EQ(CostOf(ptrs, "unpriced", policy, &run).cost_per_query, -1);
  EXPECT_DOUBLE_EQ(CostOf(ptrs, "unpriced", policy, &run).judge_cost_per_query,
                   0.0007 / 2);
}

}  // namespace
}  // namespace mmgate::gate
