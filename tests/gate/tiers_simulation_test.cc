// The capability cliff by simulation, with fixed seeds: a candidate that got
// worse on hard items is blocked by `hard_tail` when the tiers are out of
// sample (independent history, or cross-fit on the baseline), and never when
// the tiers are the baseline's own failures (the old behaviour).
#include <gtest/gtest.h>

#include <random>

#include "gate/gate.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

using testing::MakeRuns;
using testing::SynthItem;

constexpr int kItems = 1000;
constexpr int kSims = 200;

// Items of five kinds; k0 and k1 are hard (pass rate 0.5), the rest easy
// (0.95). The candidate re-draws 5% of items and, on hard items, loses a
// fifth of its passes (a 10-point drop). `other` gets the outcomes of
// `other_runs` independent runs of another model.
std::vector<SynthItem> Simulate(std::mt19937_64& rng, History* other,
                                int other_runs) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<SynthItem> items;
  for (int i = 0; i < kItems; ++i) {
    SynthItem it;
    it.suite = "charts";
    it.id = "c" + std::to_string(i);
    int kind = i % 5;
    it.slices = {{"kind", "k" + std::to_string(kind)}};
    double p = kind < 2 ? 0.5 : 0.95;
    bool base = u(rng) < p;
    bool cand = u(rng) < 0.05 ? u(rng) < p : base;
    if (kind < 2 && cand && u(rng) < 0.2) cand = false;
    it.base = base;
    it.cand = cand;
    auto& [seen, fails] = (*other)[{it.suite, it.id, "h:charts/" + it.id}];
    for (int r = 0; r < other_runs; ++r) {
      ++seen;
      fails += u(rng) >= p;
    }
    items.push_back(it);
  }
  return items;
}

// The baseline's own outcomes as history: what tiers came from before.
History OwnHistory(const std::vector<SynthItem>& items) {
  History h;
  for (const SynthItem& it : items)
    h[{it.suite, it.id, "h:charts/" + it.id}] = {1, it.base == 0};
  return h;
}

Verdict HardTier(const GateResult& r) {
  for (const Stratum& s : r.suites[0].difficulty) {
    if (s.value == "hard") return s.verdict;
  }
  return Verdict::kPass;
}

TEST(TiersSimulationTest, PlantedHardTierRegressionBlocksOutOfSample) {
  std::mt19937_64 rng(17);
  Policy policy;
  policy.hard_tail_max_drop = 0.05;
  int from_history = 0, cross_fit = 0, own_failures = 0;
  for (int s = 0; s < kSims; ++s) {
    History other;
    auto items = Simulate(rng, &other, 3);
    auto runs = MakeRuns(items);
    auto h = Evaluate(runs.baseline, runs.candidate, policy, other);
    auto c = Evaluate(runs.baseline, runs.candidate, policy, {});
    auto o = Evaluate(runs.baseline, runs.candidate, policy, OwnHistory(items));
    ASSERT_TRUE(h.ok() && c.ok() && o.ok());
    ASSERT_EQ(h->suites[0].residual.source, "history (3 other runs)");
    ASSERT_EQ(c->suites[0].residual.source, "cross-fit (5 folds)");
    from_history += HardTier(*h) == Verdict::kBlock;
    cross_fit += HardTier(*c) == Verdict::kBlock;
    own_failures += HardTier(*o) == Verdict::kBlock;
  }
  EXPECT_GE(from_history, kSims * 9 / 10) << from_history << " of " << kSims;
  EXPECT_GE(cross_fit, kSims * 9 / 10) << cross_fit << " of " << kSims;
  // On its own failures the baseline scored 0: the candidate can only do
  // better there, so that tier could never block.
  EXPECT_EQ(own_failures, 0);
}

}  // namespace
}  // namespace mmgate::gate
