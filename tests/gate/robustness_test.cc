// Degradation curves, the robustness rule and the behaviour summary on
// synthetic paired runs.
#include "gate/robustness.h"

#include <gtest/gtest.h>

#include "gate/behaviour.h"
#include "report/verdict.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

using testing::MakeRuns;
using testing::SynthItem;

// 40 sources, each clean and rotated by 5 and 10 degrees. The baseline
// loses half its accuracy at 10 degrees; the candidate keeps every item at 5
// degrees and loses 30 of 40 at 10.
std::vector<SynthItem> RotatedSuite(const std::string& metric = "exact") {
  std::vector<SynthItem> items;
  for (int i = 0; i < 40; ++i) {
    const std::string g = "doc-" + std::to_string(i);
    SynthItem clean{"docs", g, metric, {{"perturbation", "none"}}};
    clean.group = g;
    SynthItem r5{
        "docs", g + "~rotate-5", metric, {{"perturbation", "rotate:5"}}};
    r5.group = g;
    SynthItem r10{
        "docs", g + "~rotate-10", metric, {{"perturbation", "rotate:10"}}};
    r10.group = g;
    r10.base = i % 2 ? 1 : 0;
    r10.cand = i < 30 ? 0 : 1;
    items.insert(items.end(), {clean, r10, r5});  // severity order is sorted
  }
  return items;
}

Policy WithRule(double max) {
  Policy p;
  p.defaults.min_n = 30;
  p.defaults.max_degradation = max;
  p.bootstrap_resamples = 2000;
  return p;
}

TEST(RobustnessTest, CurvesOrderLevelsAndMeasureBothRuns) {
  auto runs = MakeRuns(RotatedSuite());
  auto r = Evaluate(runs.baseline, runs.candidate, Policy{}, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->suites.size(), 1u);
  const SuiteVerdict& v = r->suites[0];
  ASSERT_EQ(v.curves.size(), 1u);
  const Curve& c = v.curves[0];
  EXPECT_EQ(c.kind, "rotate");
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].value, "rotate:5");
  EXPECT_EQ(c.points[1].value, "rotate:10");
  EXPECT_EQ(c.points[1].n, 40);
  EXPECT_EQ(c.points[1].groups, 40);
  EXPECT_DOUBLE_EQ(c.points[1].baseline_clean, 1.0);
  EXPECT_DOUBLE_EQ(c.points[1].baseline, 0.5);
  EXPECT_NEAR(c.points[1].baseline_degradation, 0.5, 1e-12);
  EXPECT_NEAR(c.points[1].candidate_degradation, 0.75, 1e-12);
  EXPECT_NEAR(c.points[0].candidate_degradation, 0.0, 1e-12);
  // Without the rule the curve is reported, not gated.
  EXPECT_FALSE(c.points[1].gated);
  const auto j = report::VerdictJson(*r);
  EXPECT_EQ(j["suites"][0]["curves"][0]["points"][1]["baseline"]["degradation"],
            0.5);
  EXPECT_TRUE(j["suites"][0]["curves"][0]["max_degradation"].is_null());
}

TEST(RobustnessTest, RuleBlocksASteepDegradationAndPassesAFlatOne) {
  auto runs = MakeRuns(RotatedSuite());
  auto r = Evaluate(runs.baseline, runs.candidate, WithRule(0.10), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const SuiteVerdict& v = r->suites[0];
  const Curve& c = v.curves[0];
  EXPECT_TRUE(c.points[0].gated);
  EXPECT_EQ(c.points[0].verdict, Verdict::kPass);
  EXPECT_LE(c.points[0].ci_hi, 0.10);
  EXPECT_EQ(c.points[1].verdict, Verdict::kBlock);
  EXPECT_LT(c.points[1].p_adjusted, 0.05);
  EXPECT_GE(c.points[1].p_adjusted, c.points[1].p);  // corrected with the rest
  EXPECT_EQ(v.verdict, Verdict::kBlock);
  EXPECT_EQ(r->verdict, Verdict::kBlock);
  bool named = false;
  for (const std::string& reason : v.reasons)
    named |= reason.find("docs robustness rotate:10") != std::string::npos;
  EXPECT_TRUE(named);
  const std::string terminal =
      report::RenderVerdictTerminal({{*r}, {}, r->verdict});
  EXPECT_NE(terminal.find("degradation curves"), std::string::npos);
  // Both models miss the limit: the verdict says it is an SLO both miss (the
  // degradation SLO), not only a regression against the baseline.
  EXPECT_NE(terminal.find("an SLO the candidate misses (the baseline "
                          "misses it too)"),
            std::string::npos);
  EXPECT_NE(terminal.find("blocked (SLO miss; the baseline misses it too): "
                          "docs robustness rotate:10"),
            std::string::npos);
  // A looser limit lets the same runs through the rule.
  auto loose = Evaluate(runs.baseline, runs.candidate, WithRule(0.9), {});
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->suites[0].curves[0].points[1].verdict, Verdict::kPass);
}

TEST(RobustnessTest, ErrorRatesDegradeOnTheAccuracyScale) {
  std::vector<SynthItem> items;
  for (int i = 0; i < 10; ++i) {
    const std::string g = "utt-" + std::to_string(i);
    SynthItem clean{"speech", g,   "wer", {{"perturbation", "none"}},
                    0.1,      0.1, 10};
    clean.group = g;
    SynthItem gsm{"speech", g + "~gsm", "wer", {{"perturbation", "gsm:8k"}},
                  0.28,     0.19,       10};
    gsm.group = g;
    items.insert(items.end(), {clean, gsm});
  }
  auto runs = MakeRuns(items);
  auto r = Evaluate(runs.baseline, runs.candidate, WithRule(0.1), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const CurvePoint& p = r->suites[0].curves[0].points[0];
  EXPECT_NEAR(p.baseline_degradation, (0.9 - 0.72) / 0.9, 1e-9);
  EXPECT_NEAR(p.candidate_degradation, (0.9 - 0.81) / 0.9, 1e-9);
  // Ten items are below min_n: a coverage gap, summarised with the strata's,
  // never a block and never a reason of its own in the verdict.
  EXPECT_EQ(p.status, StratumStatus::kCoverageGap);
  EXPECT_EQ(p.verdict, Verdict::kPass);
  bool listed = false;
  for (const StratumRef& g : r->coverage_gaps) {
    if (g.label == "speech robustness gsm:8k") {
      listed = true;
      EXPECT_EQ(g.n, 10);
      EXPECT_EQ(g.items_needed, 30);  // WithRule: min_n 30
      EXPECT_FALSE(g.required);
    }
  }
  EXPECT_TRUE(listed);
  const std::string terminal =
      report::RenderVerdictTerminal({{*r}, {}, r->verdict});
  EXPECT_EQ(terminal.find("inconclusive: speech robustness"), std::string::npos)
      << terminal;
  EXPECT_NE(terminal.find("coverage gap"), std::string::npos);
}

// The table shows a change from clean: a loss and its interval are both
// negative, and a loss of nothing is +0.0%, never -0.0%.
TEST(RobustnessTest, TableEstimateAndIntervalCarryOneSign) {
  auto runs = MakeRuns(RotatedSuite());
  auto r = Evaluate(runs.baseline, runs.candidate, WithRule(0.10), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const CurvePoint& p10 = r->suites[0].curves[0].points[1];
  ASSERT_GT(p10.ci_lo, 0);
  const std::string terminal =
      report::RenderVerdictTerminal({{*r}, {}, r->verdict});
  const std::string row10 =
      terminal.substr(terminal.find("    rotate:10"), 120);
  EXPECT_NE(row10.find("-75.0%"), std::string::npos) << row10;
  EXPECT_NE(
      row10.find(SignedPercent(-p10.ci_hi) + ".." + SignedPercent(-p10.ci_lo)),
      std::string::npos)
      << row10;
  EXPECT_EQ(SignedPercent(-p10.ci_hi).front(), '-');
  EXPECT_EQ(terminal.find("-0.0%"), std::string::npos) << terminal;
  EXPECT_EQ(SignedPercent(-0.0001), "+0.0%");
  EXPECT_EQ(SignedPercent(-0.125), "-12.5%");
}

TEST(BehaviourTest, HallucinationOverRefusalAndTypes) {
  std::vector<SynthItem> items;
  for (int i = 0; i < 6; ++i) {
    SynthItem s{"vqa",
                "q" + std::to_string(i),
                "exact",
                {{"hallucination_type", i < 3 ? "object" : "relation"}}};
    items.push_back(s);
  }
  auto runs = MakeRuns(items);
  // q0-q3 are unanswerable; q4, q5 answerable.
  const char* answers[6] = {"A red car",    "I cannot determine that",
                            "Two dogs",     "Not visible in the image",
                            "I don't know", "blue"};
  for (size_t i = 0; i < 6; ++i) {
    auto& it = runs.candidate.items[i];
    it.item.expect = i < 4 ? "abstain" : "answer";
    it.response->answer = answers[i];
  }
  testing::SyncRows(&runs.candidate);
  std::vector<const store::GateItem*> cand;
  for (const auto& it : runs.candidate.rows.items) cand.push_back(&it);
  const Behaviour b = Summarize(cand, nlohmann::json::object());
  EXPECT_EQ(b.abstain_items, 4);
  EXPECT_EQ(b.hallucinated, 2);  // q0, q2 answered the unanswerable
  EXPECT_EQ(b.answerable_items, 2);
  EXPECT_EQ(b.over_refused, 1);  // q4 refused an answerable question
  EXPECT_EQ(b.types.at("object"), (std::pair<int64_t, int64_t>{3, 2}));
  EXPECT_EQ(b.types.at("relation"), (std::pair<int64_t, int64_t>{3, 0}));
}

}  // namespace
}  // namespace mmgate::gate
