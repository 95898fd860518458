// SqliteStore: the reads the gate makes over whole runs (LoadGateRun,
// Outcomes). A join of items, responses and scores costs SQLite two index
// seeks per item and a temporary b-tree for the order, and even a walk of a
// table in its primary key's order seeks each row by rowid from the index.
// Here each table is read once, in rowid order where a run's rows lie
// together (they are written together), and the rows are matched to their
// items in C++: several times faster on a million items.
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "store/decode.h"
#include "store/sqlite_store.h"

namespace mmgate::store {
namespace {

constexpr const char* kGateItems =
    "suite, item_id, content_hash, modality, group_id, expect, slices_json,"
    " reference_json, media_json, line, metric";
// What ReadResponse reads, then repeats_json (checked, not kept).
constexpr const char* kGateResponses =
    "suite, item_id, answer, error, error_kind, latency_ms, cost_usd,"
    " n_attempts, input_tokens, output_tokens, template_hash, schema_valid,"
    " flaky, repeats_json";
constexpr int kRepeatsJson = 13;
constexpr const char* kGateScores =
    "suite, item_id, metric, value, numerator, denominator, detail";

// One run's rows of a table, in rowid order where they lie together (a
// run's rows are written together: a row read in rowid order costs about a
// third of one sought through the primary key's index), else through that
// index. Where they lie is found cheaply: SQLite counts the run's rows in
// the index without decoding them, one of them is found through the index,
// and the rows before it are walked back to the first of another run's with
// none of the run's in the kGap rows below it. The scan reads on from there
// and stops at the count. Where it meets more than twice as many other rows
// as the count, or the table ends first (some lie further back), it starts
// again as the load did before: the run's lowest and highest rowid and its
// count from the index (MIN/MAX(rowid) decode every entry: a third of the
// read itself on a million rows), then the range or the index; the caller
// reads every row again.
class RunScan {
 public:
  static Result<RunScan> Open(Database* db, const std::string& table,
                              const std::string& columns,
                              const std::string& run_id) {
    RunScan scan(db, table, columns, run_id);
    MMGATE_RETURN_IF_ERROR(scan.Start());
    return scan;
  }

  // Steps to the run's next row: false after the last. Sets *restarted when
  // the scan begins again from the first row: the rows read so far come
  // again (in another order).
  Result<bool> Next(bool* restarted) {
    for (;;) {
      if (fast_ && read_ == count_) return false;
      auto more = st_->Step();
      if (!more.ok()) return more.status();
      if (!fast_) return *more;
      if (*more) {
        ++read_;
        const int64_t others = st_->Int(rowid_col_) - lo_ + 1 - read_;
        if (others <= 2 * count_) return true;
      }
      MMGATE_RETURN_IF_ERROR(BySpan());
      *restarted = true;
    }
  }

  const Statement& row() const { return *st_; }
  int64_t count() const { return count_; }

 private:
  static constexpr int64_t kGap = 1024;
  static constexpr int kHops = 8;

  RunScan(Database* db, const std::string& table, const std::string& columns,
          const std::string& run_id)
      : db_(db),
        table_(table),
        columns_(columns),
        run_id_(run_id),
        rowid_col_(static_cast<int>(
            std::count(columns.begin(), columns.end(), ',') + 1)) {}

  Status Start() {
    auto count =
        OneInt("SELECT COUNT(*) FROM " + table_ + " WHERE run_id = ?1");
    if (!count.ok()) return count.status();
    count_ = count->value_or(0);
    if (count_ == 0) return BySpan();
    auto one =
        OneInt("SELECT rowid FROM " + table_ + " WHERE run_id = ?1 LIMIT 1");
    if (!one.ok()) return one.status();
    auto lo = LowerBound(one->value_or(0));
    if (!lo.ok()) return lo.status();
    lo_ = *lo;
    MMGATE_RETURN_IF_ERROR(
        Select(" NOT INDEXED WHERE rowid >= ?2 AND "
               "run_id = ?1 ORDER BY rowid",
               {lo_}));
    fast_ = true;
    return Status::Ok();
  }

  // Where the run's rows below `rowid` begin, gaps of fewer than kGap other
  // rows included.
  Result<int64_t> LowerBound(int64_t rowid) {
    for (int hop = 0; hop < kHops; ++hop) {
      auto other = OneInt("SELECT rowid FROM " + table_ +
                              " NOT INDEXED WHERE rowid < ?2 AND run_id != ?1"
                              " ORDER BY rowid DESC LIMIT 1",
                          {rowid});
      if (!other.ok()) return other.status();
      if (!other->has_value()) {
        auto first = OneInt("SELECT MIN(rowid) FROM " + table_);
        if (!first.ok()) return first.status();
        return first->value_or(rowid);
      }
      auto below = OneInt("SELECT rowid FROM " + table_ +
                              " NOT INDEXED WHERE rowid < ?2 AND rowid >= ?3"
                              " AND run_id = ?1 ORDER BY rowid DESC LIMIT 1",
                          {**other, **other - kGap});
      if (!below.ok()) return below.status();
      if (!below->has_value()) return **other + 1;
      rowid = **below;
    }
    return rowid;  // any rows further back end the scan early
  }

  Status BySpan() {
    auto span = db_->Prepare("SELECT MIN(rowid), MAX(rowid), COUNT(*) FROM " +
                             table_ + " WHERE run_id = ?1");
    if (!span.ok()) return span.status();
    span->Bind(1, run_id_);
    auto row = span->Step();
    if (!row.ok()) return row.status();
    const int64_t lo = span->Int(0), hi = span->Int(1), count = span->Int(2);
    fast_ = false;
    if (count > 0 && hi - lo < 3 * count) {
      return Select(
          " NOT INDEXED WHERE rowid BETWEEN ?2 AND ?3 AND run_id = ?1",
          {lo, hi});
    }
    return Select(" WHERE run_id = ?1 ORDER BY suite, item_id", {});
  }

  // The run's rows of SELECT columns, rowid FROM table `where`, with ?1 the
  // run id and ?2, ?3 `args`.
  Status Select(const std::string& where, std::initializer_list<int64_t> args) {
    auto st =
        db_->Prepare("SELECT " + columns_ + ", rowid FROM " + table_ + where);
    if (!st.ok()) return st.status();
    st->Bind(1, run_id_);
    int i = 2;
    for (int64_t a : args) st->Bind(i++, a);
    st_.emplace(std::move(*st));
    return Status::Ok();
  }

  // The first column of the first row of `sql` (?1 the run id, ?2, ?3
  // `args`), nullopt when there is no row or it is NULL.
  Result<std::optional<int64_t>> OneInt(
      const std::string& sql, std::initializer_list<int64_t> args = {}) {
    auto st = db_->Prepare(sql);
    if (!st.ok()) return st.status();
    if (sql.find("?1") != std::string::npos) st->Bind(1, run_id_);
    int i = 2;
    for (int64_t a : args) st->Bind(i++, a);
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row || st->IsNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(st->Int(0));
  }

  Database* db_;
  std::string table_, columns_, run_id_;
  int rowid_col_;
  std::optional<Statement> st_;
  bool fast_ = false;
  int64_t count_ = 0, read_ = 0, lo_ = 0;
};

// The item a response or score row belongs to. Within a suite, rows mostly
// come in the items' order (the same item as the suite's last row, or the
// next one, starting at the suite's first item), while the suites
// interleave (a run works on several at once); any other row is found
// through a hash index built at the first one. The items must not move
// while it is used.
class ItemFinder {
 public:
  ItemFinder(const ItemFinder&) = delete;  // last_ points into next_
  ItemFinder& operator=(const ItemFinder&) = delete;
  explicit ItemFinder(const std::vector<GateItem>* items) : items_(*items) {
    for (size_t i = 0; i < items_.size() && next_.size() < kMaxSuites; ++i) {
      const std::string_view suite = items_[i].suite;
      if (i > 0 && items_[i - 1].suite == suite) continue;
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
    // The previous row's suite first: rows come in runs of one suite.
    Next* next = last_ != nullptr && last_->suite == suite ? last_ : nullptr;
    for (size_t k = 0; next == nullptr && k < next_.size(); ++k) {
      if (next_[k].suite == suite) next = &next_[k];
    }
    last_ = next;
    if (next != nullptr) {
      for (size_t i : {next->last, next->last + 1}) {
        if (i < items_.size() && items_[i].item_id == item_id &&
            items_[i].suite == suite)
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
    std::string_view suite;  // the run's interned string
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
        index_.emplace(Key{items_[i].suite, items_[i].item_id}, i);
    }
    auto it = index_.find(Key{suite, item_id});
    return it == index_.end() ? npos : it->second;
  }

  const std::vector<GateItem>& items_;
  std::vector<Next> next_;  // never grows after the constructor
  Next* last_ = nullptr;
  std::unordered_map<Key, size_t, KeyHash> index_;
};

// Why an item's stored row cannot be decoded: the column and the error.
using Failures = std::map<size_t, std::pair<std::string, Status>>;

// The last value of each interned column, as neighbouring rows mostly share
// it (GateRun::Intern).
struct LastSeen {
  std::string_view suite, modality, metric, group, expect, error_kind,
      template_hash;
};

Status ReadItems(Database* db, const std::string& run_id,
                 internal::GateRowDecoder* decoder, GateRun* out,
                 Failures* failed) {
  auto scan = RunScan::Open(db, "items", kGateItems, run_id);
  if (!scan.ok()) return scan.status();
  out->items.reserve(scan->count());
  LastSeen last;
  for (;;) {
    bool restarted = false;
    auto more = scan->Next(&restarted);
    if (!more.ok()) return more.status();
    if (restarted) {
      out->items.clear();
      failed->clear();
    }
    if (!*more) return Status::Ok();
    const Statement& st = scan->row();
    GateItem& item = out->items.emplace_back();
    item.suite = out->Intern(st.TextView(0), &last.suite);
    item.item_id = out->Copy(st.TextView(1));
    item.content_hash = out->Copy(st.TextView(2));
    item.modality = out->Intern(st.TextView(3), &last.modality);
    item.group = out->Intern(st.TextView(4), &last.group);
    item.expect = out->Intern(st.TextView(5), &last.expect);
    item.line = st.Int(9);
    item.metric = out->Intern(st.TextView(10), &last.metric);
    std::string column;
    Status bad = decoder->CheckItem(st.TextView(6), st.TextView(7),
                                    st.TextView(8), out, &item.slices, &column);
    if (!bad.ok())
      failed->emplace(out->items.size() - 1, std::pair(column, bad));
  }
}

void ReadResponse(const Statement& st, GateRun* run, LastSeen* last,
                  GateItem* item) {
  item->has_response = true;
  const std::optional<std::string_view> answer = st.TextOrNull(2);
  item->has_answer = answer.has_value();
  item->answer = answer ? run->Copy(*answer) : "";
  const std::optional<std::string_view> error = st.TextOrNull(3);
  item->has_error = error.has_value();
  item->error = error ? run->Copy(*error) : "";
  item->error_kind = run->Intern(st.TextView(4), &last->error_kind);
  item->latency_ms = st.Double(5);
  item->cost_usd = st.Double(6);
  item->n_attempts = st.Int(7);
  item->input_tokens = st.Int(8);
  item->output_tokens = st.Int(9);
  item->template_hash = run->Intern(st.TextView(10), &last->template_hash);
  item->schema_valid = st.Int(11);
  item->flaky = st.Int(12) != 0;
}

// A restarted scan reads every response again: each is assigned again, and
// a failure already recorded for its item stays.
Status ReadResponses(Database* db, const std::string& run_id,
                     internal::GateRowDecoder* decoder, ItemFinder* find,
                     GateRun* out, Failures* failed) {
  auto scan = RunScan::Open(db, "responses", kGateResponses, run_id);
  if (!scan.ok()) return scan.status();
  LastSeen last;
  for (;;) {
    bool restarted = false;
    auto more = scan->Next(&restarted);
    if (!more.ok()) return more.status();
    if (restarted) find->Rewind();
    if (!*more) return Status::Ok();
    const Statement& st = scan->row();
    const size_t i = find->Find(st.TextView(0), st.TextView(1));
    if (i == ItemFinder::npos) continue;
    ReadResponse(st, out, &last, &out->items[i]);
    if (failed->count(i)) continue;  // the item's own columns failed first
    std::string column;
    Status bad = decoder->CheckRepeats(st.TextView(kRepeatsJson), &column);
    if (!bad.ok()) failed->emplace(i, std::pair(column, bad));
  }
}

// As LoadResults shows an item whose stored row cannot be decoded: an error
// response naming the column; what was paid for it stays.
void MarkCorrupt(const internal::GateRowDecoder& decoder,
                 const Failures& failed, GateRun* out) {
  for (const auto& [i, why] : failed) {
    GateItem& item = out->items[i];
    item.has_response = true;
    item.has_answer = false;
    item.answer = {};
    item.has_error = true;
    item.error = out->Copy(
        decoder.CorruptError(item.suite, item.item_id, why.first, why.second));
    item.error_kind = out->Intern(kCorruptRowKind);
  }
}

// A corrupt item keeps no scores, as in LoadResults. A restarted scan reads
// every score again. The scores come in no particular order of items: each
// item's are gathered into one span at the end (a counting sort).
Status ReadScores(Database* db, const std::string& run_id, ItemFinder* find,
                  GateRun* out) {
  auto scan = RunScan::Open(db, "scores", kGateScores, run_id);
  if (!scan.ok()) return scan.status();
  std::vector<std::pair<uint32_t, GateScore>> read;
  read.reserve(scan->count());
  std::string_view last_metric;
  for (;;) {
    bool restarted = false;
    auto more = scan->Next(&restarted);
    if (!more.ok()) return more.status();
    if (restarted) {
      find->Rewind();
      read.clear();
    }
    if (!*more) break;
    const Statement& st = scan->row();
    const size_t i = find->Find(st.TextView(0), st.TextView(1));
    if (i == ItemFinder::npos || out->items[i].error_kind == kCorruptRowKind)
      continue;
    GateScore s{out->Intern(st.TextView(2), &last_metric),
                st.Double(3),
                st.Double(4),
                st.Double(5),
                {}};
    if (KeepsScoreDetail(s.metric)) s.detail = out->Copy(st.TextView(6));
    read.emplace_back(static_cast<uint32_t>(i), s);
  }
  std::vector<uint32_t> first(out->items.size() + 1, 0);
  for (const auto& [i, _] : read) ++first[i + 1];
  for (size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
  std::span<GateScore> all = out->Scores(read.size());
  std::vector<uint32_t> next(first.begin(), first.end() - 1);
  for (const auto& [i, s] : read) all[next[i]++] = s;
  for (size_t i = 0; i < out->items.size(); ++i)
    out->items[i].scores = all.subspan(first[i], first[i + 1] - first[i]);
  return Status::Ok();
}

// LoadResults' order, (suite, line, item id), which is unique per item; most
// runs are in it already (items are written by line), so it is checked
// before anything moves.
void SortByLine(std::vector<GateItem>* items) {
  auto before = [](const GateItem& x, const GateItem& y) {
    return std::tie(x.suite, x.line, x.item_id) <
           std::tie(y.suite, y.line, y.item_id);
  };
  if (!std::is_sorted(items->begin(), items->end(), before))
    std::sort(items->begin(), items->end(), before);
}

// One run's items in LoadResults' order, inside one read transaction (one
// snapshot) on `db`.
Result<GateRun> ReadGateRun(Database* db, const std::string& run_id) {
  ReadTransaction snapshot(db);
  MMGATE_RETURN_IF_ERROR(snapshot.status());
  internal::GateRowDecoder decoder(run_id);
  GateRun out;
  Failures failed;
  MMGATE_RETURN_IF_ERROR(ReadItems(db, run_id, &decoder, &out, &failed));
  ItemFinder find(&out.items);
  MMGATE_RETURN_IF_ERROR(
      ReadResponses(db, run_id, &decoder, &find, &out, &failed));
  MarkCorrupt(decoder, failed, &out);
  find.Rewind();
  MMGATE_RETURN_IF_ERROR(ReadScores(db, run_id, &find, &out));
  SortByLine(&out.items);
  return out;
}

}  // namespace

Result<GateRun> SqliteStore::LoadGateRun(const std::string& run_id) {
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
