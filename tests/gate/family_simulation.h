// The family-wise simulation of issue 17 (docs/gate.md): 2,000 `exact` items
// in one suite, ten slice keys of five values each (51 gated strata), the
// baseline passing 85% of items; the candidate re-draws a `churn` share of
// items from the same 0.85 and, on one slice value, loses passes so that
// value's accuracy drops by `drop`. Key k0's values hold exactly 423, 200,
// 459, 459 and 459 items; every other key splits the items 600/500/400/300/
// 200 at random, so its values overlap k0's (their true drop is a fifth of
// k0's, about one point).
#ifndef MMGATE_TESTS_GATE_FAMILY_SIMULATION_H_
#define MMGATE_TESTS_GATE_FAMILY_SIMULATION_H_

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "synth.h"

namespace mmgate::gate::testing {

constexpr int kItems = 2000;
constexpr int kKeys = 10;

// Each item's value of each key: fixed by `design_seed`, so every simulated
// pair of runs is over the same gold set.
inline std::vector<std::vector<std::string>> Design(uint64_t design_seed) {
  std::mt19937_64 rng(design_seed);
  std::vector<std::vector<std::string>> values(kItems,
                                               std::vector<std::string>(kKeys));
  for (int k = 0; k < kKeys; ++k) {
    std::vector<int> sizes = k == 0 ? std::vector<int>{423, 200, 459, 459, 459}
                                    : std::vector<int>{600, 500, 400, 300, 200};
    std::vector<int> order(kItems);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    size_t at = 0;
    for (size_t v = 0; v < sizes.size(); ++v) {
      for (int i = 0; i < sizes[v]; ++i)
        values[order[at++]][k] = "v" + std::to_string(v);
    }
  }
  return values;
}

// One pair of runs; `hit_value` of key k0 ("v0": 423 items, "v1": 200)
// loses `drop` accuracy, none when empty.
inline std::vector<SynthItem> SimulateFamily(
    std::mt19937_64& rng, const std::vector<std::vector<std::string>>& design,
    double churn, const std::string& hit_value, double drop) {
  std::uniform_real_distribution<double> u(0, 1);
  const double accuracy = 0.85;
  std::vector<SynthItem> items;
  items.reserve(design.size());
  for (size_t i = 0; i < design.size(); ++i) {
    SynthItem it;
    it.suite = "charts";
    it.id = "c" + std::to_string(i);
    for (int k = 0; k < kKeys; ++k)
      it.slices.push_back({"k" + std::to_string(k), design[i][k]});
    const bool base = u(rng) < accuracy;
    bool cand = u(rng) < churn ? u(rng) < accuracy : base;
    if (design[i][0] == hit_value && cand && u(rng) < drop / accuracy)
      cand = false;
    it.base = base;
    it.cand = cand;
    items.push_back(std::move(it));
  }
  return items;
}

}  // namespace mmgate::gate::testing

#endif  // MMGATE_TESTS_GATE_FAMILY_SIMULATION_H_
