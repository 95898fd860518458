// The gate over many paired items: one run of Evaluate() (pairing, strata,
// tests, Holm, decisions) on synthetic runs held in memory, so the figure is
// the gate's own cost, not the database's.
#include <benchmark/benchmark.h>

#include <random>

#include "gate/gate.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

using testing::MakeRuns;
using testing::SynthItem;
using testing::SynthRuns;

// n items over four suites, each with three slice keys of five values;
// `metric` exact (binary, McNemar) or anls (continuous, bootstrap).
SynthRuns Make(int64_t n, const std::string& metric) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<SynthItem> items;
  items.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    SynthItem it;
    it.suite = "suite" + std::to_string(i % 4);
    it.id = "i" + std::to_string(i);
    it.metric = metric;
    it.slices = {{"a", std::to_string(i % 5)},
                 {"b", std::to_string(i / 7 % 5)},
                 {"c", std::to_string(i / 13 % 5)}};
    it.base = metric == "exact" ? (u(rng) < 0.8) : u(rng);
    it.cand =
        u(rng) < 0.05 ? (metric == "exact" ? (u(rng) < 0.8) : u(rng)) : it.base;
    items.push_back(std::move(it));
  }
  return MakeRuns(items);
}

void BM_Gate(benchmark::State& state, const std::string& metric) {
  SynthRuns runs = Make(state.range(0), metric);
  Policy policy;
  for (auto _ : state) {
    auto r = Evaluate(runs.baseline, runs.candidate, policy, {});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK_CAPTURE(BM_Gate, binary, std::string("exact"))
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_Gate, continuous, std::string("anls"))
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace mmgate::gate

BENCHMARK_MAIN();
