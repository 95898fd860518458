// The attempts and cache tables (schema 2): every provider call of a run, and
// answers keyed by request hash so no run pays twice for the same call.
#include "store/sqlite_store.h"

namespace mmgate::store {

Status SqliteStore::InsertAttempts(const std::string& run_id,
                                   const std::vector<AttemptRecord>& attempts) {
  if (attempts.empty()) return Status::Ok();
  auto st = db_->Prepare(
      "INSERT INTO attempts (run_id, suite, item_id, attempt, http_status,"
      " error_kind, error, latency_ms, ttft_ms, wait_ms, input_tokens,"
      " output_tokens, cost_usd, created_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!st.ok()) return st.status();
  for (const AttemptRecord& a : attempts) {
    st->Bind(1, run_id)
        .Bind(2, a.suite)
        .Bind(3, a.item_id)
        .Bind(4, a.attempt)
        .Bind(5, a.http_status)
        .Bind(6, a.error_kind)
        .Bind(7, a.error)
        .Bind(8, a.latency_ms)
        .Bind(9, a.ttft_ms)
        .Bind(10, a.wait_ms)
        .Bind(11, a.input_tokens)
        .Bind(12, a.output_tokens)
        .Bind(13, a.cost_usd)
        .Bind(14, a.created_ms);
    MMGATE_RETURN_IF_ERROR(
        st->Run().WithContext("attempt of item " + a.item_id));
  }
  return Status::Ok();
}

Status SqliteStore::InsertCache(const CacheEntry& e) {
  auto st = db_->Prepare(
      "INSERT INTO cache (key, model_version, answer, input_tokens,"
      " output_tokens, template_hash, schema_valid, created_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
      " ON CONFLICT (key) DO UPDATE SET model_version = excluded.model_version,"
      " answer = excluded.answer, input_tokens = excluded.input_tokens,"
      " output_tokens = excluded.output_tokens,"
      " template_hash = excluded.template_hash,"
      " schema_valid = excluded.schema_valid, created_ms = "
      "excluded.created_ms");
  if (!st.ok()) return st.status();
  st->Bind(1, e.key)
      .Bind(2, e.model_version)
      .Bind(3, e.answer)
      .Bind(4, e.input_tokens)
      .Bind(5, e.output_tokens)
      .Bind(6, e.template_hash)
      .Bind(7, e.schema_valid)
      .Bind(8, e.created_ms);
  return st->Run().WithContext("cache entry " + e.key);
}

Status SqliteStore::PutAttempts(const std::string& run_id,
                                const std::vector<AttemptRecord>& attempts,
                                const std::optional<CacheEntry>& cache) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  MMGATE_RETURN_IF_ERROR(InsertAttempts(run_id, attempts));
  if (cache) MMGATE_RETURN_IF_ERROR(InsertCache(*cache));
  return tx.Commit();
}

Result<std::optional<CacheEntry>> SqliteStore::GetCached(
    const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT model_version, answer, input_tokens, output_tokens,"
      " template_hash, schema_valid, created_ms FROM cache WHERE key = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, key);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<CacheEntry>();
  CacheEntry e;
  e.key = key;
  e.model_version = st->Text(0);
  e.answer = st->Text(1);
  e.input_tokens = st->Int(2);
  e.output_tokens = st->Int(3);
  e.template_hash = st->Text(4);
  e.schema_valid = st->Int(5);
  e.created_ms = st->Int(6);
  return std::optional<CacheEntry>(std::move(e));
}

Result<std::vector<AttemptRecord>> SqliteStore::LoadAttempts(
    const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT suite, item_id, attempt, http_status, error_kind, error,"
      " latency_ms, ttft_ms, wait_ms, input_tokens, output_tokens, cost_usd,"
      " created_ms FROM attempts WHERE run_id = ?1 ORDER BY attempt_id");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::vector<AttemptRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    AttemptRecord a;
    a.suite = st->Text(0);
    a.item_id = st->Text(1);
    a.attempt = st->Int(2);
    a.http_status = st->Int(3);
    a.error_kind = st->Text(4);
    a.error = st->Text(5);
    a.latency_ms = st->Double(6);
    a.ttft_ms = st->Double(7);
    a.wait_ms = st->Double(8);
    a.input_tokens = st->Int(9);
    a.output_tokens = st->Int(10);
    a.cost_usd = st->Double(11);
    a.created_ms = st->Int(12);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace mmgate::store
