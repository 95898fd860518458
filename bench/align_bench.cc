// Alignment speed: the sclite-weighted DP with the bit-parallel minimum edit
// distance per utterance, and the whole corpus scorer on a generated
// 100,000-utterance pair held in memory (file reading excluded).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "score/align.h"
#include "score/corpus.h"
#include "trn_generator.h"

namespace mmgate::score {
namespace {

void BM_AlignUtterance(benchmark::State& state) {
  const auto length = static_cast<size_t>(state.range(0));
  std::mt19937 rng(1);
  std::vector<uint32_t> ref(length);
  std::vector<uint32_t> hyp(length);
  for (size_t i = 0; i < length; ++i) {
    ref[i] = rng() % 500;
    hyp[i] = rng() % 10 < 8 ? ref[i] : rng() % 500;  // ~20% word errors
  }
  Aligner aligner;
  for (auto _ : state) benchmark::DoNotOptimize(aligner.Align(ref, hyp));
  state.counters["cells/s"] =
      benchmark::Counter(static_cast<double>(length * length),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AlignUtterance)
    ->Arg(8)
    ->Arg(16)
    ->Arg(32)
    ->Arg(64)
    ->Arg(128)
    ->Arg(512);

void BM_ScoreCorpus100k(benchmark::State& state) {
  const testing::TrnPair pair =
      testing::GenerateTrnPair({.seed = 20240601, .utterances = 100000});
  CorpusOptions options;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Result<CorpusResult> r =
        ScoreTrnTexts(pair.ref, "ref", pair.hyp, "hyp", options);
    benchmark::DoNotOptimize(r.ok());
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations()) *
      static_cast<int64_t>(pair.ref.size() + pair.hyp.size()));
}
BENCHMARK(BM_ScoreCorpus100k)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace mmgate::score
