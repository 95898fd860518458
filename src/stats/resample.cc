#include "stats/resample.h"

#include <immintrin.h>

#include <algorithm>
#include <boost/random/binomial_distribution.hpp>
#include <cmath>
#include <optional>

#include "common/parallel.h"
#include "stats/rng.h"

namespace mmgate::stats {
namespace {

// Resamples per block: each block owns its random streams, so this constant
// (not the thread count) fixes which draws make which replicate.
constexpr int64_t kBlock = 64;

// Clusters are cut into chunks that stay in L1 while a whole block of
// replicates draws from them: a replicate first splits its k draws among the
// chunks (multinomially, by conditional binomials), then draws inside each
// chunk. The same distribution as k uniform draws over all clusters, but the
// random reads hit cache instead of main memory. Every chunk holds a power of
// two of clusters (full 32 KiB ones, then the binary digits of the rest), so
// an index inside one is just the top bits of a uniform 16-bit value: four
// indices per 64-bit draw, exactly uniform, no division and no rejection.
constexpr size_t kChunkBytes = 32 * 1024;

// Clusters are stored flat, F doubles each, as few as the data allows, so
// more of them fit in a chunk and each draw loads less. Paired runs share
// references, so both denominators are usually equal per cluster (F = 2:
// numerator difference, denominator), and mean metrics share one denominator (F
// = 1: difference); otherwise F = 4 (base num, base den, cand num, cand den).
struct Chunk {
  uint32_t begin;  // first cluster
  int bits;        // holds 2^bits clusters
  double share;    // P(a draw lands here | not in an earlier chunk)
};

std::vector<Chunk> MakeChunks(uint32_t k, int fields) {
  int top = 0;
  while ((size_t{2} << top) * sizeof(double) * fields <= kChunkBytes) ++top;
  std::vector<Chunk> out;
  uint32_t b = 0;
  for (int bits = top; bits >= 0; --bits) {
    const uint32_t size = uint32_t{1} << bits;
    // Full chunks while they fit; below the top size, at most one each.
    while (k - b >= size) {
      out.push_back(
          {b, bits, static_cast<double>(size) / static_cast<double>(k - b)});
      b += size;
      if (bits < top) break;
    }
  }
  return out;
}

// One step of the four lanes gives 16 indices, t = 4 * lane + (16-bit
// field, low first), each the field's top `bits` bits. Draw number c goes to
// partial sum c % 8, and the eight are folded in one fixed order, so both
// kernels add the same numbers in the same order.
template <int F>
void Fold(const double (&acc)[F][8], double* sum) {
  for (int f = 0; f < F; ++f) {
    const double* a = acc[f];
    sum[f] += ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
  }
}

// Adds n clusters drawn uniformly from a chunk to sum[0, F).
template <int F>
void VisitScalar(const double* data, const Chunk& chunk, Xoshiro256x4& lanes,
                 int64_t n, double* sum) {
  double acc[F][8] = {};
  uint64_t x[4];
  for (int64_t c = 0; c < n;) {
    lanes.Next(x);
    for (int t = 0; t < 16 && c < n; ++t, ++c) {
      const uint32_t field =
          static_cast<uint32_t>(x[t / 4] >> (16 * (t % 4))) & 0xFFFF;
      const uint32_t index = field >> (16 - chunk.bits);
      for (int f = 0; f < F; ++f) acc[f][c % 8] += data[index * F + f];
    }
  }
  Fold<F>(acc, sum);
}

#define MMGATE_AVX2 __attribute__((target("avx2")))

MMGATE_AVX2 inline __m256i Rotl(__m256i x, int k) {
  return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

// The same xoshiro256** step as Xoshiro256x4::Next, on all lanes at once;
// x * 5 and x * 9 as shifts and adds (AVX2 has no 64-bit multiply).
MMGATE_AVX2 inline __m256i Step(__m256i s[4]) {
  const __m256i s1 = s[1];
  const __m256i times5 = _mm256_add_epi64(_mm256_slli_epi64(s1, 2), s1);
  const __m256i r = Rotl(times5, 7);
  const __m256i result = _mm256_add_epi64(_mm256_slli_epi64(r, 3), r);
  const __m256i t = _mm256_slli_epi64(s1, 17);
  s[2] = _mm256_xor_si256(s[2], s[0]);
  s[3] = _mm256_xor_si256(s[3], s[1]);
  s[1] = _mm256_xor_si256(s[1], s[2]);
  s[0] = _mm256_xor_si256(s[0], s[3]);
  s[2] = _mm256_xor_si256(s[2], t);
  s[3] = Rotl(s[3], 45);
  return result;
}

// The element offsets (index * F) of one step's 16 indices, widened to 64
// bits for addressing.
MMGATE_AVX2 inline void Offsets(__m256i s[4], __m128i shift, int scale,
                                int64_t out[16]) {
  const __m256i v = _mm256_slli_epi16(_mm256_srl_epi16(Step(s), shift), scale);
  const __m128i lo = _mm256_castsi256_si128(v);
  const __m128i hi = _mm256_extracti128_si256(v, 1);
  __m256i* o = reinterpret_cast<__m256i*>(out);
  _mm256_store_si256(o, _mm256_cvtepu16_epi64(lo));
  _mm256_store_si256(o + 1, _mm256_cvtepu16_epi64(_mm_srli_si128(lo, 8)));
  _mm256_store_si256(o + 2, _mm256_cvtepu16_epi64(hi));
  _mm256_store_si256(o + 3, _mm256_cvtepu16_epi64(_mm_srli_si128(hi, 8)));
}

// One cluster's F fields as a single load and add: gathers are slow on many
// x86 cores, plain loads of whole clusters are not.
template <int F>
struct Cell;
template <>
struct Cell<1> {
  using Vec = double;
  MMGATE_AVX2 static Vec Zero() { return 0; }
  MMGATE_AVX2 static Vec Add(Vec acc, const double* p) { return acc + *p; }
  MMGATE_AVX2 static void Spill(Vec v, double (&acc)[1][8], int j) {
    acc[0][j] = v;
  }
};
template <>
struct Cell<2> {
  using Vec = __m128d;
  MMGATE_AVX2 static Vec Zero() { return _mm_setzero_pd(); }
  MMGATE_AVX2 static Vec Add(Vec acc, const double* p) {
    return _mm_add_pd(acc, _mm_loadu_pd(p));
  }
  MMGATE_AVX2 static void Spill(Vec v, double (&acc)[2][8], int j) {
    alignas(16) double f[2];
    _mm_store_pd(f, v);
    acc[0][j] = f[0];
    acc[1][j] = f[1];
  }
};
template <>
struct Cell<4> {
  using Vec = __m256d;
  MMGATE_AVX2 static Vec Zero() { return _mm256_setzero_pd(); }
  MMGATE_AVX2 static Vec Add(Vec acc, const double* p) {
    return _mm256_add_pd(acc, _mm256_loadu_pd(p));
  }
  MMGATE_AVX2 static void Spill(Vec v, double (&acc)[4][8], int j) {
    alignas(32) double f[4];
    _mm256_store_pd(f, v);
    for (int i = 0; i < 4; ++i) acc[i][j] = f[i];
  }
};

template <int F>
MMGATE_AVX2 void VisitAvx2(const double* data, const Chunk& chunk,
                           Xoshiro256x4& lanes, int64_t n, double* sum) {
  constexpr int kScale = F == 1 ? 0 : F == 2 ? 1 : 2;
  __m256i s[4];
  for (int w = 0; w < 4; ++w) {
    s[w] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes.s[w]));
  }
  const __m128i shift = _mm_cvtsi32_si128(16 - chunk.bits);
  typename Cell<F>::Vec slot[8];
  for (auto& v : slot) v = Cell<F>::Zero();
  alignas(32) int64_t offset[16];
  int64_t c = 0;
  for (; c + 16 <= n; c += 16) {
    Offsets(s, shift, kScale, offset);
    // Fully unrolled so the eight sums stay in registers.
#pragma GCC unroll 16
    for (int t = 0; t < 16; ++t) {
      slot[t % 8] = Cell<F>::Add(slot[t % 8], data + offset[t]);
    }
  }
  if (c < n) {
    Offsets(s, shift, kScale, offset);
    for (int t = 0; c < n; ++t, ++c) {
      slot[t % 8] = Cell<F>::Add(slot[t % 8], data + offset[t]);
    }
  }
  for (int w = 0; w < 4; ++w) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes.s[w]), s[w]);
  }
  double acc[F][8];
  for (int j = 0; j < 8; ++j) Cell<F>::Spill(slot[j], acc, j);
  Fold<F>(acc, sum);
}

// Per-thread buffers, sized once, so filling a block allocates nothing.
struct Scratch {
  std::vector<int64_t> draws;  // [replicate][chunk]
  std::vector<double> sums;    // [replicate][field]
};

// The random streams of one block: one for the chunk counts, four lanes for
// the indices.
struct BlockStreams {
  Xoshiro256 counts;
  Xoshiro256 lanes[4];
};

// Fills out[0, count) from one block's streams.
template <int F, typename Finish>
void FillBlock(const std::vector<double>& cells,
               const std::vector<Chunk>& chunks, BlockStreams streams,
               bool avx2, const Finish& finish, double* out, int64_t count,
               Scratch* scratch) {
  const int64_t m = static_cast<int64_t>(chunks.size());
  const int64_t k = static_cast<int64_t>(cells.size()) / F;
  scratch->draws.resize(static_cast<size_t>(count * m));
  scratch->sums.assign(static_cast<size_t>(count * F), 0.0);
  int64_t* draws = scratch->draws.data();
  for (int64_t r = 0; r < count; ++r) {
    int64_t left = k;
    for (int64_t c = 0; c + 1 < m; ++c) {
      int64_t n = 0;
      if (left > 0) {
        n = boost::random::binomial_distribution<int64_t, double>(
            left, chunks[static_cast<size_t>(c)].share)(streams.counts);
      }
      draws[r * m + c] = n;
      left -= n;
    }
    draws[r * m + m - 1] = left;
  }
  Xoshiro256x4 lanes(streams.lanes);
  for (int64_t c = 0; c < m; ++c) {
    const Chunk& chunk = chunks[static_cast<size_t>(c)];
    const double* data = cells.data() + static_cast<size_t>(chunk.begin) * F;
    for (int64_t r = 0; r < count; ++r) {
      double* sum = scratch->sums.data() + r * F;
      if (avx2) {
        VisitAvx2<F>(data, chunk, lanes, draws[r * m + c], sum);
      } else {
        VisitScalar<F>(data, chunk, lanes, draws[r * m + c], sum);
      }
    }
  }
  for (int64_t r = 0; r < count; ++r)
    out[r] = finish(scratch->sums.data() + r * F);
}

// Runs `fill(streams, out, count, scratch)` over every block of kBlock
// replicates, on `threads` workers; block i owns the streams jumped 5i to
// 5i + 4 times from the seed's, so the output never depends on `threads`.
template <typename Fill>
void RunBlocks(int64_t resamples, uint64_t seed, int threads,
               std::vector<double>* replicates, const Fill& fill) {
  const int64_t blocks = (resamples + kBlock - 1) / kBlock;
  std::vector<BlockStreams> streams;
  streams.reserve(static_cast<size_t>(blocks));
  Xoshiro256 stream(seed);
  auto take = [&stream] {
    const Xoshiro256 s = stream;
    stream.Jump();
    return s;
  };
  for (int64_t i = 0; i < blocks; ++i) {
    BlockStreams b{take(), {take(), take(), take(), take()}};
    streams.push_back(b);
  }
  replicates->resize(static_cast<size_t>(resamples));
  const int workers = threads > 0 ? threads : CoreCount();
  std::vector<Scratch> scratch(static_cast<size_t>(
      std::clamp<int64_t>(workers, 1, std::max<int64_t>(blocks, 1))));
  ParallelFor(workers, static_cast<size_t>(blocks),
              [&](int worker, size_t block) {
                const int64_t first = static_cast<int64_t>(block) * kBlock;
                fill(streams[block], replicates->data() + first,
                     std::min(kBlock, resamples - first), &scratch[worker]);
              });
}

template <int F, typename Finish>
double Run(const std::vector<double>& cells, const Finish& finish,
           int64_t resamples, uint64_t seed, int threads, bool avx2,
           std::vector<double>* replicates) {
  const std::vector<Chunk> chunks =
      MakeChunks(static_cast<uint32_t>(cells.size() / F), F);
  RunBlocks(resamples, seed, threads, replicates,
            [&](const BlockStreams& streams, double* out, int64_t count,
                Scratch* scratch) {
              FillBlock<F>(cells, chunks, streams, avx2, finish, out, count,
                           scratch);
            });
  // The full-data statistic from the same packed cells, so with whole-number
  // data (counts, 0/1 scores) a replicate that reproduces the sample compares
  // exactly equal to it: ties matter for BCa's z0.
  double total[F] = {};
  for (size_t i = 0; i < cells.size(); ++i) total[i % F] += cells[i];
  return finish(total);
}

// The counts path, for clusters that take few distinct values (0/1 scores
// summed over small groups): a replicate's statistic depends only on how many
// of its k draws land on each value, and those counts are multinomial
// (k; n_v / k). Each frequent value gets its count by one conditional
// binomial; the rare values together are one more category, whose draws then
// pick uniformly among the rare clusters. That is exactly the distribution of
// k uniform draws, at about one binomial per frequent value plus one index per
// draw that lands on a rare cluster, instead of k index draws.
//
// Costs, in index draws of the kernels (under a nanosecond each): a binomial
// draw about kBinomialCost, an index into the rare clusters (scalar, with
// rejection) about kRareCost. A value is frequent when its own binomial is
// cheaper than drawing its clusters among the rare ones.
constexpr int64_t kBinomialCost = 64;
constexpr int64_t kRareCost = 2;

struct Values {
  std::vector<double> cells;    // F per frequent value
  std::vector<int64_t> counts;  // clusters holding each frequent value
  std::vector<double> shares;   // P(value | not an earlier one); last: rare
  std::vector<double> rare;     // F per rare cluster, in value order
};

// Sorts the clusters by value and splits the values into frequent and rare;
// none when that would cost more than the kernels' k draws (or a cell is not
// finite, which has no order). Frequent values are in ascending order but for
// the most frequent one, moved last: it takes what the others leave.
template <int F>
std::optional<Values> SplitValues(const std::vector<double>& cells,
                                  bool always) {
  const size_t k = cells.size() / F;
  if (!std::all_of(cells.begin(), cells.end(),
                   [](double x) { return std::isfinite(x); })) {
    return std::nullopt;
  }
  auto less = [&](uint32_t a, uint32_t b) {
    return std::lexicographical_compare(&cells[a * F], &cells[a * F] + F,
                                        &cells[b * F], &cells[b * F] + F);
  };
  std::vector<uint32_t> order(k);
  for (size_t i = 0; i < k; ++i) order[i] = static_cast<uint32_t>(i);
  std::sort(order.begin(), order.end(), less);
  Values v;
  std::vector<int64_t>& counts = v.counts;
  for (size_t i = 0, end; i < k; i = end) {
    end = i + 1;
    while (end < k && !less(order[i], order[end])) ++end;
    const double* cell = &cells[order[i] * F];
    const int64_t n = static_cast<int64_t>(end - i);
    if (n * kRareCost > kBinomialCost) {
      v.cells.insert(v.cells.end(), cell, cell + F);
      counts.push_back(n);
    } else {
      for (int64_t j = 0; j < n; ++j)
        v.rare.insert(v.rare.end(), cell, cell + F);
    }
  }
  const int64_t rare = static_cast<int64_t>(v.rare.size() / F);
  const int64_t cost =
      kBinomialCost * static_cast<int64_t>(counts.size()) + kRareCost * rare;
  if (counts.empty() || (!always && cost >= static_cast<int64_t>(k))) {
    return std::nullopt;
  }
  const size_t top = static_cast<size_t>(
      std::max_element(counts.begin(), counts.end()) - counts.begin());
  std::rotate(counts.begin() + top, counts.begin() + top + 1, counts.end());
  std::rotate(v.cells.begin() + top * F, v.cells.begin() + (top + 1) * F,
              v.cells.end());
  // Draw order: the frequent values but the last, the rare clusters, the last.
  int64_t left = static_cast<int64_t>(k);
  for (size_t c = 0; c + 1 < counts.size(); ++c) {
    v.shares.push_back(static_cast<double>(counts[c]) /
                       static_cast<double>(left));
    left -= counts[c];
  }
  v.shares.push_back(static_cast<double>(rare) / static_cast<double>(left));
  return v;
}

// Adds n clusters drawn uniformly from the rare ones to sum[0, F): each
// index from a 32-bit field of `stream` by Lemire's multiply-shift, the few
// fields that would make it uneven rejected, so it is exactly uniform.
template <int F>
void DrawRare(const Values& v, int64_t n, Xoshiro256& stream, double* sum) {
  const uint64_t size = v.rare.size() / F;
  const uint64_t reject = (uint64_t{1} << 32) % size;
  double acc[2][F] = {};
  int64_t drawn = 0;
  while (drawn < n) {
    const uint64_t x = stream.Next();
    for (const uint64_t field : {x >> 32, x & 0xFFFFFFFFu}) {
      const uint64_t product = field * size;
      if ((product & 0xFFFFFFFFu) < reject || drawn == n) continue;
      const double* cell = &v.rare[(product >> 32) * F];
      for (int f = 0; f < F; ++f) acc[drawn & 1][f] += cell[f];
      ++drawn;
    }
  }
  for (int f = 0; f < F; ++f) sum[f] += acc[0][f] + acc[1][f];
}

// One replicate's sums: each frequent value times its count, in draw order,
// then the rare draws.
template <int F>
void DrawCounts(const Values& v, int64_t k, BlockStreams& streams,
                double* sum) {
  const size_t m = v.cells.size() / F;
  int64_t left = k, rare = 0;
  auto binomial = [&](double share) {
    return left == 0 ? 0
                     : boost::random::binomial_distribution<int64_t, double>(
                           left, share)(streams.counts);
  };
  for (size_t c = 0; c + 1 < m; ++c) {
    const int64_t n = binomial(v.shares[c]);
    left -= n;
    for (int f = 0; f < F; ++f)
      sum[f] += static_cast<double>(n) * v.cells[c * F + f];
  }
  if (!v.rare.empty()) {
    rare = binomial(v.shares[m - 1]);
    left -= rare;
  }
  for (int f = 0; f < F; ++f)
    sum[f] += static_cast<double>(left) * v.cells[(m - 1) * F + f];
  if (rare > 0) DrawRare<F>(v, rare, streams.lanes[0], sum);
}

template <int F, typename Finish>
double RunCounts(const Values& v, int64_t k, const Finish& finish,
                 int64_t resamples, uint64_t seed, int threads,
                 std::vector<double>* replicates) {
  RunBlocks(resamples, seed, threads, replicates,
            [&](BlockStreams streams, double* out, int64_t count, Scratch*) {
              for (int64_t r = 0; r < count; ++r) {
                double sum[F] = {};
                DrawCounts<F>(v, k, streams, sum);
                out[r] = finish(sum);
              }
            });
  // The full-data statistic with the replicates' arithmetic, so with
  // whole-number data a replicate that reproduces the sample compares
  // exactly equal to it: ties matter for BCa's z0.
  double total[F] = {};
  for (size_t c = 0; c < v.counts.size(); ++c) {
    for (int f = 0; f < F; ++f)
      total[f] += static_cast<double>(v.counts[c]) * v.cells[c * F + f];
  }
  double rare[F] = {};
  for (size_t i = 0; i < v.rare.size(); ++i) rare[i % F] += v.rare[i];
  for (int f = 0; f < F; ++f) total[f] += rare[f];
  return finish(total);
}

template <int F, typename Finish>
double Resample(const std::vector<double>& cells, const Finish& finish,
                int64_t resamples, uint64_t seed, int threads, Kernel kernel,
                std::vector<double>* replicates) {
  const size_t k = cells.size() / F;
  if (kernel == Kernel::kAuto || kernel == Kernel::kCounts) {
    if (auto v = SplitValues<F>(cells, kernel == Kernel::kCounts)) {
      return RunCounts<F>(*v, static_cast<int64_t>(k), finish, resamples, seed,
                          threads, replicates);
    }
  }
  const bool avx2 =
      kernel == Kernel::kAvx2 || (kernel != Kernel::kScalar && HasAvx2());
  return Run<F>(cells, finish, resamples, seed, threads, avx2, replicates);
}

}  // namespace

bool HasAvx2() { return __builtin_cpu_supports("avx2"); }

double ResampleClusters(const std::vector<PairedSums>& clusters, double sign,
                        int64_t resamples, uint64_t seed, int threads,
                        std::vector<double>* replicates, Kernel kernel) {
  const bool same_den =
      std::all_of(clusters.begin(), clusters.end(),
                  [](const PairedSums& c) { return c.base_den == c.cand_den; });
  const double den0 = clusters.front().base_den;
  const bool one_den = same_den && std::all_of(clusters.begin(), clusters.end(),
                                               [&](const PairedSums& c) {
                                                 return c.base_den == den0;
                                               });
  std::vector<double> cells;
  if (one_den) {
    cells.reserve(clusters.size());
    for (const PairedSums& c : clusters)
      cells.push_back(c.cand_num - c.base_num);
    const double den = den0 * static_cast<double>(clusters.size());
    return Resample<1>(
        cells, [&](const double* s) { return sign * Ratio(s[0], den); },
        resamples, seed, threads, kernel, replicates);
  }
  if (same_den) {
    cells.reserve(2 * clusters.size());
    for (const PairedSums& c : clusters) {
      cells.push_back(c.cand_num - c.base_num);
      cells.push_back(c.base_den);
    }
    return Resample<2>(
        cells, [&](const double* s) { return sign * Ratio(s[0], s[1]); },
        resamples, seed, threads, kernel, replicates);
  }
  cells.reserve(4 * clusters.size());
  for (const PairedSums& c : clusters) {
    cells.insert(cells.end(), {c.base_num, c.base_den, c.cand_num, c.cand_den});
  }
  return Resample<4>(
      cells,
      [&](const double* s) {
        return PairedStatistic({s[0], s[1], s[2], s[3]}, sign);
      },
      resamples, seed, threads, kernel, replicates);
}

}  // namespace mmgate::stats
