// SLOs through gate::Evaluate: every figure met, missed and inconclusive on
// synthetic runs, the bounds of rates checked against SciPy's binomtest and
// the bootstrap's within Monte-Carlo error of scipy.stats.bootstrap; the
// policy's `slo:` parsing and its errors.
#include "gate/slo.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "gate/ranking.h"
#include "reference.h"
#include "report/verdict.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

using nlohmann::json;
using store::ItemResult;
using testing::MakeRuns;
using testing::SynthItem;
using testing::SynthRuns;

// What one item of a run did.
using Shape = std::function<void(int i, ItemResult* r)>;

// `n` items of suite "qa" (one cluster each); both runs get the same shape
// unless `base_shape` is given, so the candidate is no worse than the
// baseline and only an SLO can stop it.
SynthRuns Runs(int n, const Shape& shape, const std::string& metric = "exact",
               const Shape& base_shape = nullptr) {
  std::vector<SynthItem> items;
  for (int i = 0; i < n; ++i)
    items.push_back({"qa", fmt::format("q-{:04d}", i), metric});
  SynthRuns runs = MakeRuns(items);
  for (RunData* d : {&runs.baseline, &runs.candidate}) {
    for (int i = 0; i < n; ++i) {
      ItemResult& r = d->items[i];
      r.response->input_tokens = 10;
      r.response->output_tokens = 10;
      (d == &runs.baseline && base_shape ? base_shape : shape)(i, &r);
    }
  }
  testing::SyncRows(&runs);
  return runs;
}

void Score(ItemResult* r, double v) {
  store::ScoreRecord& s = r->scores.begin()->second;
  s.value = s.numerator = v;
  s.denominator = 1;
}

Policy WithSlo(const json& slo, int64_t min_n = 30) {
  auto p =
      ParsePolicy(json{{"min_n", min_n}, {"slo", json::array({slo})}}, "gate");
  EXPECT_TRUE(p.ok()) << p.status().message();
  Policy out = p.ok() ? *p : Policy{};
  out.prices["cand-model"] = {1, 1};
  out.prices["base-model"] = {1, 1};
  return out;
}

struct Outcome {
  GateResult result;
  SloCheck check;
};

Outcome Gate(const SynthRuns& runs, const Policy& policy) {
  auto r = Evaluate(runs.baseline, runs.candidate, policy, {});
  EXPECT_TRUE(r.ok()) << r.status().message();
  Outcome o{*r, {}};
  EXPECT_EQ(r->suites.size(), 1u);
  EXPECT_EQ(r->suites[0].slos.size(), 1u);
  if (!r->suites.empty() && !r->suites[0].slos.empty())
    o.check = r->suites[0].slos[0];
  return o;
}

// The check's bounds and p against SciPy's binomtest at the check's level.
void ExpectRateMatchesScipy(const SloCheck& c) {
  const std::string why = stats::testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  auto ref = stats::testing::RunReference(
      {"binom", std::to_string(c.x), std::to_string(c.n),
       fmt::format("{:.17g}", c.slo.threshold),
       fmt::format("{:.17g}", 1 - 2 * c.level)});
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_NEAR(c.lo, (*ref)["ci"][0].get<double>(), 1e-10);
  EXPECT_NEAR(c.hi, (*ref)["ci"][1].get<double>(), 1e-10);
  const double p = (*ref)[c.slo.at_most ? "p_above" : "p_below"].get<double>();
  EXPECT_NEAR(c.p, p, 1e-10 + 1e-8 * p);
}

// A rate SLO over `n` items; the first `marked` items are the ones its
// numerator counts (valid for schema_valid, bad for the others).
struct RateCase {
  std::string name;
  json slo;
  int n;
  std::function<void(bool marked, ItemResult* r)> shape;
  int met, missed, inconclusive;  // marked items for each outcome
};

void Answer(ItemResult* r, bool expect_abstain, bool abstains) {
  r->item.expect = expect_abstain ? "abstain" : "answer";
  r->response->answer =
      abstains ? "I cannot determine that from the input." : "42";
}

// Counts chosen from the Clopper-Pearson bounds at the check's level
// (0.025): met well inside, missed well beyond, inconclusive near the
// threshold.
std::vector<RateCase> RateCases() {
  return {
      {"schema_valid",
       {{"figure", "schema_valid"}, {"min", 0.95}},
       1000,
       [](bool m, ItemResult* r) { r->response->schema_valid = m; },
       990,
       900,
       955},
      {"hallucination",
       {{"figure", "hallucination"}, {"max", 0.01}},
       600,
       [](bool m, ItemResult* r) { Answer(r, true, !m); },
       0,
       18,
       5},
      {"hallucination_type",
       {{"figure", "hallucination"}, {"type", "object"}, {"max", 0.05}},
       400,
       [](bool m, ItemResult* r) {
         r->item.slices = {{"hallucination_type", "object"}};
         Answer(r, true, !m);
       },
       4,
       60,
       18},
      {"over_refusal",
       {{"figure", "over_refusal"}, {"max", 0.05}},
       1000,
       [](bool m, ItemResult* r) { Answer(r, false, m); },
       10,
       150,
       45},
      {"error_rate",
       {{"figure", "error_rate"}, {"max", 0.02}},
       1000,
       [](bool m, ItemResult* r) {
         if (!m) return;
         r->response->answer.reset();
         r->response->error = "engine error";
         r->response->error_kind = "engine_error";
         r->scores.clear();
       },
       2,
       80,
       17},
      {"flaky_rate",
       {{"figure", "flaky_rate"}, {"max", 0.05}},
       1000,
       [](bool m, ItemResult* r) { r->response->flaky = m; },
       10,
       150,
       45},
  };
}

TEST(SloTest, EveryRateMetMissedAndInconclusiveWithScipyBounds) {
  for (const RateCase& rc : RateCases()) {
    const std::pair<int, SloStatus> outcomes[] = {
        {rc.met, SloStatus::kMet},
        {rc.missed, SloStatus::kMissed},
        {rc.inconclusive, SloStatus::kInconclusive}};
    for (const auto& [marked, want] : outcomes) {
      SCOPED_TRACE(
          fmt::format("{} with {} of {} marked", rc.name, marked, rc.n));
      auto runs =
          Runs(rc.n, [&](int i, ItemResult* r) { rc.shape(i < marked, r); });
      Outcome o = Gate(runs, WithSlo(rc.slo));
      const SloCheck& c = o.check;
      EXPECT_EQ(c.method, "clopper-pearson");
      EXPECT_EQ(c.n, rc.n);
      EXPECT_EQ(c.x, marked);
      // Weights: suite 5, SLO 5, each slice value 1.
      EXPECT_DOUBLE_EQ(c.level, o.result.suites[0].total.level);
      EXPECT_EQ(SloStatusName(c.status), SloStatusName(want));
      EXPECT_EQ(c.baseline_status, c.status);  // same answers
      const Verdict v = want == SloStatus::kMet      ? Verdict::kPass
                        : want == SloStatus::kMissed ? Verdict::kBlock
                                                     : Verdict::kInconclusive;
      EXPECT_EQ(VerdictName(o.result.verdict), VerdictName(v));
      EXPECT_EQ(o.result.suites[0].total.status, StratumStatus::kPass);
      if (want == SloStatus::kInconclusive) {
        EXPECT_GT(c.items_needed, rc.n);
        ASSERT_FALSE(c.reasons.empty());
        EXPECT_NE(c.reasons[0].find("needs about"), std::string::npos)
            << c.reasons[0];
      }
      ExpectRateMatchesScipy(c);
    }
  }
}

// Issue 16: the candidate hallucinates on 3% of 600 abstain items, as the
// baseline does, against a 1% limit: no regression, but an SLO miss.
TEST(SloTest, NoWorseThanBaselineStillBlocksOnAHallucinationSlo) {
  auto runs = Runs(600, [](int i, ItemResult* r) {
    r->item.slices = {{"hallucination_type", "severe"}};
    Answer(r, true, i >= 18);
    Score(r, i >= 18 ? 1 : 0);
  });
  Outcome o = Gate(runs, WithSlo({{"figure", "hallucination"},
                                  {"type", "severe"},
                                  {"max", 0.01}}));
  EXPECT_EQ(o.result.verdict, Verdict::kBlock);
  EXPECT_EQ(o.result.suites[0].total.status, StratumStatus::kPass);
  EXPECT_EQ(o.result.suites[0].total.delta, 0);
  EXPECT_EQ(o.check.status, SloStatus::kMissed);
  EXPECT_EQ(o.check.baseline_status, SloStatus::kMissed);
  EXPECT_NEAR(o.check.estimate, 0.03, 1e-12);
  EXPECT_GT(o.check.lo, 0.01);
  ASSERT_FALSE(o.check.reasons.empty());
  EXPECT_NE(o.check.reasons[0].find("misses the SLO"), std::string::npos);
  EXPECT_NE(o.check.reasons[0].find("baseline 3.00%, misses it too"),
            std::string::npos)
      << o.check.reasons[0];
  ExpectRateMatchesScipy(o.check);

  // Every output names the kind: an SLO miss, which the baseline misses too.
  const GateOutcome outcome{{o.result}, {}, o.result.verdict};
  const std::string terminal = report::RenderVerdictTerminal(outcome);
  EXPECT_NE(terminal.find("BLOCK (do not roll forward: an SLO the candidate "
                          "misses (the baseline misses it too))"),
            std::string::npos)
      << terminal;
  EXPECT_NE(terminal.find("  - blocked (SLO miss; the baseline misses it "
                          "too): qa: hallucination[severe] <= 0.01"),
            std::string::npos)
      << terminal;
  EXPECT_NE(terminal.find("hallucination[severe] <= 0.01"), std::string::npos);
  const json j = report::VerdictJson(o.result);
  EXPECT_EQ(j["suites"][0]["kind"], "regression");
  EXPECT_EQ(j["suites"][0]["slo"][0]["kind"], "slo");
  EXPECT_EQ(j["suites"][0]["slo"][0]["status"], "missed");
  EXPECT_EQ(j["suites"][0]["slo"][0]["baseline"]["status"], "missed");
  EXPECT_EQ(j["slo_misses"][0]["baseline"], "missed");
  EXPECT_TRUE(j["causes"].empty());
  const std::string md = report::RenderVerdictMarkdown(outcome);
  EXPECT_NE(md.find("| hallucination\\[severe\\] \\<= 0.01 | 600 | 3.00% |"),
            std::string::npos)
      << md;
  const std::string junit = report::RenderJUnit(outcome);
  EXPECT_NE(junit.find("name=\"slo hallucination[severe] &lt;= 0.01\">"
                       "<failure message=\"qa: hallucination[severe]"),
            std::string::npos)
      << junit;
  EXPECT_NE(junit.find("type=\"slo\"/>"), std::string::npos);
}

// A candidate that meets the SLO the baseline misses: the verdict passes,
// and a regression elsewhere would still be named a regression.
TEST(SloTest, BaselineMissingAnSloTheCandidateMeetsPasses) {
  auto runs = Runs(
      600, [](int, ItemResult* r) { Answer(r, true, true); }, "exact",
      [](int i, ItemResult* r) { Answer(r, true, i >= 30); });
  Outcome o = Gate(runs, WithSlo({{"figure", "hallucination"}, {"max", 0.01}}));
  EXPECT_EQ(o.check.status, SloStatus::kMet);
  EXPECT_EQ(o.check.baseline_status, SloStatus::kMissed);
  EXPECT_EQ(o.result.verdict, Verdict::kPass);
}

// Continuous scores, one per item: `value(i)`.
SynthRuns Scores(int n, const std::function<double(int)>& value,
                 const std::function<std::string(int)>& slice = nullptr) {
  return Runs(
      n,
      [&](int i, ItemResult* r) {
        Score(r, value(i));
        if (slice) r->item.slices = {{"form", slice(i)}};
      },
      "anls");
}

std::string WriteColumn(const std::vector<double>& v, const std::string& name) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path);
  for (double x : v) out << fmt::format("{:.17g}\n", x);
  return path;
}

// The bootstrap bounds agree with scipy.stats.bootstrap's within
// Monte-Carlo error (different random draws: a fraction of the spread).
void ExpectBootstrapMatchesScipy(const SloCheck& c,
                                 const std::vector<double>& values,
                                 const std::string& statistic,
                                 const std::string& method) {
  const std::string why = stats::testing::ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  auto ref = stats::testing::RunReference(
      {"onesample", WriteColumn(values, "slo.csv"), statistic,
       fmt::format("{:.17g}", 1 - 2 * c.level), "10000", "1", method});
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  const double se = (*ref)["se"].get<double>();
  EXPECT_NEAR(c.estimate, (*ref)["estimate"].get<double>(), 1e-9);
  EXPECT_NEAR(c.lo, (*ref)["ci"][0].get<double>(), 0.2 * se);
  EXPECT_NEAR(c.hi, (*ref)["ci"][1].get<double>(), 0.2 * se);
}

TEST(SloTest, MeanMetMissedAndInconclusiveByClusterBootstrap) {
  const json slo = {{"figure", "mean"}, {"min", 0.9}};
  struct Case {
    std::function<double(int)> value;
    SloStatus want;
  };
  const Case cases[] = {
      {[](int i) { return 0.94 + 0.01 * (i % 7); }, SloStatus::kMet},
      {[](int i) { return 0.70 + 0.03 * (i % 7); }, SloStatus::kMissed},
      {[](int i) { return 0.8 + 0.2 * ((i * 37) % 100) / 100.0; },
       SloStatus::kInconclusive},
  };
  for (const Case& k : cases) {
    std::vector<double> values;
    for (int i = 0; i < 200; ++i) values.push_back(k.value(i));
    Outcome o = Gate(Scores(200, k.value), WithSlo(slo));
    EXPECT_EQ(o.check.method, "cluster-bootstrap-bca");
    EXPECT_EQ(SloStatusName(o.check.status), SloStatusName(k.want));
    ExpectBootstrapMatchesScipy(o.check, values, "mean", "BCa");
  }
}

// Issue 16: a 20-item slice at 96% against a 95% SLO is inconclusive, not
// met (a point-estimate threshold would call it met).
TEST(SloTest, TwentyItemSliceAtNinetySixPercentIsInconclusive) {
  auto runs = Scores(
      200, [](int i) { return i < 20 ? (i % 5 == 0 ? 0.8 : 1.0) : 0.97; },
      [](int i) { return i < 20 ? "receipt" : "letter"; });
  Outcome o = Gate(runs, WithSlo({{"figure", "mean"},
                                  {"slice", {{"form", "receipt"}}},
                                  {"min", 0.95}},
                                 /*min_n=*/10));
  EXPECT_EQ(o.check.key, "form");
  EXPECT_EQ(o.check.n, 20);
  EXPECT_NEAR(o.check.estimate, 0.96, 1e-12);
  EXPECT_LT(o.check.lo, 0.95);
  EXPECT_GT(o.check.hi, 0.95);
  EXPECT_EQ(o.check.status, SloStatus::kInconclusive);
  EXPECT_EQ(o.result.verdict, Verdict::kInconclusive);
  EXPECT_GT(o.check.items_needed, 20);
  // The same slice as a rate (19 of 20 valid, 95%... 24 of 25 = 96%).
  auto rate = Runs(
      25, [](int i, ItemResult* r) { r->response->schema_valid = i != 0; });
  Outcome ro = Gate(rate, WithSlo({{"figure", "schema_valid"}, {"min", 0.95}}));
  EXPECT_NEAR(ro.check.estimate, 0.96, 1e-12);
  EXPECT_EQ(ro.check.status, SloStatus::kInconclusive);
  ExpectRateMatchesScipy(ro.check);
}

SynthRuns Latencies(int n, const std::function<double(int)>& ms) {
  return Runs(n,
              [&](int i, ItemResult* r) { r->response->latency_ms = ms(i); });
}

TEST(SloTest, LatencyPercentilesByClusterBootstrap) {
  struct Case {
    std::string figure;
    double max;
    std::function<double(int)> ms;
    SloStatus want;
    std::string statistic;
  };
  // 400 items: 500 + 2i ms spans 500..1298 ms.
  auto spread = [](int i) { return 500.0 + 2 * ((i * 37) % 400); };
  const Case cases[] = {
      {"latency_p50", 1000, [&](int i) { return spread(i) - 200; },
       SloStatus::kMet, "p50"},
      {"latency_p95", 1000, spread, SloStatus::kMissed, "p95"},
      {"latency_p99", 1290, spread, SloStatus::kInconclusive, "p99"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.figure);
    std::vector<double> values;
    for (int i = 0; i < 400; ++i) values.push_back(k.ms(i));
    Outcome o = Gate(Latencies(400, k.ms),
                     WithSlo({{"figure", k.figure}, {"max", k.max}}));
    EXPECT_EQ(o.check.method, "cluster-bootstrap-percentile");
    EXPECT_EQ(SloStatusName(o.check.status), SloStatusName(k.want));
    ExpectBootstrapMatchesScipy(o.check, values, k.statistic, "percentile");
  }
}

// Clusters: a group's items are resampled together, so a group of slow
// items widens the interval beyond the one of independent items.
TEST(SloTest, LatencyBoundsClusterOnGroup) {
  auto ms = [](int i) { return i % 20 < 2 ? 3000.0 : 500.0 + i; };
  auto flat = Latencies(400, ms);
  auto grouped = Latencies(400, ms);  // RunData is move-only
  for (RunData* d : {&grouped.baseline, &grouped.candidate}) {
    for (int i = 0; i < 400; ++i)
      d->items[i].item.group = fmt::format("g{}", i % 20 < 2 ? 0 : i);
  }
  testing::SyncRows(&grouped);
  const Policy p = WithSlo({{"figure", "latency_p95"}, {"max", 5000}});
  const SloCheck a = Gate(flat, p).check, b = Gate(grouped, p).check;
  EXPECT_EQ(a.estimate, b.estimate);
  EXPECT_GT(b.hi - b.lo, a.hi - a.lo);
}

TEST(SloTest, CostPerQueryAndPerCorrectAnswer) {
  struct Case {
    json slo;
    std::function<void(int, ItemResult*)> shape;
    SloStatus want;
  };
  auto cost = [](double usd) {
    return [=](int i, ItemResult* r) {
      r->response->cost_usd = usd * (0.5 + (i % 11) / 10.0);
    };
  };
  const Case cases[] = {
      {{{"figure", "cost_per_query"}, {"max", 0.001}},
       cost(0.0005),
       SloStatus::kMet},
      {{{"figure", "cost_per_query"}, {"max", 0.001}},
       cost(0.002),
       SloStatus::kMissed},
      {{{"figure", "cost_per_query"}, {"max", 0.001}},
       cost(0.001),
       SloStatus::kInconclusive},
      // Half the answers wrong: a dollar per query is two per correct one.
      {{{"figure", "cost_per_correct"}, {"max", 0.003}},
       [&](int i, ItemResult* r) {
         cost(0.001)(i, r);
         Score(r, i % 2);
       },
       SloStatus::kMet},
      {{{"figure", "cost_per_correct"}, {"max", 0.0015}},
       [&](int i, ItemResult* r) {
         cost(0.001)(i, r);
         Score(r, i % 2);
       },
       SloStatus::kMissed},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.slo.dump());
    Outcome o = Gate(Runs(400, k.shape), WithSlo(k.slo));
    EXPECT_EQ(SloStatusName(o.check.status), SloStatusName(k.want))
        << o.check.estimate << " " << o.check.lo << ".." << o.check.hi;
  }
  // Without a price for the model nothing measures cost: an SLO naming the
  // suite is inconclusive, one over all suites is skipped.
  Policy p = WithSlo({{"figure", "cost_per_query"}, {"max", 1}});
  p.prices.clear();
  auto r =
      Evaluate(Runs(50, cost(1)).baseline, Runs(50, cost(1)).candidate, p, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->suites[0].slos.empty());
  p = WithSlo({{"figure", "cost_per_query"}, {"suite", "qa"}, {"max", 1}});
  p.prices.clear();
  Outcome o = Gate(Runs(50, cost(1)), p);
  EXPECT_EQ(o.check.status, SloStatus::kNoData);
  EXPECT_EQ(o.result.verdict, Verdict::kInconclusive);
  EXPECT_NE(o.check.reasons[0].find("no price for model 'cand-model'"),
            std::string::npos);
}

// SLO tests and regression tests share one weighted-Holm family: each SLO
// check spends weights.slo, and a regression stratum's level shrinks.
TEST(SloTest, SloChecksJoinTheRegressionFamily) {
  auto runs = Runs(100, [](int, ItemResult* r) { r->response->flaky = false; });
  auto none = Evaluate(runs.baseline, runs.candidate, Policy{}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_DOUBLE_EQ(none->suites[0].total.level, 0.05);
  Policy p = WithSlo({{"figure", "flaky_rate"}, {"max", 0.5}});
  p.slos.push_back(p.slos[0]);
  p.weights.slo = 2.5;
  auto two = Evaluate(runs.baseline, runs.candidate, p, {});
  ASSERT_TRUE(two.ok());
  EXPECT_DOUBLE_EQ(two->suites[0].total.level, 0.025);
  EXPECT_DOUBLE_EQ(two->suites[0].slos[0].level, 0.0125);
}

// Issue 16: gate-then-rank over three candidates, where the cheapest misses
// the hallucination SLO: it is dropped with its reason, and the ranking is
// of the other two (by cost, as the policy says).
TEST(SloTest, GateThenRankDropsTheCheapCandidateThatMissesAnSlo) {
  // 600 abstain items; `hallucinated` of them answered; `usd` per query.
  auto run = [](const std::string& id, int hallucinated, double usd) {
    SynthRuns r = Runs(600, [&](int i, ItemResult* x) {
      Answer(x, true, i >= hallucinated);
      x->response->cost_usd = usd;
    });
    r.candidate.run.run_id = id;
    r.candidate.run.model = id;
    return r;
  };
  const SynthRuns base = run("base", 0, 0.002);
  const SynthRuns cands[] = {run("cheap", 30, 0.0005), run("mid", 0, 0.001),
                             run("dear", 0, 0.003)};
  Policy p = WithSlo({{"figure", "hallucination"}, {"max", 0.01}});
  p.rank = {"cost", "quality", "latency"};
  for (const char* m : {"cheap", "mid", "dear"}) p.prices[m] = {1, 1};
  GateOutcome o;
  for (const SynthRuns& c : cands) {
    auto r = Evaluate(base.baseline, c.candidate, p, {});
    ASSERT_TRUE(r.ok()) << r.status().message();
    o.results.push_back(*r);
  }
  o.ranking = Rank(o.results, p);
  o.verdict = OverallVerdict(o.results);
  EXPECT_EQ(o.verdict, Verdict::kPass);
  ASSERT_EQ(o.ranking, (std::vector<size_t>{1, 2}));  // mid, then dear
  const auto table = RankingTable(o.results, o.ranking);
  ASSERT_EQ(table.size(), 3u);
  EXPECT_EQ(table[0].candidate, "mid");
  EXPECT_EQ(table[0].rank, 1);
  EXPECT_EQ(table[1].candidate, "dear");
  EXPECT_EQ(table[2].candidate, "cheap");
  EXPECT_EQ(table[2].rank, 0);
  EXPECT_EQ(table[2].dropped, "misses SLO");
  ASSERT_EQ(table[2].why.size(), 1u);
  EXPECT_EQ(table[2].why[0], "qa: hallucination <= 0.01 (estimate 0.05)");
  EXPECT_NEAR(table[2].cost, 0.0005, 1e-12);  // the cheapest, and out
  const json j = report::OutcomeJson(o);
  EXPECT_EQ(j["ranking"], json::array({"mid", "dear"}));
  EXPECT_EQ(j["ranking_table"][2]["dropped"], "misses SLO");
  EXPECT_EQ(j["ranking_table"][2]["rank"], nullptr);
  const std::string terminal = report::RenderVerdictTerminal(o);
  EXPECT_NE(terminal.find("dropped: misses SLO"), std::string::npos)
      << terminal;
  EXPECT_NE(report::RenderVerdictMarkdown(o).find(
                "| `cheap` | dropped: misses SLO |"),
            std::string::npos);
}

TEST(SloPolicyTest, ParsesScopesAndNamesTheFieldOfABadEntry) {
  auto p = ParsePolicy(json::parse(R"({"slo": [
        {"figure": "latency_p95", "modality": "audio", "max": 2000},
        {"figure": "mean", "metric": "anls", "suite": "docs",
         "slice": {"form": "receipt"}, "min": 0.9},
        {"figure": "hallucination", "type": "object", "max": 0.01}]})"),
                       "gate");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->slos.size(), 3u);
  EXPECT_EQ(p->slos[0].modality, "audio");
  EXPECT_FALSE(p->slos[1].at_most);
  EXPECT_EQ(p->slos[1].slice_value, "receipt");
  EXPECT_EQ(p->slos[2].Describe(), "hallucination[object] <= 0.01");
  const std::pair<const char*, const char*> bad[] = {
      {R"({"figure": "latency", "max": 1})", "gate.slo.0.figure: unknown"},
      {R"({"figure": "mean", "min": 0.9, "max": 1})",
       "gate.slo.0.min: give one of min or max"},
      {R"({"figure": "error_rate", "max": 2})", "gate.slo.0.max: error_rate"},
      {R"({"figure": "mean", "min": 0.9, "suit": "x"})", "gate.slo.0.suit:"},
      {R"({"figure": "mean"})", "gate.slo.0: an SLO needs min: or max:"},
      {R"({"figure": "schema_valid", "metric": "x", "min": 1})",
       "gate.slo.0.metric: metric applies"},
      {R"({"figure": "degradation", "suite": "x", "max": 0.1})",
       "gate.slo.0.suite:"},
  };
  for (const auto& [entry, want] : bad) {
    auto q =
        ParsePolicy(json{{"slo", json::array({json::parse(entry)})}}, "gate");
    ASSERT_FALSE(q.ok()) << entry;
    EXPECT_EQ(q.status().message().rfind(want, 0), 0u) << q.status().message();
  }
}

// The robustness rule is the degradation SLO: both spellings are one policy.
TEST(SloPolicyTest, DegradationSloIsTheRobustnessRule) {
  auto a = ParsePolicy(
      json::parse(R"({"robustness": {"max_degradation": 0.1}})"), "gate");
  auto b = ParsePolicy(
      json::parse(R"({"slo": [{"figure": "degradation", "max": 0.1}]})"),
      "gate");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*b->defaults.max_degradation, 0.1);
  EXPECT_EQ(a->Hash(), b->Hash());
  auto c = ParsePolicy(json::parse(R"({"modalities": {"audio": {"margin": 0.1}},
      "slo": [{"figure": "degradation", "modality": "audio", "max": 0.2}]})"),
                       "gate");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->defaults.max_degradation.has_value());
  EXPECT_EQ(*c->modalities["audio"].max_degradation, 0.2);
  EXPECT_EQ(c->modalities["audio"].margin, 0.1);
}

}  // namespace
}  // namespace mmgate::gate
