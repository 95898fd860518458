// SqliteStore: the reads the gate makes over whole runs (LoadGateResults,
// Outcomes). A join of items, responses and scores costs SQLite two index
// seeks per item and a temporary b-tree for the order; here each table is
// read once in its primary key's order and the three are merged as they
// come, which is several times faster on a million items.
#include <algorithm>
#include <numeric>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "store/decode.h"
#include "store/gate_rows.h"
#include "store/sqlite_store.h"

namespace mmgate::store {
namespace {

// All three in (suite, item_id) order, their primary key's: no sort.
constexpr const char* kGateItems =
    "SELECT suite, item_id, content_hash, modality, group_id, expect,"
    " slices_json, reference_json, media_json, line, metric"
    " FROM items WHERE run_id = ?1 ORDER BY suite, item_id";
// ReadGateResponse's columns from column 2, then repeats_json.
constexpr const char* kGateResponses =
    "SELECT suite, item_id, content_hash, answer, error, error_kind,"
    " latency_ms, model_version, input_tokens, output_tokens, created_ms,"
    " cost_usd, n_attempts, ttft_ms, template_hash, schema_valid, cached,"
    " n_repeats, flaky, repeats_json"
    " FROM responses WHERE run_id = ?1 ORDER BY suite, item_id";
constexpr int kResponseFirst = 2, kRepeatsJson = 19;
constexpr const char* kGateScores =
    "SELECT suite, item_id, metric, value, numerator, denominator, detail"
    " FROM scores WHERE run_id = ?1 ORDER BY suite, item_id";

// A SQLite statement as the row reader of gate_rows.h.
struct SqliteRow {
  const Statement& st;
  std::string_view View(int col) const { return st.TextView(col); }
  int64_t Int(int col) const { return st.Int(col); }
  double Double(int col) const { return st.Double(col); }
  bool IsNull(int col) const { return st.IsNull(col); }
};

// A statement whose first two columns are (suite, item_id), stepped in that
// order alongside the items. SQLite's BINARY order is memcmp's, as is
// std::string_view's, so the keys compare the same on both sides.
class Cursor {
 public:
  explicit Cursor(Statement st) : st_(std::move(st)) {}
  const Statement& row() const { return st_; }
  bool live() const { return live_; }

  Status Next() {
    auto more = st_.Step();
    if (!more.ok()) return more.status();
    live_ = *more;
    return Status::Ok();
  }
  // Skips the rows before (suite, item_id); true when the current row is
  // that item's.
  Result<bool> At(std::string_view suite, std::string_view item_id) {
    while (live_ && Compare(suite, item_id) < 0) MMGATE_RETURN_IF_ERROR(Next());
    return live_ && Compare(suite, item_id) == 0;
  }

 private:
  int Compare(std::string_view suite, std::string_view item_id) const {
    const int c = st_.TextView(0).compare(suite);
    return c != 0 ? c : st_.TextView(1).compare(item_id);
  }
  Statement st_;
  bool live_ = false;
};

Result<Cursor> OpenCursor(Database* db, const char* sql,
                          const std::string& run_id) {
  auto st = db->Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  Cursor c(std::move(*st));
  MMGATE_RETURN_IF_ERROR(c.Next());
  return c;
}

// The item of the items cursor's row, its response and its scores.
Status ReadGateItem(const Statement& it, Cursor* responses, Cursor* scores,
                    internal::GateRowDecoder* decoder, ItemResult* res) {
  ItemRecord& item = res->item;
  item.suite = it.TextView(0);
  item.item_id = it.TextView(1);
  item.content_hash = it.TextView(2);
  item.modality = it.TextView(3);
  item.group = it.TextView(4);
  item.expect = it.TextView(5);
  item.line = it.Int(9);
  item.metric = it.TextView(10);
  auto answered = responses->At(item.suite, item.item_id);
  if (!answered.ok()) return answered.status();
  if (*answered) {
    res->response = internal::ReadGateResponse(SqliteRow{responses->row()},
                                               item, kResponseFirst);
  }
  decoder->Decode(it.TextView(6), it.TextView(7), it.TextView(8),
                  *answered ? responses->row().TextView(kRepeatsJson) : "",
                  res);
  // A corrupt item keeps no scores, as in LoadResults.
  const bool corrupt =
      res->response && res->response->error_kind == kCorruptRowKind;
  for (;;) {
    auto scored = scores->At(item.suite, item.item_id);
    if (!scored.ok()) return scored.status();
    if (!*scored) break;
    const Statement& s = scores->row();
    if (!corrupt) {
      std::string metric(s.TextView(2));
      res->scores.insert_or_assign(
          metric, ScoreRecord{metric, s.Double(3), s.Double(4), s.Double(5),
                              std::string(s.TextView(6))});
    }
    MMGATE_RETURN_IF_ERROR(scores->Next());
  }
  return Status::Ok();
}

// LoadResults' order, (suite, line, item id), from the primary key's; most
// runs are in it already (items are numbered by line), so it is checked
// before anything moves.
void SortByLine(std::vector<ItemResult>* out) {
  auto before = [](const ItemRecord& a, const ItemRecord& b) {
    return std::tie(a.suite, a.line, a.item_id) <
           std::tie(b.suite, b.line, b.item_id);
  };
  const std::vector<ItemResult>& v = *out;
  bool sorted = true;
  for (size_t i = 1; i < v.size() && sorted; ++i)
    sorted = !before(v[i].item, v[i - 1].item);
  if (sorted) return;
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return before(v[a].item, v[b].item); });
  std::vector<ItemResult> in_order;
  in_order.reserve(v.size());
  for (size_t i : order) in_order.push_back(std::move((*out)[i]));
  *out = std::move(in_order);
}

// One run's items in LoadResults' order, inside one read transaction (one
// snapshot) on `db`.
Result<std::vector<ItemResult>> ReadGateRun(Database* db,
                                            const std::string& run_id) {
  ReadTransaction snapshot(db);
  MMGATE_RETURN_IF_ERROR(snapshot.status());
  auto count = db->Prepare("SELECT COUNT(*) FROM items WHERE run_id = ?1");
  if (!count.ok()) return count.status();
  count->Bind(1, run_id);
  auto counted = count->Step();
  if (!counted.ok()) return counted.status();
  auto items = OpenCursor(db, kGateItems, run_id);
  if (!items.ok()) return items.status();
  auto responses = OpenCursor(db, kGateResponses, run_id);
  if (!responses.ok()) return responses.status();
  auto scores = OpenCursor(db, kGateScores, run_id);
  if (!scores.ok()) return scores.status();
  std::vector<ItemResult> out;
  out.reserve(*counted ? count->Int(0) : 0);
  internal::GateRowDecoder decoder(run_id);
  while (items->live()) {
    MMGATE_RETURN_IF_ERROR(ReadGateItem(items->row(), &*responses, &*scores,
                                        &decoder, &out.emplace_back()));
    MMGATE_RETURN_IF_ERROR(items->Next());
  }
  SortByLine(&out);
  return out;
}

}  // namespace

Result<std::vector<ItemResult>> SqliteStore::LoadGateResults(
    const std::string& run_id) {
  // Seconds at a million items: on a connection of its own, so two runs
  // load on two cores from two threads and the store's other calls do not
  // wait. An in-memory database has no second connection to it.
  const std::string& path = db_->path();
  if (path != ":memory:") {
    auto reader = Database::OpenReader(path);
    if (!reader.ok()) return reader.status();
    return ReadGateRun(reader->get(), run_id);
  }
  std::lock_guard<std::mutex> lock(mu_);
  return ReadGateRun(db_.get(), run_id);
}

Result<std::vector<Outcome>> SqliteStore::Outcomes(
    const std::vector<std::string>& exclude_runs) {
  std::lock_guard<std::mutex> lock(mu_);
  ReadTransaction snapshot(db_.get());
  MMGATE_RETURN_IF_ERROR(snapshot.status());
  auto root = Lineages();
  if (!root.ok()) return root.status();
  auto lineage = [&](const std::string& run) {
    auto it = root->find(run);
    return it == root->end() ? run : it->second;
  };
  std::set<std::string> excluded;
  for (const std::string& run : exclude_runs) excluded.insert(lineage(run));
  // Oldest run first, so the newest scoring of a lineage overwrites the
  // older ones: a rescore exists because the scoring was corrected. The
  // excluded runs are never read (the compared runs are most of the rows).
  auto runs =
      db_->Prepare("SELECT run_id FROM runs ORDER BY created_ms, run_id");
  if (!runs.ok()) return runs.status();
  std::vector<std::string> read;
  for (;;) {
    auto row = runs->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (!excluded.count(lineage(runs->Text(0)))) read.push_back(runs->Text(0));
  }
  auto st = db_->Prepare(
      "SELECT i.suite, i.item_id, i.content_hash, i.metric,"
      " r.error IS NOT NULL, s.value"
      " FROM items i JOIN responses r"
      " ON r.run_id = i.run_id AND r.suite = i.suite AND r.item_id = i.item_id"
      " LEFT JOIN scores s ON s.run_id = i.run_id AND s.suite = i.suite"
      " AND s.item_id = i.item_id AND s.metric = i.metric"
      " WHERE i.run_id = ?1 AND i.content_hash != ''");
  if (!st.ok()) return st.status();
  std::map<std::tuple<std::string, std::string, std::string>, Outcome> once;
  for (const std::string& run : read) {
    st->Reset();
    st->Bind(1, run);
    const std::string lin = lineage(run);
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      once[{lin, st->Text(0), st->Text(1)}] =
          Outcome{st->Text(0),
                  st->Text(1),
                  st->Text(2),
                  st->Text(3),
                  st->Int(4) != 0 || st->IsNull(5),
                  st->Double(5)};
    }
  }
  std::vector<Outcome> out;
  out.reserve(once.size());
  for (auto& [_, o] : once) out.push_back(std::move(o));
  return out;
}

}  // namespace mmgate::store
