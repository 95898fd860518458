// A run's items as the gate reads them (Store::LoadGateRun): only the fields
// the gate, its scorecard and its failure lists read, as views into storage
// the GateRun owns. A million-item run as ItemResults is about 1.1 KB an item
// in a thousand small allocations per thousand items, more than the gate's
// own work costs to fill and free; here an item is one flat record, its
// strings copied into large blocks and the few distinct suites, modalities,
// metrics, slices, groups and error kinds interned once.
//
// Thread safety: a GateRun is a value; const methods may be called from any
// number of threads, a mutating one from one thread with no reader. Views
// (GateItem's strings and spans) stay valid while the GateRun lives, also
// across moves; Add and the builders never move what an earlier view points
// into. Never throws beyond std::bad_alloc.
#ifndef MMGATE_STORE_GATE_RUN_H_
#define MMGATE_STORE_GATE_RUN_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "store/records.h"

namespace mmgate::store {

struct GateSlice {
  std::string_view key, value;
};

struct GateScore {
  std::string_view metric;
  double value = 0, numerator = 0, denominator = 1;
  // Kept for the judge metric alone (the judge rule reads its versions and
  // pairwise roles); empty for every other metric.
  std::string_view detail;
};

// One item and its response and scores; ItemResult's fields of the same names.
struct GateItem {
  std::string_view suite, item_id, content_hash, modality, metric, group,
      expect;
  std::span<const GateSlice> slices;
  int64_t line = 0;
  // The response: absent (has_response false) when the item was never run.
  bool has_response = false;
  bool has_answer = false;  // set on success
  bool has_error = false;   // set on failure, with context in `error`
  bool flaky = false;
  int64_t schema_valid = -1;
  std::string_view answer, error, error_kind, template_hash;
  double latency_ms = 0, cost_usd = 0;
  int64_t input_tokens = -1, output_tokens = -1, n_attempts = 0;
  std::span<const GateScore> scores;  // by metric, each metric once

  // The score of `metric`, or nullptr.
  const GateScore* Score(std::string_view metric) const {
    for (const GateScore& s : scores)
      if (s.metric == metric) return &s;
    return nullptr;
  }
};

// The detail GateItem keeps of a score of `metric`.
inline bool KeepsScoreDetail(std::string_view metric) {
  return metric == "judge";
}

class GateRun {
 public:
  GateRun();
  ~GateRun();
  GateRun(GateRun&&) noexcept;
  GateRun& operator=(GateRun&&) noexcept;
  GateRun(const GateRun&) = delete;
  GateRun& operator=(const GateRun&) = delete;

  // ItemResults compacted, in their order (a run read whole, a test's or a
  // pipeline's rows).
  static GateRun Of(const std::vector<ItemResult>& results);

  // Appends one item, copying what it keeps of `r`.
  void Add(const ItemResult& r);

  // In LoadResults' order, (suite, line, item id); a loader fills them
  // through the methods below and may erase or reorder them.
  std::vector<GateItem> items;

  // For loaders: `s` copied into the run's storage, or interned (one copy
  // per distinct value: for strings many items share). `last` caches the
  // previous call's result of one field, as neighbouring items mostly share
  // it.
  std::string_view Copy(std::string_view s);
  std::string_view Intern(std::string_view s);
  std::string_view Intern(std::string_view s, std::string_view* last);
  // Stable storage for one item's slices or scores, each interned or copied
  // by the caller; `slices` are usually shared by many items (make them once
  // per distinct value).
  std::span<const GateSlice> Slices(std::vector<GateSlice> slices);
  std::span<GateScore> Scores(size_t n);

 private:
  struct Storage;
  std::unique_ptr<Storage> storage_;
};

}  // namespace mmgate::store

#endif  // MMGATE_STORE_GATE_RUN_H_
