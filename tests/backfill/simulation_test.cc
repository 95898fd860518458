// The flip-rate interval against histories whose every flip is known: 1,000
// simulated 13-week histories of five categories with different volumes
// and flip rates (that drift by week), a stratified sample of 400 of each
// 4,000, and the share of histories whose interval holds the history's true
// flip rate (overall and per category) and negative-flip rate.
#include <gtest/gtest.h>

#include <random>

#include "backfill/flips.h"
#include "backfill/sample.h"

namespace mmgate::backfill {
namespace {

struct Truth {
  std::map<std::string, std::pair<int64_t, int64_t>> by_cat;  // flips, n
  int64_t flips = 0, n = 0, neg = 0, gt = 0;
};

TEST(FlipSimulation, IntervalsCoverTheTrueRateAtNominal95) {
  const std::vector<std::string> cats = {"refund", "shipping", "account",
                                         "fraud", "damage"};
  const std::vector<double> volume = {0.4, 0.25, 0.2, 0.1, 0.05};
  const std::vector<double> rate = {0.08, 0.03, 0.05, 0.2, 0.12};
  const int kSims = 1000, kN = 4000, kSample = 400;
  int covered = 0, neg_covered = 0;
  std::map<std::string, int> cat_covered;
  for (int sim = 0; sim < kSims; ++sim) {
    std::mt19937_64 rng(1000 + sim);
    std::discrete_distribution<int> pick(volume.begin(), volume.end());
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<store::TraceRecord> history(kN);
    std::vector<Replayed> all(kN);
    Truth truth;
    for (int i = 0; i < kN; ++i) {
      const int c = pick(rng);
      const int week = static_cast<int>(u(rng) * 13);
      store::TraceRecord& t = history[i];
      t.trace_id = "t" + std::to_string(i);
      t.category = cats[c];
      t.created_ms = 1788220800000 + week * kWeekMs + 1000;
      Replayed& r = all[i];
      r.trace_id = t.trace_id;
      r.created_ms = t.created_ms;
      r.category = t.category;
      r.modality = "text";
      r.old_decision = u(rng) < 0.5 ? "approve" : "deny";
      const bool flip = u(rng) < rate[c] * (0.5 + week / 12.0);
      r.new_decision = flip ? (r.old_decision == "approve" ? "deny" : "approve")
                            : r.old_decision;
      if (u(rng) < 0.5) {
        r.ground_truth = u(rng) < 0.85 ? r.old_decision : *r.new_decision;
        ++truth.gt;
        truth.neg += flip && r.ground_truth == r.old_decision;
      }
      truth.flips += flip;
      ++truth.n;
      truth.by_cat[t.category].first += flip;
      ++truth.by_cat[t.category].second;
    }
    Sample s = DrawSample(history, kSample, 7 + sim);
    std::map<StratumKey, int64_t> pop;
    for (const Stratum& st : s.strata) pop[st.key] = st.population;
    FlipAnalyzer a(pop, s.period_weeks, {});
    std::set<std::string> drawn(s.trace_ids.begin(), s.trace_ids.end());
    for (const Replayed& r : all)
      if (drawn.count(r.trace_id)) a.Add(r);
    FlipReport rep = a.Finish();
    ASSERT_EQ(rep.answered, kSample);
    for (const GroupFlips& g : rep.groups) {
      if (g.dimension == "all") {
        const double p = static_cast<double>(truth.flips) / truth.n;
        covered += g.flip.lo <= p && p <= g.flip.hi;
        const double q = static_cast<double>(truth.neg) / truth.gt;
        neg_covered += g.negative_flip.lo <= q && q <= g.negative_flip.hi;
      } else if (g.dimension == "category") {
        const auto& [f, n] = truth.by_cat[g.value];
        const double p = static_cast<double>(f) / n;
        cat_covered[g.value] += g.flip.lo <= p && p <= g.flip.hi;
      }
    }
  }
  const double coverage = static_cast<double>(covered) / kSims;
  std::printf("coverage: all %.3f, negative flips %.3f", coverage,
              static_cast<double>(neg_covered) / kSims);
  for (const auto& [c, k] : cat_covered)
    std::printf(", %s %.3f", c.c_str(), static_cast<double>(k) / kSims);
  std::printf("\n");
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.985) << "intervals far wider than they need be";
  EXPECT_GE(static_cast<double>(neg_covered) / kSims, 0.93);
  for (const auto& [c, k] : cat_covered)
    EXPECT_GE(static_cast<double>(k) / kSims, 0.92) << c;
}

}  // namespace
}  // namespace mmgate::backfill
