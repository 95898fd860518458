// The flip matrix counted by hand: decisions folded (trimmed, case), the
// same pair in several strata and groups, and more distinct decisions than
// the analyzer keeps its per-cell shortcut for (the matrix map alone).
#include "backfill/flips.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "backfill/sample.h"

namespace mmgate::backfill {
namespace {

Replayed Decision(int i, const std::string& category, const std::string& old_d,
                  const std::string& new_d) {
  Replayed r;
  r.trace_id = "t-" + std::to_string(i);
  r.created_ms = (i % 3) * kWeekMs;  // three strata per category
  r.category = category;
  r.modality = "text";
  r.slices = {{"region", i % 2 ? "eu" : "us"}};
  r.old_decision = old_d;
  r.new_decision = new_d;
  return r;
}

// Per group ("dimension=value"), the matrix as old -> new -> count.
using Matrices =
    std::map<std::string, std::map<std::pair<std::string, std::string>, int>>;

Matrices MatricesOf(const FlipReport& rep) {
  Matrices out;
  for (const GroupFlips& g : rep.groups)
    for (const MatrixCell& c : g.matrix)
      out[g.dimension + "=" + g.value][{c.old_decision, c.new_decision}] +=
          static_cast<int>(c.n);
  return out;
}

TEST(FlipMatrix, FoldsDecisionsAndCountsEachPairPerGroup) {
  FlipAnalyzer a({}, 1, {});
  int i = 0;
  for (int k = 0; k < 6; ++k) a.Add(Decision(i++, "refund", "approve", "deny"));
  for (int k = 0; k < 4; ++k)
    a.Add(Decision(i++, "refund", " Approve ", "APPROVE"));
  for (int k = 0; k < 5; ++k) a.Add(Decision(i++, "fraud", "deny", "deny"));
  std::map<StratumKey, int64_t> pop;
  for (int h = 0; h < 3; ++h) {
    pop[{"refund", h}] = 100;
    pop[{"fraud", h}] = 100;
  }
  a.SetPopulation(pop);
  Matrices m = MatricesOf(a.Finish());
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ((m["all="]), (std::map<P, int>{{{"approve", "deny"}, 6},
                                           {{"approve", "approve"}, 4},
                                           {{"deny", "deny"}, 5}}));
  EXPECT_EQ((m["category=fraud"]), (std::map<P, int>{{{"deny", "deny"}, 5}}));
  EXPECT_EQ((m["slice:region=eu"][{"approve", "deny"}]), 3);
  EXPECT_EQ((m["slice:region=us"][{"approve", "deny"}]), 3);
}

TEST(FlipMatrix, ManyDistinctDecisionsAreCountedToo) {
  // 20 decisions: pairs among the first few take the per-cell shortcut,
  // the others the map; both must add up.
  FlipAnalyzer a({}, 1, {});
  std::map<std::pair<std::string, std::string>, int> want;
  int i = 0;
  for (int round = 0; round < 3; ++round)
    for (int o = 0; o < 20; ++o)
      for (int n = 0; n < 20; n += 3) {
        const std::string od = "d" + std::to_string(o);
        const std::string nd = "d" + std::to_string((o + n) % 20);
        a.Add(Decision(i++, o % 2 ? "refund" : "fraud", od, nd));
        ++want[{od, nd}];
      }
  std::map<StratumKey, int64_t> pop;
  for (int h = 0; h < 3; ++h) {
    pop[{"refund", h}] = 1000;
    pop[{"fraud", h}] = 1000;
  }
  a.SetPopulation(pop);
  Matrices m = MatricesOf(a.Finish());
  EXPECT_EQ(m["all="], want);
  int eu = 0, us = 0;
  for (const auto& [p, c] : m["slice:region=eu"]) eu += c;
  for (const auto& [p, c] : m["slice:region=us"]) us += c;
  EXPECT_EQ(eu + us, i);
}

}  // namespace
}  // namespace mmgate::backfill
