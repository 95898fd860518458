// SqliteStore: the queue over a run's lease rows (store.h, AddLeases and
// after). A claim is one UPDATE picking its row through the leases_free
// index (run_id, expires_ms, batch_id), so its cost does not grow with the
// run's batches; SQLite's write lock makes it atomic against other
// processes.
#include "store/decode.h"
#include "store/sqlite_store.h"

namespace mmgate::store {

Status SqliteStore::AddLeases(const std::string& run_id,
                              const std::vector<std::string>& batch_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto st = db_->Prepare(
      "INSERT INTO leases (run_id, batch_id, owner, token, expires_ms)"
      " VALUES (?1, ?2, '', 0, 0) ON CONFLICT (run_id, batch_id) DO NOTHING");
  if (!st.ok()) return st.status();
  for (const std::string& id : batch_ids) {
    st->Bind(1, run_id).Bind(2, id);
    MMGATE_RETURN_IF_ERROR(
        st->Run().WithContext("adding batch " + id + " of run " + run_id));
  }
  return tx.Commit();
}

Result<std::optional<Lease>> SqliteStore::ClaimNextLease(
    const std::string& run_id, const std::string& owner, int64_t now_ms,
    int64_t ttl_ms) {
  MMGATE_RETURN_IF_ERROR(
      internal::CheckClaim("a batch of run " + run_id, owner, ttl_ms));
  std::lock_guard<std::mutex> lock(mu_);
  // Free rows expire at 0 (never claimed, released); an expired holder's
  // row expires in (0, now]. Each subquery reads the index's first match.
  auto st = db_->Prepare(
      "UPDATE leases SET owner = ?2, token = token + 1, expires_ms = ?4"
      " WHERE run_id = ?1 AND batch_id = COALESCE("
      " (SELECT batch_id FROM leases WHERE run_id = ?1 AND expires_ms > 0"
      "  AND expires_ms <= ?3 AND substr(batch_id, 1, 1) <> '~'"
      "  ORDER BY expires_ms, batch_id LIMIT 1),"
      " (SELECT batch_id FROM leases WHERE run_id = ?1 AND expires_ms = 0"
      "  AND substr(batch_id, 1, 1) <> '~' ORDER BY batch_id LIMIT 1))"
      " RETURNING batch_id, token");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, owner).Bind(3, now_ms).Bind(4, now_ms + ttl_ms);
  auto row = st->Step();
  if (!row.ok()) {
    st->Reset();
    return row.status().WithContext("claiming a batch of run " + run_id);
  }
  if (!*row) {
    st->Reset();
    return std::optional<Lease>();
  }
  Lease lease{run_id, st->Text(0), owner, st->Int(1), now_ms + ttl_ms};
  MMGATE_RETURN_IF_ERROR(st->Run());
  return std::optional<Lease>(std::move(lease));
}

Result<int64_t> SqliteStore::CountLeasesBefore(const std::string& run_id,
                                               int64_t before_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT COUNT(*) FROM leases WHERE run_id = ?1 AND expires_ms < ?2"
      " AND substr(batch_id, 1, 1) <> '~'");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, before_ms);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  int64_t n = st->Int(0);
  st->Reset();
  return n;
}

Result<std::optional<Lease>> SqliteStore::GetLease(
    const std::string& run_id, const std::string& batch_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT owner, token, expires_ms FROM leases WHERE run_id = ?1"
      " AND batch_id = ?2");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, batch_id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Lease>();
  Lease lease{run_id, batch_id, st->Text(0), st->Int(1), st->Int(2)};
  st->Reset();
  return std::optional<Lease>(std::move(lease));
}

}  // namespace mmgate::store
