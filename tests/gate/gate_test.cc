#include "gate/gate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "gate/evaluate.h"
#include "report/verdict.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

using testing::MakeRuns;
using testing::SynthItem;

// n items of one binary suite; `fail(i)` says which run fails item i.
std::vector<SynthItem> Binary(
    const std::string& suite, int n, int slice_values,
    const std::function<std::pair<bool, bool>(int)>& fail) {
  std::vector<SynthItem> out;
  for (int i = 0; i < n; ++i) {
    SynthItem it;
    it.suite = suite;
    it.id = suite + "-" + std::to_string(i);
    it.slices = {{"kind", "k" + std::to_string(i % slice_values)}};
    auto [bf, cf] = fail(i);
    it.base = bf ? 0 : 1;
    it.cand = cf ? 0 : 1;
    out.push_back(it);
  }
  return out;
}

const Stratum* FindSlice(const SuiteVerdict& v, const std::string& value) {
  for (const Stratum& s : v.slices) {
    if (s.value == value) return &s;
  }
  return nullptr;
}

TEST(GateTest, BlocksTheSliceThatRegressedAndNamesIt) {
  // 600 items, 3 slices of 200; the candidate newly fails 30 items of k1.
  auto items = Binary("charts", 600, 3, [](int i) {
    bool base_fail = i % 10 == 0;
    bool cand_fail =
        base_fail || (i % 3 == 1 && i % 20 == 1) || (i % 3 == 1 && i % 20 == 7);
    return std::pair{base_fail, cand_fail};
  });
  auto runs = MakeRuns(items);
  Policy policy;
  auto r = Evaluate(runs.baseline, runs.candidate, policy, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->verdict, Verdict::kBlock);
  ASSERT_EQ(r->suites.size(), 1u);
  const SuiteVerdict& v = r->suites[0];
  EXPECT_EQ(v.test, "mcnemar-exact");
  const Stratum* k1 = FindSlice(v, "k1");
  ASSERT_NE(k1, nullptr);
  EXPECT_EQ(k1->verdict, Verdict::kBlock);
  EXPECT_EQ(k1->worse, 20);
  EXPECT_EQ(k1->better, 0);
  EXPECT_NEAR(k1->delta, -0.10, 1e-12);
  EXPECT_LT(k1->ci_hi, 0);
  EXPECT_EQ(FindSlice(v, "k0")->verdict, Verdict::kPass);
  bool named = false;
  for (const std::string& reason : v.reasons)
    named |= reason.find("kind=k1") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_EQ(r->policy_hash, policy.Hash());
}

// Issue 17: a slice too small to decide is a coverage gap, listed with the
// items it needs; it stops the verdict only when its key is required.
TEST(GateTest, IdenticalLargeRunsPassAndSmallSlicesAreCoverageGaps) {
  auto items = Binary("docs", 400, 1, [](int i) {
    return std::pair{i % 7 == 0, i % 7 == 0};
  });
  // Plus one slice value with only 12 items.
  for (int i = 0; i < 12; ++i) {
    SynthItem it;
    it.suite = "docs";
    it.id = "rare-" + std::to_string(i);
    it.slices = {{"kind", "rare"}};
    items.push_back(it);
  }
  auto runs = MakeRuns(items);
  Policy policy;
  auto r = Evaluate(runs.baseline, runs.candidate, policy, {});
  ASSERT_TRUE(r.ok());
  const SuiteVerdict& v = r->suites[0];
  EXPECT_EQ(v.total.verdict, Verdict::kPass) << v.total.mde;
  EXPECT_EQ(FindSlice(v, "k0")->verdict, Verdict::kPass);
  const Stratum* rare = FindSlice(v, "rare");
  EXPECT_EQ(rare->status, StratumStatus::kCoverageGap);
  EXPECT_EQ(rare->verdict, Verdict::kPass);
  EXPECT_GE(rare->items_needed, policy.defaults.min_n);
  EXPECT_NE(rare->reasons.at(0).find("min_n"), std::string::npos);
  EXPECT_EQ(r->verdict, Verdict::kPass) << "a gap alone does not stop it";
  ASSERT_EQ(r->coverage_gaps.size(), 1u);
  EXPECT_EQ(r->coverage_gaps[0].label, "docs kind=rare");

  policy.slice_rules["kind"].required = true;
  auto required = Evaluate(runs.baseline, runs.candidate, policy, {});
  ASSERT_TRUE(required.ok());
  EXPECT_EQ(required->verdict, Verdict::kInconclusive)
      << "a required key's gap is never silently passed";
  // Issue 15: the gap is one summary line naming the required stratum, not
  // a reason of its own listed before it.
  const std::string terminal =
      report::RenderVerdictTerminal({{*required}, {}, required->verdict});
  EXPECT_EQ(terminal.find("- inconclusive: docs kind=rare"), std::string::npos)
      << terminal;
  EXPECT_NE(terminal.find("- coverage: 1 stratum too small to decide at the "
                          "margin (1 required: docs kind=rare (n=12))"),
            std::string::npos)
      << terminal;
  policy.slice_rules.clear();

  policy.gated_slices = std::set<std::string>{};
  auto ungated = Evaluate(runs.baseline, runs.candidate, policy, {});
  EXPECT_EQ(ungated->verdict, Verdict::kPass)
      << "ungated slices are reported, not gated";
  EXPECT_EQ(FindSlice(ungated->suites[0], "rare")->status,
            StratumStatus::kNotGated);
}

TEST(GateTest, BinaryItemsInGroupsAreResampledByGroup) {
  // Each source has two perturbed variants; the candidate fails whole groups.
  auto items = Binary("charts", 300, 1, [](int i) {
    return std::pair{false, i / 3 % 10 == 0};
  });
  for (size_t i = 0; i < items.size(); ++i)
    items[i].group = "src" + std::to_string(i / 3);
  auto runs = MakeRuns(items);
  Policy policy;
  policy.bootstrap_resamples = 2000;
  auto r = Evaluate(runs.baseline, runs.candidate, policy, {});
  ASSERT_TRUE(r.ok());
  const SuiteVerdict& v = r->suites[0];
  EXPECT_EQ(v.test, "cluster-bootstrap-bca");
  EXPECT_EQ(v.total.worse, 30);
  EXPECT_EQ(v.total.verdict, Verdict::kBlock);
  // Ten failing groups of three are weaker evidence than thirty independent
  // failures: the interval is wider than McNemar's would be.
  auto independent = items;
  for (SynthItem& it : independent) it.group.clear();
  auto runs2 = MakeRuns(independent);
  auto r2 = Evaluate(runs2.baseline, runs2.candidate, policy, {});
  EXPECT_EQ(r2->suites[0].test, "mcnemar-exact");
  EXPECT_GT(v.total.ci_hi - v.total.ci_lo,
            r2->suites[0].total.ci_hi - r2->suites[0].total.ci_lo);
}

TEST(GateTest, ContinuousLowerIsBetterRegressionBlocks) {
  // WER per item: the candidate is 0.30 worse on accent=scottish.
  std::vector<SynthItem> items;
  for (int i = 0; i < 240; ++i) {
    SynthItem it;
    it.suite = "speech";
    it.id = "u" + std::to_string(i);
    it.metric = "wer";
    it.den = 10;
    bool scot = i % 4 == 0;
    it.slices = {{"accent", scot ? "scottish" : "us"}};
    it.base = 0.1 + 0.01 * (i % 5);
    it.cand = it.base + (scot ? 0.3 : 0.0) - 0.01 * (i % 2);
    items.push_back(it);
  }
  auto runs = MakeRuns(items);
  Policy policy;
  policy.bootstrap_resamples = 2000;
  auto r = Evaluate(runs.baseline, runs.candidate, policy, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const SuiteVerdict& v = r->suites[0];
  EXPECT_FALSE(v.higher_is_better);
  EXPECT_EQ(v.test, "cluster-bootstrap-bca");
  const Stratum* scot = FindSlice(v, "scottish");
  EXPECT_EQ(scot->verdict, Verdict::kBlock);
  EXPECT_GT(scot->delta, 0.25) << "WER went up";
  EXPECT_GT(scot->ci_lo, 0.2);
  EXPECT_EQ(FindSlice(v, "us")->verdict, Verdict::kPass);
  EXPECT_EQ(r->verdict, Verdict::kBlock);
}

TEST(GateTest, BelowMinNOnlyTheExactTestCanBlock) {
  // Three items whose WER doubles: a bootstrap over three clusters proves
  // nothing, so the stratum is not blocked; its drop is beyond the margin,
  // so it is inconclusive rather than a coverage gap.
  std::vector<SynthItem> items;
  for (int i = 0; i < 60; ++i) {
    SynthItem it;
    it.suite = "speech";
    it.id = "u" + std::to_string(i);
    it.metric = "wer";
    it.den = 10;
    it.slices = {{"codec", i < 3 ? "gsm" : "pcm"}};
    it.base = 0.2;
    it.cand = i < 3 ? 0.9 : 0.2;
    items.push_back(it);
  }
  auto runs = MakeRuns(items);
  Policy policy;
  policy.bootstrap_resamples = 2000;
  auto r = Evaluate(runs.baseline, runs.candidate, policy, {});
  ASSERT_TRUE(r.ok());
  const Stratum* gsm = FindSlice(r->suites[0], "gsm");
  EXPECT_EQ(gsm->verdict, Verdict::kInconclusive);
  EXPECT_NE(gsm->reasons.at(0).find("min_n"), std::string::npos);
}

TEST(GateTest, RefusesDifferentSuiteVersionsAndUnmatchedItems) {
  auto items = Binary("docs", 50, 1, [](int) {
    return std::pair{false, false};
  });
  auto runs = MakeRuns(items);
  runs.candidate.suites[0].version_hash = "v-other";
  auto r = Evaluate(runs.baseline, runs.candidate, Policy{}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("suite 'docs' differs"),
            std::string::npos);

  runs = MakeRuns(items);
  runs.candidate.items.pop_back();
  runs.candidate.items[0].item.content_hash = "changed";
  testing::SyncRows(&runs);
  r = Evaluate(runs.baseline, runs.candidate, Policy{}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("2 items"), std::string::npos)
      << r.status().message();
  Policy partial;
  partial.allow_partial = true;
  r = Evaluate(runs.baseline, runs.candidate, partial, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->suites[0].total.n, 48);
  EXPECT_EQ(r->unmatched.size(), 2u);
}

TEST(GateTest, ErrorsCountAsFailuresUnlessThePolicySaysOtherwise) {
  auto items = Binary("tables", 300, 1, [](int) {
    return std::pair{false, false};
  });
  for (int i = 0; i < 30; ++i) items[i].cand_error = true;
  auto runs = MakeRuns(items);
  auto r = Evaluate(runs.baseline, runs.candidate, Policy{}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kBlock);
  EXPECT_EQ(r->suites[0].total.candidate_errors, 30);
  EXPECT_EQ(r->suites[0].total.worse, 30);

  Policy lenient;
  lenient.errors_as_failures = false;
  r = Evaluate(runs.baseline, runs.candidate, lenient, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->suites[0].total.n, 270);
  ASSERT_FALSE(r->reasons.empty());
  EXPECT_NE(r->reasons[0].find("30 paired items errored"), std::string::npos);
}

TEST(GateTest, DifficultyFromHistoryAndTheResidualFailureSet) {
  // No difficulty slice: tiers come from earlier runs. Items 0-99 failed every
  // earlier run (hard), the rest never did (easy).
  auto items = Binary("charts", 400, 1, [](int i) {
    bool hard = i < 100;
    return std::pair{hard && i % 2 == 0, hard || i % 50 == 0};
  });
  auto runs = MakeRuns(items);
  History history;
  for (int i = 0; i < 400; ++i) {
    history[{"charts", "charts-" + std::to_string(i),
             "h:charts/charts-" + std::to_string(i)}] = {3, i < 100 ? 3 : 0};
  }
  Policy policy;
  policy.hard_tail_max_drop = 0.05;
  auto r = Evaluate(runs.baseline, runs.candidate, policy, history);
  ASSERT_TRUE(r.ok());
  const SuiteVerdict& v = r->suites[0];
  EXPECT_EQ(v.residual.source, "history (3 other runs)");
  ASSERT_EQ(v.difficulty.size(), 2u);
  const Stratum& hard =
      v.difficulty[1].value == "hard" ? v.difficulty[1] : v.difficulty[0];
  EXPECT_EQ(hard.n, 100);
  EXPECT_NEAR(hard.delta, -0.5, 1e-12);
  EXPECT_TRUE(hard.gated);
  EXPECT_EQ(hard.verdict, Verdict::kBlock);
  EXPECT_EQ(v.residual.baseline_failures, 50);
  EXPECT_EQ(v.residual.candidate_failures, 106);
  EXPECT_DOUBLE_EQ(v.residual.baseline_hard_share, 1.0);
  EXPECT_NEAR(v.residual.candidate_hard_share, 100.0 / 106, 1e-12);

  // Without hard_tail the tier is shown with its own p and interval and
  // says "not gated", never "pass".
  auto shown = Evaluate(runs.baseline, runs.candidate, Policy{}, history);
  ASSERT_TRUE(shown.ok());
  for (const Stratum& s : shown->suites[0].difficulty) {
    EXPECT_EQ(s.status, StratumStatus::kNotGated);
    EXPECT_EQ(s.p_adjusted, s.p);
    if (s.value == "hard") {
      EXPECT_LT(s.p, 1e-6);
      EXPECT_LT(s.ci_hi, 0);
    }
  }
  std::string text = report::RenderVerdictTerminal({{*shown}, {}, {}});
  EXPECT_NE(text.find("not gated"), std::string::npos);
}

TEST(GateTest, GateThenRankOrdersSurvivorsByTheirWorstSuite) {
  auto make = [](int fixed_text) {
    std::vector<SynthItem> items = Binary("text", 500, 1, [&](int i) {
      return std::pair{i < 100, i < 100 - fixed_text};
    });
    auto img = Binary("image", 500, 1, [](int i) {
      return std::pair{i < 50, i < 50};
    });
    items.insert(items.end(), img.begin(), img.end());
    return items;
  };
  auto a = MakeRuns(make(5));
  auto b = MakeRuns(make(40));
  RunData b_run = std::move(b.candidate);
  b_run.run.run_id = "cand-b";
  Policy policy;
  std::vector<GateResult> results;
  results.push_back(*Evaluate(a.baseline, a.candidate, policy, {}));
  results.push_back(*Evaluate(a.baseline, b_run, policy, {}));
  ASSERT_EQ(results[0].verdict, Verdict::kPass);
  ASSERT_EQ(results[1].verdict, Verdict::kPass);
  // Both leave images unchanged (worst suite delta 0): a tie on quality, then
  // cost (none priced: equal), then latency (equal): the order stays.
  EXPECT_EQ(Rank(results, policy), (std::vector<size_t>{0, 1}));
  policy.rank = {"latency"};
  EXPECT_EQ(Rank(results, policy).size(), 2u);
}

TEST(GateTest, VerdictJsonHasTheDesignShapeAndNoCrossSuiteFigure) {
  auto items = Binary("charts", 300, 2, [](int i) {
    return std::pair{i % 5 == 0, i % 5 == 0};
  });
  auto runs = MakeRuns(items);
  gate::GateOutcome o;
  o.results.push_back(*Evaluate(runs.baseline, runs.candidate, Policy{}, {}));
  o.verdict = gate::OverallVerdict(o.results);
  nlohmann::json j = report::OutcomeJson(o);
  for (const char* key :
       {"verdict", "baseline", "candidate", "policy", "suites"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const auto& [key, value] : j.items()) {
    EXPECT_FALSE(value.is_number())
        << "top-level figure " << key << " would pool suites";
  }
  const nlohmann::json& s = j["suites"][0];
  for (const char* key :
       {"suite", "modality", "metric", "n", "baseline", "candidate", "delta",
        "ci", "p", "mde", "verdict", "reasons", "slices"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_EQ(s["slices"].size(), 2u);
  EXPECT_TRUE(s["slices"][0].contains("key"));
  std::string junit = report::RenderJUnit(o);
  EXPECT_NE(junit.find("<testsuite name=\"charts\""), std::string::npos);
  std::string md = report::RenderVerdictMarkdown(o);
  EXPECT_EQ(md.rfind("## mmgate: **", 0), 0u) << "the verdict line comes first";
}

TEST(GateTest, InterleavedSuitesAndMetricsGiveTheResultOfTheGroupedItems) {
  // Two suites whose items alternate, each with two metrics alternating:
  // every (suite, metric)'s pairs lie scattered over the list, and pairing
  // adds them per (suite, metric) on several threads. The verdict must be
  // the one of the same items listed grouped.
  std::vector<SynthItem> interleaved;
  for (int i = 0; i < 400; ++i) {
    SynthItem it;
    it.suite = i % 2 == 0 ? "charts" : "docs";
    it.id = "q" + std::to_string(i);
    it.metric = i % 4 < 2 ? "exact" : "wer";
    it.den = it.metric == "wer" ? 10 : 1;
    it.group = "g" + std::to_string(i / 8);
    it.slices = {{"kind", "k" + std::to_string(i % 3)}};
    const bool worse = i % 7 == 0;
    if (it.metric == "exact") {
      it.base = i % 5 == 0 ? 0 : 1;
      it.cand = worse ? 0 : it.base;
    } else {
      it.base = 0.1 * (i % 3);
      it.cand = it.base + (worse ? 0.5 : 0);
    }
    interleaved.push_back(it);
  }
  std::vector<SynthItem> grouped = interleaved;
  std::stable_sort(grouped.begin(), grouped.end(),
                   [](const SynthItem& a, const SynthItem& b) {
                     return std::tie(a.suite, a.metric) <
                            std::tie(b.suite, b.metric);
                   });
  Policy policy;
  policy.bootstrap_resamples = 500;
  auto a = MakeRuns(interleaved), b = MakeRuns(grouped);
  auto ra = Evaluate(a.baseline, a.candidate, policy, {});
  auto rb = Evaluate(b.baseline, b.candidate, policy, {});
  ASSERT_TRUE(ra.ok()) << ra.status().message();
  ASSERT_TRUE(rb.ok()) << rb.status().message();
  ASSERT_EQ(ra->suites.size(), 4u);
  for (const SuiteVerdict& v : ra->suites) {
    EXPECT_EQ(v.total.n, 100) << v.suite << " " << v.metric;
    EXPECT_EQ(v.slices.size(), 3u) << v.suite << " " << v.metric;
  }
  EXPECT_EQ(report::VerdictJson(*ra).dump(), report::VerdictJson(*rb).dump());
}

}  // namespace
}  // namespace mmgate::gate
