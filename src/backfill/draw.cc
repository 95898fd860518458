#include "backfill/draw.h"

#include <algorithm>
#include <string_view>
#include <tuple>

#include "backfill/replay.h"
#include "common/hash.h"

namespace mmgate::backfill {
namespace {

constexpr int64_t kPageSize = 10000;

// Calls `each` with every stored trace, a page at a time in id order.
Status ForEachTrace(store::Store* store, int pass, const DrawProgress& progress,
                    const std::function<void(store::TraceRecord&)>& each) {
  std::string after;
  int64_t read = 0;
  for (;;) {
    auto page = store->ListTracesPage({}, after, kPageSize);
    if (!page.ok()) return page.status();
    if (page->empty()) return Status::Ok();
    after = page->back().trace_id;
    read += static_cast<int64_t>(page->size());
    for (store::TraceRecord& t : *page) each(t);
    if (progress) progress(pass, read);
  }
}

// Feeds the fields a draw depends on, one Feed per trace (each call has a
// fixed cost that would dominate three short ones).
class Fingerprint {
 public:
  void Add(std::string_view id, std::string_view category, int64_t ms) {
    buf_.assign(id);
    buf_ += '\n';
    buf_ += category;
    buf_ += '\n';
    buf_ += std::to_string(ms);
    sha_.Feed(buf_);
  }
  std::string Digest() { return sha_.HexDigest(); }

 private:
  Sha256 sha_;
  std::string buf_;
};

// What the draw keeps of a trace: its draw key and history position, not
// the trace (its inputs are most of a trace's kilobyte).
struct Candidate {
  uint64_t key = 0;
  int64_t created_ms = 0;
  std::string trace_id;
};

// History order, as Store::ListTraces returns it.
bool Earlier(const Candidate& a, const Candidate& b) {
  return std::tie(a.created_ms, a.trace_id) <
         std::tie(b.created_ms, b.trace_id);
}

// A stratum's draw: the `want` traces with the smallest (hash, history
// position), as a max-heap on that order.
struct Reservoir {
  int64_t want = 0;
  bool take_all = false;
  std::vector<Candidate> heap;

  static bool Less(const Candidate& a, const Candidate& b) {
    if (a.key != b.key) return a.key < b.key;
    return Earlier(a, b);
  }
  void Offer(Candidate t) {
    if (static_cast<int64_t>(heap.size()) < want) {
      heap.push_back(std::move(t));
      std::push_heap(heap.begin(), heap.end(), Less);
      return;
    }
    if (want == 0 || !Less(t, heap.front())) return;
    std::pop_heap(heap.begin(), heap.end(), Less);
    heap.back() = std::move(t);
    std::push_heap(heap.begin(), heap.end(), Less);
  }
};

}  // namespace

std::map<StratumKey, int64_t> HistoryCounts::Strata(
    int64_t period_weeks) const {
  std::map<StratumKey, int64_t> out;
  for (const auto& [key, n] : weeks) {
    // PeriodOf is the floor of the week over the period length.
    const int64_t w = key.period;
    const int64_t p =
        w >= 0 ? w / period_weeks : -((-w + period_weeks - 1) / period_weeks);
    out[{key.category, p}] += n;
  }
  return out;
}

Result<HistoryCounts> CountHistory(store::Store* store,
                                   const DrawProgress& progress) {
  HistoryCounts c;
  Fingerprint print;
  MMGATE_RETURN_IF_ERROR(
      ForEachTrace(store, 1, progress, [&](store::TraceRecord& t) {
        ++c.population;
        ++c.weeks[{t.category, WeekOf(t.created_ms)}];
        print.Add(t.trace_id, t.category, t.created_ms);
      }));
  c.fingerprint = print.Digest();
  return c;
}

Result<Drawn> DrawFromStore(store::Store* store, const HistoryCounts& counts,
                            int64_t n, uint64_t seed,
                            const DrawProgress& progress) {
  Drawn d;
  Sample& s = d.sample;
  s.population = counts.population;
  const bool all = n <= 0 || n >= s.population;
  std::map<StratumKey, int64_t> strata;
  for (int64_t p : kPeriods) {
    s.period_weeks = p;
    strata = counts.Strata(p);
    if (all || 2 * static_cast<int64_t>(strata.size()) <= n) break;
  }
  std::vector<int64_t> sizes;
  for (const auto& [key, size] : strata) sizes.push_back(size);
  const std::vector<int64_t> alloc = all ? sizes : Allocate(sizes, n);
  std::map<StratumKey, Reservoir> draws;
  size_t h = 0;
  for (const auto& [key, size] : strata) {
    s.strata.push_back({key, size, alloc[h]});
    draws[key] = {alloc[h], alloc[h] >= size, {}};
    ++h;
  }
  std::vector<Candidate> taken;
  StratumKey key;
  MMGATE_RETURN_IF_ERROR(
      ForEachTrace(store, 2, progress, [&](store::TraceRecord& t) {
        key.category = t.category;
        key.period = PeriodOf(t.created_ms, s.period_weeks);
        auto it = draws.find(key);
        // A trace stored between the passes has no stratum: not drawn.
        if (it == draws.end()) return;
        Reservoir& r = it->second;
        if (r.take_all)
          taken.push_back({0, t.created_ms, std::move(t.trace_id)});
        else
          r.Offer(
              {DrawKey(seed, t.trace_id), t.created_ms, std::move(t.trace_id)});
      }));
  for (auto& [k, r] : draws)
    for (Candidate& t : r.heap) taken.push_back(std::move(t));
  draws.clear();
  std::sort(taken.begin(), taken.end(), Earlier);
  s.trace_ids.reserve(taken.size());
  for (Candidate& t : taken) s.trace_ids.push_back(std::move(t.trace_id));
  return d;
}

Sample EveryTrace(const HistoryCounts& counts) {
  Sample s;
  s.population = counts.population;
  for (const auto& [key, size] : counts.Strata(1))
    s.strata.push_back({key, size, size});
  return s;
}

Result<RunHistoryCounts> CountRunHistory(store::Store* store,
                                         const std::string& run_id,
                                         const DrawProgress& progress) {
  RunHistoryCounts c;
  Fingerprint print;
  std::vector<store::DecisionRow> page;
  std::string after;
  for (;;) {
    MMGATE_RETURN_IF_ERROR(
        store->LoadDecisionsPage(run_id, kSuiteName, after, kPageSize, &page));
    if (page.empty()) {
      c.history.fingerprint = print.Digest();
      return c;
    }
    after = page.back().trace_id;
    for (const store::DecisionRow& d : page) {
      const StratumKey key{d.category, WeekOf(d.created_ms)};
      print.Add(d.trace_id, d.category, d.created_ms);
      ++c.history.population;
      ++c.history.weeks[key];
      if (!d.in_run) continue;
      ++c.run.population;
      ++c.run.weeks[key];
    }
    if (progress) progress(1, c.history.population);
  }
}

}  // namespace mmgate::backfill
