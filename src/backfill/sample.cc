#include "backfill/sample.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/hash.h"

namespace mmgate::backfill {
namespace {

constexpr double kZ95 = 1.959963984540054;

// A stable draw order inside a stratum: the seeded hash of the trace id.
uint64_t DrawKey(uint64_t seed, const std::string& id) {
  const std::string hex = Sha256Hex(std::to_string(seed) + ":" + id);
  return std::stoull(hex.substr(0, 16), nullptr, 16);
}

// Proportional allocation with at least min(2, N_h) per stratum, the rest by
// largest remainder.
std::vector<int64_t> Allocate(const std::vector<int64_t>& sizes, int64_t n,
                              int64_t total) {
  std::vector<int64_t> alloc(sizes.size());
  int64_t left = n;
  for (size_t h = 0; h < sizes.size(); ++h) {
    alloc[h] = std::min<int64_t>(2, sizes[h]);
    left -= alloc[h];
  }
  if (left <= 0) return alloc;
  std::vector<std::pair<double, size_t>> rem;
  int64_t given = 0;
  for (size_t h = 0; h < sizes.size(); ++h) {
    const double want = static_cast<double>(n) * sizes[h] / total;
    const int64_t extra = std::clamp<int64_t>(
        static_cast<int64_t>(want) - alloc[h], 0, sizes[h] - alloc[h]);
    alloc[h] += extra;
    given += extra;
    rem.push_back({want - std::floor(want), h});
  }
  left -= given;
  std::sort(rem.begin(), rem.end(), std::greater<>());
  for (bool progress = true; left > 0 && progress;) {
    progress = false;
    for (const auto& [r, h] : rem) {
      if (left == 0) break;
      if (alloc[h] < sizes[h]) {
        ++alloc[h];
        --left;
        progress = true;
      }
    }
  }
  return alloc;
}

}  // namespace

int64_t WeekOf(int64_t ms) {
  return ms >= 0 ? ms / kWeekMs : -((-ms + kWeekMs - 1) / kWeekMs);
}

Sample DrawSample(const std::vector<store::TraceRecord>& history, int64_t n,
                  uint64_t seed) {
  std::map<StratumKey, std::vector<size_t>> members;
  for (size_t i = 0; i < history.size(); ++i)
    members[{history[i].category, WeekOf(history[i].created_ms)}].push_back(i);
  Sample s;
  s.population = static_cast<int64_t>(history.size());
  const bool all = n <= 0 || n >= s.population;
  std::vector<int64_t> sizes;
  for (const auto& [key, idx] : members)
    sizes.push_back(static_cast<int64_t>(idx.size()));
  std::vector<int64_t> alloc = all ? sizes : Allocate(sizes, n, s.population);
  std::vector<size_t> chosen;
  size_t h = 0;
  for (auto& [key, idx] : members) {
    if (alloc[h] < static_cast<int64_t>(idx.size())) {
      std::vector<std::pair<uint64_t, size_t>> order;
      for (size_t i : idx)
        order.push_back({DrawKey(seed, history[i].trace_id), i});
      std::partial_sort(order.begin(), order.begin() + alloc[h], order.end());
      for (int64_t k = 0; k < alloc[h]; ++k) chosen.push_back(order[k].second);
    } else {
      chosen.insert(chosen.end(), idx.begin(), idx.end());
    }
    s.strata.push_back({key, sizes[h], alloc[h]});
    ++h;
  }
  std::sort(chosen.begin(), chosen.end());
  for (size_t i : chosen) s.trace_ids.push_back(history[i].trace_id);
  return s;
}

double HalfWidth(int64_t n, int64_t population, double p) {
  if (n <= 0) return 1;
  if (population <= 0 || n >= population) return 0;
  const double fpc = 1.0 - static_cast<double>(n) / population;
  return kZ95 * std::sqrt(p * (1 - p) / n * fpc);
}

int64_t SampleSizeFor(double precision, int64_t population, double p) {
  int64_t lo = 1, hi = population;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (HalfWidth(mid, population, p) <= precision)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

}  // namespace mmgate::backfill
