// Benchmarks of the gate's statistics: the paired cluster bootstrap at the
// issue's size (10,000 resamples over 100,000 items) and a whole statistics
// pass over 1,000,000 paired items (1 suite x 20 slice values). Wall time is
// the figure; the CPU column is the whole process's (all threads), which
// shows the work done when other load shares the cores.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "stats/bootstrap.h"
#include "stats/multiple.h"
#include "stats/paired.h"
#include "stats/power.h"
#include "stats/resample.h"
#include "stats/rng.h"

namespace mmgate::stats {
namespace {

double Uniform(SplitMix64& rng) {
  return static_cast<double>(rng.Next() >> 11) * 0x1.0p-53;
}

// 100,000 items of a mean metric, one per cluster.
const std::vector<PairedSums>& MeanItems() {
  static const std::vector<PairedSums> data = [] {
    SplitMix64 rng(1);
    std::vector<PairedSums> out;
    for (int i = 0; i < 100000; ++i) {
      const double base = Uniform(rng);
      const double cand = std::min(1.0, base + 0.05 * Uniform(rng));
      out.push_back({base, 1, cand, 1});
    }
    return out;
  }();
  return data;
}

// 100,000 WER-like items in 20,000 groups of 5, summed per group.
const std::vector<PairedSums>& WerGroups() {
  static const std::vector<PairedSums> data = [] {
    SplitMix64 rng(2);
    std::vector<PairedSums> out(20000);
    for (int i = 0; i < 100000; ++i) {
      PairedSums& g = out[i / 5];
      const double words = 5 + static_cast<double>(rng.Next() % 20);
      g.base_num += std::floor(words * 0.3 * Uniform(rng));
      g.cand_num += std::floor(words * 0.28 * Uniform(rng));
      g.base_den += words;
      g.cand_den += words;
    }
    return out;
  }();
  return data;
}

void Bootstrap(benchmark::State& state, const std::vector<PairedSums>& data) {
  BootstrapOptions options;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto r = PairedBootstrap(data, options);
    benchmark::DoNotOptimize(r);
  }
  state.counters["draws/s"] = benchmark::Counter(
      static_cast<double>(data.size()) * static_cast<double>(options.resamples),
      benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Bootstrap100kItems(benchmark::State& state) {
  Bootstrap(state, MeanItems());
}
void BM_Bootstrap100kItemsIn20kGroups(benchmark::State& state) {
  Bootstrap(state, WerGroups());
}
// Arg: worker threads (0 = one per core).
BENCHMARK(BM_Bootstrap100kItems)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_Bootstrap100kItemsIn20kGroups)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// 50,000 binary items in 10,000 groups of 1 to 9 (mean 5), summed per group:
// a slice of a binary suite with perturbation groups, the strata the gate
// bootstraps most. Few distinct (difference, size) values.
const std::vector<PairedSums>& BinaryGroups() {
  static const std::vector<PairedSums> data = [] {
    SplitMix64 rng(4);
    std::vector<PairedSums> out(10000);
    for (PairedSums& g : out) {
      const double size = 1 + static_cast<double>(rng.Next() % 9);
      const double rate = Uniform(rng);
      for (int i = 0; i < size; ++i) {
        const bool base = Uniform(rng) < rate;
        g.base_num += base;
        g.cand_num += Uniform(rng) < 0.05 ? Uniform(rng) < rate : base;
      }
      g.base_den = g.cand_den = size;
    }
    return out;
  }();
  return data;
}

// 10,000 resamples, one thread, side by side: Arg 0 draws 10,000 cluster
// indices per replicate (the AVX2 kernel), Arg 1 counts draws per distinct
// value (what Kernel::kAuto picks for this data).
void BM_Resample10kBinaryGroups(benchmark::State& state) {
  const Kernel kernel = state.range(0) == 0 ? Kernel::kAvx2 : Kernel::kCounts;
  std::vector<double> replicates;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ResampleClusters(BinaryGroups(), 1, 10000, 1, 1, &replicates, kernel));
  }
}
BENCHMARK(BM_Resample10kBinaryGroups)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

struct Item {
  uint32_t group = 0;  // the gate numbers groups once per suite
  int slice;
  bool base_pass;
  bool cand_pass;
  double words;
  double base_errors;
  double cand_errors;
};

// 1,000,000 paired items, 20 slice values; `group_size` variants per group
// (1: every item independent, the bootstrap's worst case).
std::vector<Item> GateItems(int group_size) {
  SplitMix64 rng(3);
  std::vector<Item> items;
  items.reserve(1000000);
  for (int i = 0; i < 1000000; ++i) {
    const int group = i / group_size;
    Item it;
    it.group = static_cast<uint32_t>(group);
    it.slice = group % 20;
    it.base_pass = Uniform(rng) < 0.8;
    it.cand_pass = Uniform(rng) < (it.base_pass ? 0.95 : 0.2);
    it.words = 5 + static_cast<double>(rng.Next() % 20);
    it.base_errors = std::floor(it.words * 0.3 * Uniform(rng));
    it.cand_errors = std::floor(it.words * 0.29 * Uniform(rng));
    items.push_back(std::move(it));
  }
  return items;
}

// Everything the gate computes per stratum (suite total and each slice
// value), from item records to Holm- and BH-adjusted p-values: counts and
// clusters, exact McNemar, Tango and Newcombe intervals, binary MDE, the
// bootstrap of the error rate (10,000 resamples, percentile and BCa) and its
// MDE.
void GatePass(benchmark::State& state, int group_size) {
  const std::vector<Item> items = GateItems(group_size);
  constexpr int kStrata = 21;
  for (auto _ : state) {
    std::vector<PairedCounts> counts(kStrata);
    std::vector<PairedClusters> clusters(kStrata);
    for (const Item& it : items) {
      const PairedSums sums{it.base_errors, it.words, it.cand_errors, it.words};
      for (int s : {0, 1 + it.slice}) {
        counts[s].Add(it.base_pass, it.cand_pass);
        if (!clusters[s].Add(it.group, sums).ok())
          state.SkipWithError("bad item");
      }
    }
    std::vector<double> p;
    for (int s = 0; s < kStrata; ++s) {
      auto mcnemar = McNemarExact(counts[s]);
      auto tango = TangoInterval(counts[s], 0.9);
      auto newcombe = NewcombeInterval(counts[s], 0.9);
      auto binary_mde =
          BinaryMinimumDetectableEffect(counts[s], 0.05 / kStrata, 0.8);
      BootstrapOptions options;
      options.seed = static_cast<uint64_t>(s);
      options.higher_is_better = false;
      auto boot = PairedBootstrap(clusters[s].Sorted(), options);
      if (!mcnemar.ok() || !tango.ok() || !newcombe.ok() || !binary_mde.ok() ||
          !boot.ok()) {
        state.SkipWithError("statistics failed");
        return;
      }
      auto mde =
          MinimumDetectableEffect(boot->standard_error, 0.05 / kStrata, 0.8);
      benchmark::DoNotOptimize(mde);
      p.push_back(mcnemar->p_worse);
      p.push_back(boot->p_worse);
    }
    auto holm = AdjustPValues(p, Adjustment::kHolm);
    auto bh = AdjustPValues(p, Adjustment::kBenjaminiHochberg);
    benchmark::DoNotOptimize(holm);
    benchmark::DoNotOptimize(bh);
  }
  state.counters["items"] = static_cast<double>(items.size());
}

void BM_GatePass1MItemsGroupsOf5(benchmark::State& state) {
  GatePass(state, 5);
}
void BM_GatePass1MItemsSingletons(benchmark::State& state) {
  GatePass(state, 1);
}
BENCHMARK(BM_GatePass1MItemsGroupsOf5)
    ->Unit(benchmark::kSecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_GatePass1MItemsSingletons)
    ->Unit(benchmark::kSecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace mmgate::stats

BENCHMARK_MAIN();
