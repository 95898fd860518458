// Store::LoadGateRun above the SQL, for PostgreSQL: one query joins items,
// responses and scores (one row per score, an item's rows adjacent), and
// GateRowFolder folds the rows into a GateRun. Private to src/store/. Never
// throws; a folder serves one load on one thread.
#ifndef MMGATE_STORE_GATE_ROWS_H_
#define MMGATE_STORE_GATE_ROWS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/decode.h"
#include "store/gate_run.h"
#include "store/records.h"

namespace mmgate::store::internal {

// The query with `param` as its one parameter, the run id ("?1", "$1").
inline std::string SelectGateRows(std::string_view param) {
  return "SELECT i.suite, i.item_id, i.content_hash, i.modality, i.group_id,"
         " i.expect, i.slices_json, i.reference_json, i.media_json, i.line,"
         " i.metric, CASE WHEN r.item_id IS NULL THEN 0 ELSE 1 END,"
         " r.content_hash, r.answer, r.error,"
         " r.error_kind, r.latency_ms, r.model_version, r.input_tokens,"
         " r.output_tokens, r.created_ms, r.cost_usd, r.n_attempts,"
         " r.ttft_ms, r.template_hash, r.schema_valid, r.cached, r.n_repeats,"
         " r.flaky, r.repeats_json, s.metric, s.value, s.numerator,"
         " s.denominator, s.detail"
         " FROM items i LEFT JOIN responses r"
         " ON r.run_id = i.run_id AND r.suite = i.suite AND r.item_id = "
         "i.item_id"
         " LEFT JOIN scores s"
         " ON s.run_id = i.run_id AND s.suite = i.suite AND s.item_id = "
         "i.item_id"
         " WHERE i.run_id = " +
         std::string(param) + " ORDER BY i.suite, i.line, i.item_id";
}

// Reads the response columns of a SelectGateRows row, or of any row holding
// them in the same order from column `first` (r.content_hash to r.flaky).
template <typename Row>
ResponseRecord ReadGateResponse(const Row& row, const ItemRecord& it,
                                int first = 12) {
  ResponseRecord r;
  r.suite = it.suite;
  r.item_id = it.item_id;
  r.content_hash = row.View(first);
  if (!row.IsNull(first + 1)) r.answer = std::string(row.View(first + 1));
  if (!row.IsNull(first + 2)) r.error = std::string(row.View(first + 2));
  r.error_kind = row.View(first + 3);
  r.latency_ms = row.Double(first + 4);
  r.model_version = row.View(first + 5);
  r.input_tokens = row.Int(first + 6);
  r.output_tokens = row.Int(first + 7);
  r.created_ms = row.Int(first + 8);
  r.cost_usd = row.Double(first + 9);
  r.n_attempts = row.Int(first + 10);
  r.ttft_ms = row.Double(first + 11);
  r.template_hash = row.View(first + 12);
  r.schema_valid = row.Int(first + 13);
  r.cached = row.Int(first + 14) != 0;
  r.n_repeats = row.Int(first + 15);
  r.flaky = row.Int(first + 16) != 0;
  return r;
}

// Folds the rows into a GateRun one item at a time (the whole run as
// ItemResults would be the memory the GateRun saves): a new item when a
// row's (suite, item id) differs from the last one read, and its score, if
// any. A corrupt item keeps no scores, as in LoadResults. Call Finish after
// the last row.
class GateRowFolder {
 public:
  GateRowFolder(std::string run_id, GateRun* run)
      : decoder_(std::move(run_id)), run_(run) {}

  template <typename Row>
  void Add(const Row& row) {
    const std::string_view suite = row.View(0), item_id = row.View(1);
    if (!pending_ || pending_->item.item_id != item_id ||
        pending_->item.suite != suite) {
      Finish();
      ItemResult& res = pending_.emplace();
      ItemRecord& it = res.item;
      it.suite = suite;
      it.item_id = item_id;
      it.content_hash = row.View(2);
      it.modality = row.View(3);
      it.group = row.View(4);
      it.expect = row.View(5);
      it.line = row.Int(9);
      it.metric = row.View(10);
      if (row.Int(11) != 0) res.response = ReadGateResponse(row, it);
      decoder_.Decode(row.View(6), row.View(7), row.View(8), row.View(29),
                      &res);
    }
    ItemResult& res = *pending_;
    if (row.IsNull(30) ||
        (res.response && res.response->error_kind == kCorruptRowKind))
      return;
    ScoreRecord s{std::string(row.View(30)), row.Double(31), row.Double(32),
                  row.Double(33), std::string(row.View(34))};
    std::string metric = s.metric;
    res.scores.insert_or_assign(std::move(metric), std::move(s));
  }

  void Finish() {
    if (pending_) run_->Add(*pending_);
    pending_.reset();
  }

 private:
  GateRowDecoder decoder_;
  GateRun* run_;
  std::optional<ItemResult> pending_;
};

}  // namespace mmgate::store::internal

#endif  // MMGATE_STORE_GATE_ROWS_H_
