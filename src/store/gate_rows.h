// Store::LoadGateResults above the SQL, shared by the backends: one query
// joins items, responses and scores (one row per score, an item's rows
// adjacent), and ReadGateRows folds the rows into ItemResults. Private to
// src/store/. Pure functions over a row reader: thread-safe, never throw.
#ifndef MMGATE_STORE_GATE_ROWS_H_
#define MMGATE_STORE_GATE_ROWS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/decode.h"
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

// Reads the response columns of a SelectGateRows row.
template <typename Row>
ResponseRecord ReadGateResponse(const Row& row, const ItemRecord& it) {
  ResponseRecord r;
  r.suite = it.suite;
  r.item_id = it.item_id;
  r.content_hash = row.View(12);
  if (!row.IsNull(13)) r.answer = std::string(row.View(13));
  if (!row.IsNull(14)) r.error = std::string(row.View(14));
  r.error_kind = row.View(15);
  r.latency_ms = row.Double(16);
  r.model_version = row.View(17);
  r.input_tokens = row.Int(18);
  r.output_tokens = row.Int(19);
  r.created_ms = row.Int(20);
  r.cost_usd = row.Double(21);
  r.n_attempts = row.Int(22);
  r.ttft_ms = row.Double(23);
  r.template_hash = row.View(24);
  r.schema_valid = row.Int(25);
  r.cached = row.Int(26) != 0;
  r.n_repeats = row.Int(27);
  r.flaky = row.Int(28) != 0;
  return r;
}

// Adds one row to `out`: a new item when its (suite, item id) differs from
// the last one read, and its score, if any. A corrupt item keeps no scores,
// as in LoadResults.
template <typename Row>
void AddGateRow(const Row& row, GateRowDecoder* decoder,
                std::vector<ItemResult>* out) {
  const std::string_view suite = row.View(0), item_id = row.View(1);
  if (out->empty() || out->back().item.item_id != item_id ||
      out->back().item.suite != suite) {
    ItemResult& res = out->emplace_back();
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
    decoder->Decode(row.View(6), row.View(7), row.View(8), row.View(29), &res);
  }
  ItemResult& res = out->back();
  if (row.IsNull(30) ||
      (res.response && res.response->error_kind == kCorruptRowKind))
    return;
  ScoreRecord s{std::string(row.View(30)), row.Double(31), row.Double(32),
                row.Double(33), std::string(row.View(34))};
  std::string metric = s.metric;
  res.scores.insert_or_assign(std::move(metric), std::move(s));
}

}  // namespace mmgate::store::internal

#endif  // MMGATE_STORE_GATE_ROWS_H_
