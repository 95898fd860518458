// Production traces and pipeline stages (schema 3), for backfill and
// stage-level evaluation.
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "store/decode.h"
#include "store/sqlite_store.h"
#include "store/trace_facts.h"

namespace mmgate::store {
namespace {

constexpr const char* kTraceColumns =
    "trace_id, created_ms, model_version, inputs_ref, inputs_json, decision,"
    " category, outcome, request_hash";

TraceRecord ReadTrace(const Statement& st) {
  TraceRecord t;
  t.trace_id = st.Text(0);
  t.created_ms = st.Int(1);
  t.model_version = st.Text(2);
  t.inputs_ref = st.Text(3);
  t.inputs_json = st.Text(4);
  t.decision = st.Text(5);
  t.category = st.Text(6);
  t.outcome = st.Text(7);
  t.request_hash = st.Text(8);
  return t;
}

// Every row the prepared statement yields, in its order.
Result<std::vector<TraceRecord>> ReadTraces(Statement* st) {
  std::vector<TraceRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadTrace(*st));
  }
  return out;
}

StageRecord ReadStage(const Statement& st) {
  StageRecord s;
  s.suite = st.Text(0);
  s.item_id = st.Text(1);
  s.trace_id = st.Text(2);
  s.seq = st.Int(3);
  s.stage = st.Text(4);
  s.input_ref = st.Text(5);
  s.output_ref = st.Text(6);
  if (!st.IsNull(7)) s.answer = st.Text(7);
  if (!st.IsNull(8)) s.error = st.Text(8);
  s.error_kind = st.Text(9);
  s.latency_ms = st.Double(10);
  s.created_ms = st.Int(11);
  return s;
}

}  // namespace

Status SqliteStore::PutTraces(const std::vector<TraceRecord>& traces) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const TraceRecord& t : traces) {
    if (t.trace_id.empty()) return Status::Invalid("a trace needs an id");
    if (!nlohmann::json::accept(t.inputs_json))
      return Status::Invalid("trace " + t.trace_id +
                             ": inputs_json is not valid JSON");
  }
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto st = db_->Prepare(
      std::string("INSERT INTO traces (") + kTraceColumns +
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
      " ON CONFLICT (trace_id) DO UPDATE SET created_ms = excluded.created_ms,"
      " model_version = excluded.model_version,"
      " inputs_ref = excluded.inputs_ref, inputs_json = excluded.inputs_json,"
      " decision = excluded.decision, category = excluded.category,"
      " outcome = excluded.outcome, request_hash = excluded.request_hash");
  if (!st.ok()) return st.status();
  for (const TraceRecord& t : traces) {
    st->Bind(1, t.trace_id)
        .Bind(2, t.created_ms)
        .Bind(3, t.model_version)
        .Bind(4, t.inputs_ref)
        .Bind(5, t.inputs_json)
        .Bind(6, t.decision)
        .Bind(7, t.category)
        .Bind(8, t.outcome)
        .Bind(9, t.request_hash);
    MMGATE_RETURN_IF_ERROR(st->Run().WithContext("trace " + t.trace_id));
  }
  MMGATE_RETURN_IF_ERROR(PutTraceFacts(traces));
  return tx.Commit();
}

Status SqliteStore::PutTraceFacts(const std::vector<TraceRecord>& traces) {
  auto st = db_->Prepare(
      "INSERT INTO trace_facts (trace_id, created_ms, category, decision,"
      " has_facts, modality, slices_json, ground_truth, confidence)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
      " ON CONFLICT (trace_id) DO UPDATE SET created_ms = excluded.created_ms,"
      " category = excluded.category, decision = excluded.decision,"
      " has_facts = excluded.has_facts, modality = excluded.modality,"
      " slices_json = excluded.slices_json,"
      " ground_truth = excluded.ground_truth,"
      " confidence = excluded.confidence");
  if (!st.ok()) return st.status();
  TraceFactsReader reader;
  TraceFacts f;
  // Traces of one history share a few slice sets: each encoded once in a row.
  std::vector<std::pair<std::string, std::string>> last_slices;
  std::string slices_json = internal::EncodeSlices({});
  for (const TraceRecord& t : traces) {
    const bool read = reader.Read(t.inputs_json, &f);
    if (!read) f = TraceFacts{};
    if (f.slices != last_slices) {
      last_slices = f.slices;
      slices_json = internal::EncodeSlices(f.slices);
    }
    st->Bind(1, t.trace_id)
        .Bind(2, t.created_ms)
        .Bind(3, t.category)
        .Bind(4, t.decision)
        .Bind(5, int64_t{read})
        .Bind(6, f.modality)
        .Bind(7, slices_json)
        .Bind(8, f.ground_truth)
        .Bind(9, f.confidence);
    MMGATE_RETURN_IF_ERROR(st->Run().WithContext("trace " + t.trace_id));
  }
  return Status::Ok();
}

Status SqliteStore::FillTraceFacts() {
  // In rowid order (a history is written in id order, so this reads the
  // table front to back), a page of TraceRecords at a time.
  auto st = db_->Prepare(
      "SELECT rowid, trace_id, created_ms, category, decision, inputs_json"
      " FROM traces WHERE rowid > ?1 ORDER BY rowid LIMIT 10000");
  if (!st.ok()) return st.status();
  std::vector<TraceRecord> page;
  int64_t after = -1;
  for (;;) {
    page.clear();
    st->Bind(1, after);
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      after = st->Int(0);
      TraceRecord& t = page.emplace_back();
      t.trace_id = st->Text(1);
      t.created_ms = st->Int(2);
      t.category = st->Text(3);
      t.decision = st->Text(4);
      t.inputs_json = st->Text(5);
    }
    st->Reset();
    if (page.empty()) return Status::Ok();
    MMGATE_RETURN_IF_ERROR(PutTraceFacts(page));
  }
}

Result<std::optional<TraceRecord>> SqliteStore::GetTrace(
    const std::string& trace_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(std::string("SELECT ") + kTraceColumns +
                         " FROM traces WHERE trace_id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, trace_id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<TraceRecord>();
  return std::optional<TraceRecord>(ReadTrace(*st));
}

Result<std::vector<TraceRecord>> SqliteStore::ListTraces(
    const TraceFilter& filter) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(std::string("SELECT ") + kTraceColumns +
                         " FROM traces WHERE created_ms >= ?1 AND"
                         " created_ms < ?2 AND (?3 = '' OR category = ?3)"
                         " ORDER BY created_ms, trace_id");
  if (!st.ok()) return st.status();
  st->Bind(1, filter.since_ms)
      .Bind(2, filter.until_ms)
      .Bind(3, filter.category);
  return ReadTraces(&*st);
}

Result<std::vector<TraceRecord>> SqliteStore::ListTracesPage(
    const TraceFilter& filter, const std::string& after_id, int64_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  // The unary + keeps SQLite off the time index: with it, every page sorted
  // the whole history by id (O(N) a page; paging 2.7 million traces took
  // 5x the CPU); the id index walks from `after_id` and stops at the limit.
  auto st = db_->Prepare(std::string("SELECT ") + kTraceColumns +
                         " FROM traces WHERE trace_id > ?4 AND"
                         " +created_ms >= ?1 AND +created_ms < ?2 AND"
                         " (?3 = '' OR category = ?3) ORDER BY trace_id"
                         " LIMIT ?5");
  if (!st.ok()) return st.status();
  st->Bind(1, filter.since_ms)
      .Bind(2, filter.until_ms)
      .Bind(3, filter.category)
      .Bind(4, after_id)
      .Bind(5, limit);
  return ReadTraces(&*st);
}

Status SqliteStore::PutStages(const std::string& run_id,
                              const std::vector<StageRecord>& stages) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  MMGATE_RETURN_IF_ERROR(WriteStages(run_id, stages));
  return tx.Commit();
}

Status SqliteStore::WriteStages(const std::string& run_id,
                                const std::vector<StageRecord>& stages) {
  for (const StageRecord& s : stages) {
    if (s.item_id.empty() == s.trace_id.empty())
      return Status::Invalid("stage " + s.stage + " of run " + run_id +
                             ": a stage belongs to one item or one trace");
  }
  // A redone item's stages replace its old ones, however many there were.
  std::set<std::tuple<std::string, std::string, std::string>> subjects;
  for (const StageRecord& s : stages)
    subjects.insert({s.suite, s.item_id, s.trace_id});
  auto del = db_->Prepare(
      "DELETE FROM stages WHERE run_id = ?1 AND suite = ?2 AND item_id = ?3"
      " AND trace_id = ?4");
  if (!del.ok()) return del.status();
  for (const auto& [suite, item, trace] : subjects) {
    del->Bind(1, run_id).Bind(2, suite).Bind(3, item).Bind(4, trace);
    MMGATE_RETURN_IF_ERROR(del->Run());
  }
  auto ins = db_->Prepare(
      "INSERT INTO stages (run_id, suite, item_id, trace_id, seq, stage,"
      " input_ref, output_ref, answer, error, error_kind, latency_ms,"
      " created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
      " ?13)");
  if (!ins.ok()) return ins.status();
  for (const StageRecord& s : stages) {
    ins->Bind(1, run_id)
        .Bind(2, s.suite)
        .Bind(3, s.item_id)
        .Bind(4, s.trace_id)
        .Bind(5, s.seq)
        .Bind(6, s.stage)
        .Bind(7, s.input_ref)
        .Bind(8, s.output_ref)
        .BindOptional(9, s.answer)
        .BindOptional(10, s.error)
        .Bind(11, s.error_kind)
        .Bind(12, s.latency_ms)
        .Bind(13, s.created_ms);
    MMGATE_RETURN_IF_ERROR(
        ins->Run().WithContext("stage " + s.stage + " of " +
                               (s.trace_id.empty() ? s.item_id : s.trace_id)));
  }
  return Status::Ok();
}

Result<std::vector<StageRecord>> SqliteStore::LoadStages(
    const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT suite, item_id, trace_id, seq, stage, input_ref, output_ref,"
      " answer, error, error_kind, latency_ms, created_ms FROM stages"
      " WHERE run_id = ?1 ORDER BY suite, item_id, trace_id, seq");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::vector<StageRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadStage(*st));
  }
  return out;
}

}  // namespace mmgate::store
