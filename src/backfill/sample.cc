#include "backfill/sample.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/hash.h"

namespace mmgate::backfill {
namespace {

constexpr double kZ95 = 1.959963984540054;

}  // namespace

uint64_t DrawKey(uint64_t seed, const std::string& id) {
  const std::string hex = Sha256Hex(std::to_string(seed) + ":" + id);
  return std::stoull(hex.substr(0, 16), nullptr, 16);
}

std::vector<int64_t> Allocate(const std::vector<int64_t>& sizes, int64_t n) {
  std::vector<int64_t> alloc(sizes.size());
  int64_t left = n, spare = 0;
  for (size_t h = 0; h < sizes.size(); ++h) {
    alloc[h] = std::min<int64_t>(2, sizes[h]);
    left -= alloc[h];
    spare += sizes[h] - alloc[h];
  }
  if (left <= 0 || spare == 0) return alloc;
  std::vector<std::pair<double, size_t>> rem;
  for (size_t h = 0; h < sizes.size(); ++h) {
    const double want =
        static_cast<double>(left) * (sizes[h] - alloc[h]) / spare;
    const int64_t extra = static_cast<int64_t>(want);
    alloc[h] += extra;
    rem.push_back({want - static_cast<double>(extra), h});
  }
  int64_t given = 0;
  for (size_t h = 0; h < sizes.size(); ++h) given += alloc[h];
  std::sort(rem.begin(), rem.end(), std::greater<>());
  for (const auto& [r, h] : rem) {
    if (given >= n) break;
    if (alloc[h] < sizes[h]) {
      ++alloc[h];
      ++given;
    }
  }
  return alloc;
}

int64_t WeekOf(int64_t ms) {
  return ms >= 0 ? ms / kWeekMs : -((-ms + kWeekMs - 1) / kWeekMs);
}

std::map<StratumKey, int64_t> CountStrata(
    const std::vector<store::TraceRecord>& history, int64_t period_weeks) {
  std::map<StratumKey, int64_t> out;
  for (const store::TraceRecord& t : history)
    ++out[{t.category, PeriodOf(t.created_ms, period_weeks)}];
  return out;
}

Sample DrawSample(const std::vector<store::TraceRecord>& history, int64_t n,
                  uint64_t seed) {
  Sample s;
  s.population = static_cast<int64_t>(history.size());
  const bool all = n <= 0 || n >= s.population;
  // The shortest period that leaves two draws per stratum.
  for (int64_t p : kPeriods) {
    s.period_weeks = p;
    if (all || 2 * static_cast<int64_t>(CountStrata(history, p).size()) <= n)
      break;
  }
  std::map<StratumKey, std::vector<size_t>> members;
  for (size_t i = 0; i < history.size(); ++i)
    members[{history[i].category,
             PeriodOf(history[i].created_ms, s.period_weeks)}]
        .push_back(i);
  std::vector<int64_t> sizes;
  for (const auto& [key, idx] : members)
    sizes.push_back(static_cast<int64_t>(idx.size()));
  std::vector<int64_t> alloc = all ? sizes : Allocate(sizes, n);
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
