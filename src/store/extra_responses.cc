// Extra responses (schema 3): repeats, judge calls and stage responses of an
// item, beside its primary response.
#include <set>
#include <tuple>

#include "store/sqlite_store.h"

namespace mmgate::store {

Status SqliteStore::PutExtraResponses(
    const std::string& run_id,
    const std::vector<ExtraResponseRecord>& responses) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  MMGATE_RETURN_IF_ERROR(WriteExtraResponses(run_id, responses));
  return tx.Commit();
}

Status SqliteStore::WriteExtraResponses(
    const std::string& run_id,
    const std::vector<ExtraResponseRecord>& responses) {
  // Redone repeats replace the old ones, however many there were.
  std::set<std::tuple<std::string, std::string, std::string_view>> groups;
  for (const ExtraResponseRecord& r : responses)
    groups.insert({r.suite, r.item_id, ResponseKindName(r.kind)});
  auto del = db_->Prepare(
      "DELETE FROM extra_responses WHERE run_id = ?1 AND suite = ?2"
      " AND item_id = ?3 AND kind = ?4");
  if (!del.ok()) return del.status();
  for (const auto& [suite, item, kind] : groups) {
    del->Bind(1, run_id).Bind(2, suite).Bind(3, item).Bind(4, kind);
    MMGATE_RETURN_IF_ERROR(del->Run());
  }
  auto ins = db_->Prepare(
      "INSERT INTO extra_responses (run_id, suite, item_id, kind, seq,"
      " content_hash, answer, error, error_kind, latency_ms, model_version,"
      " input_tokens, output_tokens, cost_usd, value, created_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
      " ?15, ?16)");
  if (!ins.ok()) return ins.status();
  for (const ExtraResponseRecord& r : responses) {
    ins->Bind(1, run_id)
        .Bind(2, r.suite)
        .Bind(3, r.item_id)
        .Bind(4, ResponseKindName(r.kind))
        .Bind(5, r.seq)
        .Bind(6, r.content_hash)
        .BindOptional(7, r.answer)
        .BindOptional(8, r.error)
        .Bind(9, r.error_kind)
        .Bind(10, r.latency_ms)
        .Bind(11, r.model_version)
        .Bind(12, r.input_tokens)
        .Bind(13, r.output_tokens)
        .Bind(14, r.cost_usd)
        .BindOptional(15, r.value)
        .Bind(16, r.created_ms);
    MMGATE_RETURN_IF_ERROR(ins->Run().WithContext(
        std::string(ResponseKindName(r.kind)) + " response " +
        std::to_string(r.seq) + " of item " + r.item_id + " in run " + run_id));
  }
  return Status::Ok();
}

Result<std::vector<ExtraResponseRecord>> SqliteStore::LoadExtraResponses(
    const std::string& run_id, ResponseKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT suite, item_id, seq, content_hash, answer, error, error_kind,"
      " latency_ms, model_version, input_tokens, output_tokens, cost_usd,"
      " value, created_ms FROM extra_responses WHERE run_id = ?1 AND kind = ?2"
      " ORDER BY suite, item_id, seq");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, ResponseKindName(kind));
  std::vector<ExtraResponseRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ExtraResponseRecord r;
    r.suite = st->Text(0);
    r.item_id = st->Text(1);
    r.kind = kind;
    r.seq = st->Int(2);
    r.content_hash = st->Text(3);
    if (!st->IsNull(4)) r.answer = st->Text(4);
    if (!st->IsNull(5)) r.error = st->Text(5);
    r.error_kind = st->Text(6);
    r.latency_ms = st->Double(7);
    r.model_version = st->Text(8);
    r.input_tokens = st->Int(9);
    r.output_tokens = st->Int(10);
    r.cost_usd = st->Double(11);
    if (!st->IsNull(12)) r.value = st->Double(12);
    r.created_ms = st->Int(13);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mmgate::store
