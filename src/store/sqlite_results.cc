// SqliteStore: reading a run back (suites, items with responses and scores).
// JSON columns are decoded by decode.h: a malformed value becomes an error on
// its one record.
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/decode.h"
#include "store/sqlite_store.h"

namespace mmgate::store {
namespace {

constexpr const char* kSelectItemColumns =
    "SELECT i.suite, i.item_id, i.content_hash, i.modality, i.group_id,"
    " i.expect, i.slices_json, i.reference_json, i.prompt, i.media_json,"
    " i.line, r.item_id IS NOT NULL, r.content_hash, r.answer, r.error,"
    " r.error_kind, r.latency_ms, r.model_version, r.input_tokens,"
    " r.output_tokens, r.created_ms, i.metric, r.cost_usd, r.n_attempts,"
    " r.ttft_ms, r.template_hash, r.schema_valid, r.cached, r.n_repeats,"
    " r.flaky, r.repeats_json"
    " FROM items i LEFT JOIN responses r"
    " ON r.run_id = i.run_id AND r.suite = i.suite AND r.item_id = i.item_id";

constexpr const char* kWhereRun =
    " WHERE i.run_id = ?1 ORDER BY i.suite, i.line, i.item_id";
constexpr const char* kWherePage =
    " WHERE i.run_id = ?1 AND i.suite = ?2 AND i.item_id > ?3"
    " ORDER BY i.item_id LIMIT ?4";

ResponseRecord ReadResponse(const Statement& st, const ItemRecord& it) {
  ResponseRecord r;
  r.suite = it.suite;
  r.item_id = it.item_id;
  r.content_hash = st.Text(12);
  if (!st.IsNull(13)) r.answer = st.Text(13);
  if (!st.IsNull(14)) r.error = st.Text(14);
  r.error_kind = st.Text(15);
  r.latency_ms = st.Double(16);
  r.model_version = st.Text(17);
  r.input_tokens = st.Int(18);
  r.output_tokens = st.Int(19);
  r.created_ms = st.Int(20);
  r.cost_usd = st.Double(22);
  r.n_attempts = st.Int(23);
  r.ttft_ms = st.Double(24);
  r.template_hash = st.Text(25);
  r.schema_valid = st.Int(26);
  r.cached = st.Int(27) != 0;
  r.n_repeats = st.Int(28);
  r.flaky = st.Int(29) != 0;
  r.repeats_json = st.Text(30);
  return r;
}

struct ViewPairHash {
  size_t operator()(
      const std::pair<std::string_view, std::string_view>& p) const {
    const size_t h = std::hash<std::string_view>{}(p.first);
    return h ^ (std::hash<std::string_view>{}(p.second) + 0x9e3779b97f4a7c15 +
                (h << 6) + (h >> 2));
  }
};

// Decodes one row of kSelectItemColumns; with `decoder`, each distinct
// slices text once (a page of a large run shares a few).
ItemResult ReadItem(const Statement& st, const std::string& run_id,
                    internal::GateRowDecoder* decoder = nullptr) {
  ItemResult res;
  ItemRecord& it = res.item;
  it.suite = st.Text(0);
  it.item_id = st.Text(1);
  it.content_hash = st.Text(2);
  it.modality = st.Text(3);
  it.group = st.Text(4);
  it.expect = st.Text(5);
  it.reference_json = st.Text(7);
  it.prompt = st.Text(8);
  it.media_json = st.Text(9);
  it.line = st.Int(10);
  it.metric = st.Text(21);
  if (st.Int(11) != 0) res.response = ReadResponse(st, it);
  if (decoder)
    decoder->Decode(st.TextView(6), it.reference_json, it.media_json,
                    res.response ? res.response->repeats_json : "", &res);
  else
    internal::DecodeItem(run_id, st.Text(6), &res);
  return res;
}

}  // namespace

Result<std::vector<SuiteRecord>> SqliteStore::GetSuites(
    const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT suite, modality, metric, metrics_json, version_hash, n_items"
      " FROM run_suites WHERE run_id = ?1 ORDER BY suite");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::vector<SuiteRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SuiteRecord s;
    s.suite = st->Text(0);
    s.modality = st->Text(1);
    s.metric = st->Text(2);
    internal::DecodeSuiteMetrics(run_id, st->Text(3), &s);
    s.version_hash = st->Text(4);
    s.n_items = st->Int(5);
    out.push_back(std::move(s));
  }
  return out;
}

Result<RunCounts> SqliteStore::CountResults(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  // Responses of items that left the run are not counted: the join keeps
  // what LoadResults would return.
  auto st = db_->Prepare(
      "SELECT COUNT(*), COUNT(r.answer), COUNT(r.error)"
      " FROM items i LEFT JOIN responses r"
      " ON r.run_id = i.run_id AND r.suite = i.suite AND r.item_id = i.item_id"
      " WHERE i.run_id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  RunCounts c;
  if (*row) {
    c.items = st->Int(0);
    c.answered = st->Int(1);
    c.errors = st->Int(2);
  }
  return c;
}

Result<std::vector<ItemResult>> SqliteStore::LoadResults(
    const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(std::string(kSelectItemColumns) + kWhereRun);
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::vector<ItemResult> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadItem(*st, run_id));
  }
  MMGATE_RETURN_IF_ERROR(ReadScores(run_id, &out));
  return out;
}

Result<std::vector<ItemResult>> SqliteStore::LoadResultsPage(
    const std::string& run_id, const std::string& suite,
    const std::string& after_item_id, int64_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(std::string(kSelectItemColumns) + kWherePage);
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, suite).Bind(3, after_item_id).Bind(4, limit);
  internal::GateRowDecoder decoder(run_id);
  std::vector<ItemResult> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadItem(*st, run_id, &decoder));
  }
  if (out.empty()) return out;
  const ScorePage page{suite, after_item_id, out.back().item.item_id};
  MMGATE_RETURN_IF_ERROR(ReadScores(run_id, &out, &page));
  return out;
}

Status SqliteStore::ReadScores(const std::string& run_id,
                               std::vector<ItemResult>* out,
                               const ScorePage* page) {
  // Views into `out`, which does not move while the index lives: a million
  // items index without copying a key.
  std::unordered_map<std::pair<std::string_view, std::string_view>, ItemResult*,
                     ViewPairHash>
      index;
  index.reserve(out->size());
  for (ItemResult& r : *out) {
    // A corrupt item keeps no scores: they were computed from what cannot be
    // read back.
    bool corrupt = r.response && r.response->error_kind == kCorruptRowKind;
    if (!corrupt) index.insert_or_assign({r.item.suite, r.item.item_id}, &r);
  }
  auto sc = db_->Prepare(
      std::string("SELECT suite, item_id, metric, value, numerator,"
                  " denominator, detail FROM scores WHERE run_id = ?1") +
      (page ? " AND suite = ?2 AND item_id > ?3 AND item_id <= ?4" : ""));
  if (!sc.ok()) return sc.status();
  sc->Bind(1, run_id);
  if (page) sc->Bind(2, page->suite).Bind(3, page->after).Bind(4, page->last);
  for (;;) {
    auto row = sc->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string suite = sc->Text(0), item_id = sc->Text(1);
    auto found = index.find({suite, item_id});
    if (found == index.end()) continue;
    ScoreRecord s;
    s.metric = sc->Text(2);
    s.value = sc->Double(3);
    s.numerator = sc->Double(4);
    s.denominator = sc->Double(5);
    s.detail = sc->Text(6);
    found->second->scores[s.metric] = std::move(s);
  }
  return Status::Ok();
}

}  // namespace mmgate::store
