// SqliteStore: the reads the gate makes over whole runs (LoadGateResults,
// Outcomes). A join of items, responses and scores costs SQLite two index
// seeks per item and a temporary b-tree for the order, and even a walk of a
// table in its primary key's order seeks each row by rowid from the index.
// Here each table is read once, in rowid order where a run's rows lie
// together (they are written together), and the rows are matched to their
// items in C++: several times faster on a million items.
#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "store/decode.h"
#include "store/gate_rows.h"
#include "store/sqlite_store.h"

namespace mmgate::store {
namespace {

constexpr const char* kGateItems =
    "suite, item_id, content_hash, modality, group_id, expect, slices_json,"
    " reference_json, media_json, line, metric";
// ReadGateResponse's columns from column 2, then repeats_json.
constexpr const char* kGateResponses =
    "suite, item_id, content_hash, answer, error, error_kind, latency_ms,"
    " model_version, input_tokens, output_tokens, created_ms, cost_usd,"
    " n_attempts, ttft_ms, template_hash, schema_valid, cached, n_repeats,"
    " flaky, repeats_json";
constexpr int kResponseFirst = 2, kRepeatsJson = 19;
constexpr const char* kGateScores =
    "suite, item_id, metric, value, numerator, denominator, detail";

// A SQLite statement as the row reader of gate_rows.h.
struct SqliteRow {
  const Statement& st;
  std::string_view View(int col) const { return st.TextView(col); }
  int64_t Int(int col) const { return st.Int(col); }
  double Double(int col) const { return st.Double(col); }
  bool IsNull(int col) const { return st.IsNull(col); }
};

// One run's rows of `table` (columns `columns`, then the run id as ?1),
// with their number in *count. Where they lie together by rowid (no more than
// three times as many rows in their range: a row read in rowid order costs
// about a third of one sought through the primary key's index), the range
// is scanned; otherwise the index is walked.
Result<Statement> RunRows(Database* db, const std::string& table,
                          const std::string& columns, const std::string& run_id,
                          int64_t* count) {
  auto span = db->Prepare("SELECT MIN(rowid), MAX(rowid), COUNT(*) FROM " +
                          table + " WHERE run_id = ?1");
  if (!span.ok()) return span.status();
  span->Bind(1, run_id);
  auto row = span->Step();
  if (!row.ok()) return row.status();
  *count = span->Int(2);
  const int64_t lo = span->Int(0), hi = span->Int(1);
  const bool together = *count > 0 && hi - lo < 3 * *count;
  auto st = db->Prepare(
      "SELECT " + columns + " FROM " + table +
      (together ? " NOT INDEXED WHERE rowid BETWEEN ?2 AND ?3 AND run_id = ?1"
                : " WHERE run_id = ?1 ORDER BY suite, item_id"));
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  if (together) st->Bind(2, lo).Bind(3, hi);
  return st;
}

// The item a response or score row belongs to. Within a suite, rows mostly
// come in the items' order (the same item as the suite's last row, or the
// next one, starting at the suite's first item), while the suites
// interleave (a run works on several at once); any other row is found
// through a hash index built at the first one. The items must not move
// while it is used.
class ItemFinder {
 public:
  explicit ItemFinder(std::vector<ItemResult>* items) : items_(*items) {
    for (size_t i = 0; i < items_.size() && next_.size() < kMaxSuites; ++i) {
      const std::string& suite = items_[i].item.suite;
      if (i > 0 && items_[i - 1].item.suite == suite) continue;
      bool seen = false;
      for (const Next& n : next_) seen = seen || n.suite == suite;
      if (!seen) next_.push_back({suite, i, i});
    }
  }

  // Back to each suite's first item, for the rows of another table.
  void Rewind() {
    for (Next& n : next_) n.last = n.first;
  }

  // The item's index, or npos for a row of no item.
  size_t Find(std::string_view suite, std::string_view item_id) {
    Next* next = nullptr;
    for (Next& n : next_) {
      if (n.suite == suite) next = &n;
    }
    if (next != nullptr) {
      for (size_t i : {next->last, next->last + 1}) {
        if (i < items_.size() && items_[i].item.item_id == item_id &&
            items_[i].item.suite == suite)
          return next->last = i;
      }
    }
    const size_t i = Indexed(suite, item_id);
    if (i != npos && next != nullptr) next->last = i;
    return i;
  }
  static constexpr size_t npos = static_cast<size_t>(-1);

 private:
  static constexpr size_t kMaxSuites = 64;  // beyond: the hash index alone
  struct Next {
    std::string_view suite;  // an item's own string
    size_t first, last;
  };
  using Key = std::pair<std::string_view, std::string_view>;
  struct KeyHash {
    size_t operator()(const Key& k) const {
      const size_t h = std::hash<std::string_view>{}(k.first);
      return h ^ (std::hash<std::string_view>{}(k.second) + 0x9e3779b9 +
                  (h << 6) + (h >> 2));
    }
  };

  size_t Indexed(std::string_view suite, std::string_view item_id) {
    if (index_.empty()) {
      index_.reserve(items_.size());
      for (size_t i = 0; i < items_.size(); ++i)
        index_.emplace(Key{items_[i].item.suite, items_[i].item.item_id}, i);
    }
    auto it = index_.find(Key{suite, item_id});
    return it == index_.end() ? npos : it->second;
  }

  std::vector<ItemResult>& items_;
  std::vector<Next> next_;
  std::unordered_map<Key, size_t, KeyHash> index_;
};

// Why an item's stored row cannot be decoded: the column and the error.
using Failures = std::map<size_t, std::pair<std::string, Status>>;

Status ReadItems(Database* db, const std::string& run_id,
                 internal::GateRowDecoder* decoder,
                 std::vector<ItemResult>* out, Failures* failed) {
  int64_t count = 0;
  auto st = RunRows(db, "items", kGateItems, run_id, &count);
  if (!st.ok()) return st.status();
  out->reserve(count);
  for (;;) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    ItemRecord& item = out->emplace_back().item;
    item.suite = st->TextView(0);
    item.item_id = st->TextView(1);
    item.content_hash = st->TextView(2);
    item.modality = st->TextView(3);
    item.group = st->TextView(4);
    item.expect = st->TextView(5);
    item.line = st->Int(9);
    item.metric = st->TextView(10);
    std::string column;
    Status bad = decoder->CheckItem(st->TextView(6), st->TextView(7),
                                    st->TextView(8), &item, &column);
    if (!bad.ok()) failed->emplace(out->size() - 1, std::pair(column, bad));
  }
}

Status ReadResponses(Database* db, const std::string& run_id,
                     internal::GateRowDecoder* decoder, ItemFinder* find,
                     std::vector<ItemResult>* out, Failures* failed) {
  int64_t count = 0;
  auto st = RunRows(db, "responses", kGateResponses, run_id, &count);
  if (!st.ok()) return st.status();
  for (;;) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    const size_t i = find->Find(st->TextView(0), st->TextView(1));
    if (i == ItemFinder::npos) continue;
    ItemResult& res = (*out)[i];
    res.response =
        internal::ReadGateResponse(SqliteRow{*st}, res.item, kResponseFirst);
    if (failed->count(i)) continue;  // the item's own columns failed first
    std::string column;
    Status bad = decoder->CheckRepeats(st->TextView(kRepeatsJson), &column);
    if (!bad.ok()) failed->emplace(i, std::pair(column, bad));
  }
}

// A corrupt item keeps no scores, as in LoadResults.
Status ReadScores(Database* db, const std::string& run_id, ItemFinder* find,
                  std::vector<ItemResult>* out) {
  int64_t count = 0;
  auto st = RunRows(db, "scores", kGateScores, run_id, &count);
  if (!st.ok()) return st.status();
  for (;;) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    const size_t i = find->Find(st->TextView(0), st->TextView(1));
    if (i == ItemFinder::npos) continue;
    ItemResult& res = (*out)[i];
    if (res.response && res.response->error_kind == kCorruptRowKind) continue;
    std::string metric(st->TextView(2));
    res.scores.insert_or_assign(
        metric, ScoreRecord{metric, st->Double(3), st->Double(4), st->Double(5),
                            std::string(st->TextView(6))});
  }
}

// LoadResults' order, (suite, line, item id), which is unique per item; most
// runs are in it already (items are written by line), so it is checked
// before anything moves, and then the items are moved in place along the
// cycles of the permutation (no second copy of a million items).
void SortByLine(std::vector<ItemResult>* out) {
  std::vector<ItemResult>& v = *out;
  auto before = [&](size_t a, size_t b) {
    const ItemRecord &x = v[a].item, &y = v[b].item;
    return std::tie(x.suite, x.line, x.item_id) <
           std::tie(y.suite, y.line, y.item_id);
  };
  bool sorted = true;
  for (size_t i = 1; i < v.size() && sorted; ++i) sorted = !before(i, i - 1);
  if (sorted) return;
  std::vector<size_t> order(v.size());  // order[k]: the item k-th in order
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), before);
  for (size_t start = 0; start < v.size(); ++start) {
    if (order[start] == start) continue;
    ItemResult held = std::move(v[start]);
    size_t k = start;
    while (order[k] != start) {
      const size_t from = order[k];
      v[k] = std::move(v[from]);
      order[k] = k;
      k = from;
    }
    v[k] = std::move(held);
    order[k] = k;
  }
}

// One run's items in LoadResults' order, inside one read transaction (one
// snapshot) on `db`.
Result<std::vector<ItemResult>> ReadGateRun(Database* db,
                                            const std::string& run_id) {
  ReadTransaction snapshot(db);
  MMGATE_RETURN_IF_ERROR(snapshot.status());
  internal::GateRowDecoder decoder(run_id);
  std::vector<ItemResult> out;
  Failures failed;
  MMGATE_RETURN_IF_ERROR(ReadItems(db, run_id, &decoder, &out, &failed));
  ItemFinder find(&out);
  MMGATE_RETURN_IF_ERROR(
      ReadResponses(db, run_id, &decoder, &find, &out, &failed));
  for (const auto& [i, why] : failed)
    decoder.MarkCorrupt(why.first, why.second, &out[i]);
  find.Rewind();
  MMGATE_RETURN_IF_ERROR(ReadScores(db, run_id, &find, &out));
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
