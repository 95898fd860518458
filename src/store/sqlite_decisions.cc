// SqliteStore::LoadDecisionsPage. SQLite runs a join of the traces with the
// run's items and responses as a nested loop, two index seeks per trace
// (about 3 us a trace over millions); here the three tables are each read in
// id order, the items from their primary key's covering index alone, and
// merged as they come, in one read transaction (under 1 us a trace).
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "store/decode.h"
#include "store/sqlite_store.h"

namespace mmgate::store {
namespace {

// The narrow trace_facts (schema 6), not the traces with their requests
// whole: a quarter of the bytes, which is most of the time when the
// database is not in the page cache.
constexpr const char* kTraces =
    "SELECT trace_id, created_ms, category, decision, has_facts, modality,"
    " slices_json, ground_truth, confidence FROM trace_facts"
    " WHERE trace_id > ?1 ORDER BY trace_id LIMIT ?2";
constexpr const char* kInputs =
    "SELECT inputs_json FROM traces WHERE trace_id = ?1";
constexpr const char* kItems =
    "SELECT item_id FROM items WHERE run_id = ?1 AND suite = ?2"
    " AND item_id > ?3 ORDER BY item_id";
constexpr const char* kAnswers =
    "SELECT item_id, answer FROM responses WHERE run_id = ?1 AND suite = ?2"
    " AND item_id > ?3 ORDER BY item_id";

// A statement whose first column is an item id, stepped alongside the traces
// (and only as far as they go). SQLite's BINARY order is memcmp's, as is
// std::string_view's, so both sides compare ids the same way.
class IdCursor {
 public:
  explicit IdCursor(Statement st) : st_(std::move(st)) {}
  const Statement& row() const { return st_; }

  // Skips the rows before `id`; true when the current row is its.
  Result<bool> At(std::string_view id) {
    for (;;) {
      if (!started_) {
        started_ = true;
        MMGATE_RETURN_IF_ERROR(Next());
      }
      if (!live_) return false;
      const int c = st_.TextView(0).compare(id);
      if (c == 0) return true;
      if (c > 0) return false;
      MMGATE_RETURN_IF_ERROR(Next());
    }
  }

 private:
  Status Next() {
    auto more = st_.Step();
    if (!more.ok()) return more.status();
    live_ = *more;
    return Status::Ok();
  }
  Statement st_;
  bool started_ = false, live_ = false;
};

Result<IdCursor> OpenIds(Database* db, const char* sql,
                         const std::string& run_id, const std::string& suite,
                         const std::string& after_id) {
  auto st = db->Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, suite).Bind(3, after_id);
  return IdCursor(std::move(*st));
}

// The slices of a trace_facts row: a history's traces share a few slice
// sets, so each distinct text is decoded once a page. Text that does not
// decode (never written by mmgate) leaves the row without facts.
class SlicesCache {
 public:
  bool Decode(std::string_view text,
              std::vector<std::pair<std::string, std::string>>* out) {
    auto it = decoded_.find(text);
    if (it == decoded_.end()) {
      auto slices = internal::DecodeSlices(std::string(text));
      it = decoded_
               .emplace(std::string(text),
                        slices.ok() ? std::optional(std::move(*slices))
                                    : std::nullopt)
               .first;
    }
    if (!it->second) return false;
    out->assign(it->second->begin(), it->second->end());
    return true;
  }

 private:
  using Slices = std::vector<std::pair<std::string, std::string>>;
  std::map<std::string, std::optional<Slices>, std::less<>> decoded_;
};

// The request of a trace stored without facts (rare: media, or inputs the
// fast reader does not read whole).
Status ReadInputs(Database* db, std::optional<Statement>* inputs,
                  DecisionRow* d) {
  if (!*inputs) {
    auto st = db->Prepare(kInputs);
    if (!st.ok()) return st.status();
    inputs->emplace(std::move(*st));
  }
  Statement& st = **inputs;
  st.Bind(1, d->trace_id);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  d->inputs_json.assign(*row ? st.TextView(0) : "");
  st.Reset();
  return Status::Ok();
}

// Sets d's facts from the current trace_facts row, or its inputs_json when
// the row has none.
Status ReadFacts(const Statement& row, Database* db, SlicesCache* slices,
                 std::optional<Statement>* inputs, DecisionRow* d) {
  d->has_facts = row.Int(4) != 0 && slices->Decode(row.TextView(6), &d->slices);
  if (!d->has_facts) {
    d->slices.clear();
    return ReadInputs(db, inputs, d);
  }
  d->modality.assign(row.TextView(5));
  d->ground_truth.assign(row.TextView(7));
  d->confidence = row.Double(8);
  d->inputs_json.clear();
  return Status::Ok();
}

}  // namespace

Status SqliteStore::LoadDecisionsPage(const std::string& run_id,
                                      const std::string& suite,
                                      const std::string& after_id,
                                      int64_t limit,
                                      std::vector<DecisionRow>* page) {
  std::lock_guard<std::mutex> lock(mu_);
  ReadTransaction snapshot(db_.get());
  MMGATE_RETURN_IF_ERROR(snapshot.status());
  auto traces = db_->Prepare(kTraces);
  if (!traces.ok()) return traces.status();
  traces->Bind(1, after_id).Bind(2, limit);
  auto items = OpenIds(db_.get(), kItems, run_id, suite, after_id);
  if (!items.ok()) return items.status();
  auto answers = OpenIds(db_.get(), kAnswers, run_id, suite, after_id);
  if (!answers.ok()) return answers.status();
  SlicesCache slices;
  std::optional<Statement> inputs;
  size_t n = 0;
  for (;; ++n) {
    auto row = traces->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (n == page->size()) page->emplace_back();
    DecisionRow& d = (*page)[n];
    d.trace_id.assign(traces->TextView(0));
    d.created_ms = traces->Int(1);
    d.category.assign(traces->TextView(2));
    d.decision.assign(traces->TextView(3));
    MMGATE_RETURN_IF_ERROR(ReadFacts(*traces, db_.get(), &slices, &inputs, &d));
    auto in_run = items->At(d.trace_id);
    if (!in_run.ok()) return in_run.status();
    d.in_run = *in_run;
    auto answered = answers->At(d.trace_id);
    if (!answered.ok()) return answered.status();
    d.answered = *answered && !answers->row().IsNull(1);
    d.answer.assign(d.answered ? answers->row().TextView(1) : "");
  }
  page->resize(n);
  return Status::Ok();
}

}  // namespace mmgate::store
