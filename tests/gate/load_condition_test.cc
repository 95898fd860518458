// Quality under load as a named stratum: a candidate run made by
// `mmgate load --score` (its answers carry the traffic stage they came from)
// gated against an idle run names the load stage in every stratum's label,
// reason and cause, and in the verdict JSON; an idle comparison is unchanged.
#include <gtest/gtest.h>

#include "gate/evaluate.h"
#include "gate/gate.h"
#include "report/verdict.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

using testing::MakeRuns;
using testing::SynthItem;

// 600 items, 3 slices of 200; under load the candidate newly fails 20 of k1.
testing::SynthRuns DropOnK1() {
  std::vector<SynthItem> items;
  for (int i = 0; i < 600; ++i) {
    SynthItem it;
    it.suite = "charts";
    it.id = "charts-" + std::to_string(i);
    it.slices = {{"kind", "k" + std::to_string(i % 3)}};
    const bool base_fail = i % 10 == 0;
    const bool cand_fail =
        base_fail || (i % 3 == 1 && i % 20 == 1) || (i % 3 == 1 && i % 20 == 7);
    it.base = base_fail ? 0 : 1;
    it.cand = cand_fail ? 0 : 1;
    items.push_back(it);
  }
  return MakeRuns(items);
}

TEST(LoadConditionTest, ADropUnderLoadNamesTheStage) {
  auto runs = DropOnK1();
  runs.candidate.load_stages["charts"] = {"c=8"};
  auto r = Evaluate(runs.baseline, runs.candidate, Policy{}, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->verdict, Verdict::kBlock);
  ASSERT_EQ(r->suites.size(), 1u);
  const SuiteVerdict& v = r->suites[0];
  EXPECT_EQ(v.condition, "under load at stage c=8");
  ASSERT_EQ(r->causes.size(), 1u);
  EXPECT_EQ(r->causes[0].label, "charts kind=k1 under load at stage c=8");
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_EQ(v.reasons[0].rfind("charts kind=k1 under load at stage c=8 exact "
                               "0.900 -> 0.800",
                               0),
            0u)
      << v.reasons[0];
  EXPECT_NE(v.reasons[0].find("quality dropped beyond the margin 0.020"),
            std::string::npos)
      << v.reasons[0];

  const nlohmann::json j = report::VerdictJson(*r);
  EXPECT_EQ(j["suites"][0]["condition"], "under load at stage c=8");
  EXPECT_EQ(j["causes"][0]["stratum"],
            "charts kind=k1 under load at stage c=8");
  GateOutcome o;
  o.results = {*r};
  o.verdict = r->verdict;
  const std::string text = report::RenderVerdictTerminal(o);
  EXPECT_NE(text.find("charts (charts, exact, mcnemar-exact, margin 0.020) "
                      "under load at stage c=8"),
            std::string::npos)
      << text;
  EXPECT_NE(report::RenderVerdictMarkdown(o).find("under load at stage c=8"),
            std::string::npos);
}

TEST(LoadConditionTest, IdleAgainstIdleIsUnchanged) {
  auto runs = DropOnK1();
  auto r = Evaluate(runs.baseline, runs.candidate, Policy{}, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->suites[0].condition, "");
  ASSERT_EQ(r->causes.size(), 1u);
  EXPECT_EQ(r->causes[0].label, "charts kind=k1");
  EXPECT_FALSE(report::VerdictJson(*r)["suites"][0].contains("condition"));
  EXPECT_NE(r->suites[0].reasons[0].find("regression beyond the margin"),
            std::string::npos);
}

TEST(LoadConditionTest, StagesOnEitherSide) {
  RunData idle, a, b;
  a.load_stages["qa"] = {"c=2", "c=4"};
  b.load_stages["qa"] = {"100 req/s"};
  EXPECT_EQ(LoadCondition(idle, a, "qa"), "under load at stages c=2, c=4");
  EXPECT_EQ(LoadCondition(idle, a, "other"), "");
  EXPECT_EQ(LoadCondition(a, a, "qa"), "") << "both at the same stages";
  EXPECT_EQ(LoadCondition(a, b, "qa"),
            "under load at stage 100 req/s (baseline at stages c=2, c=4)");
  EXPECT_EQ(LoadCondition(b, idle, "qa"),
            "idle (baseline under load at stage 100 req/s)");
}

}  // namespace
}  // namespace mmgate::gate
