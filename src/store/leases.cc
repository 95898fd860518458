// Work leases (schema 3): batches of a run claimed by workers, with fencing
// tokens so a worker that lost its lease cannot overwrite the new holder's
// results. Each claim, renewal and release is one statement, atomic against
// other processes; times come from the caller.
#include "store/decode.h"
#include "store/sqlite_store.h"

namespace mmgate::store {
using internal::LeaseName;

Result<std::optional<Lease>> SqliteStore::ClaimLease(
    const std::string& run_id, const std::string& batch_id,
    const std::string& owner, int64_t now_ms, int64_t ttl_ms) {
  MMGATE_RETURN_IF_ERROR(
      internal::CheckClaim(LeaseName(run_id, batch_id), owner, ttl_ms));
  std::lock_guard<std::mutex> lock(mu_);
  // The row outlives its releases so the token keeps growing.
  auto st = db_->Prepare(
      "INSERT INTO leases (run_id, batch_id, owner, token, expires_ms)"
      " VALUES (?1, ?2, ?3, 1, ?4)"
      " ON CONFLICT (run_id, batch_id) DO UPDATE SET owner = excluded.owner,"
      " token = leases.token + 1, expires_ms = excluded.expires_ms"
      " WHERE leases.owner = '' OR leases.expires_ms <= ?5"
      " RETURNING token");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id)
      .Bind(2, batch_id)
      .Bind(3, owner)
      .Bind(4, now_ms + ttl_ms)
      .Bind(5, now_ms);
  auto token = st->RunReturningInt();
  if (!token.ok())
    return token.status().WithContext("claiming " +
                                      LeaseName(run_id, batch_id));
  if (!token->has_value()) return std::optional<Lease>();
  return std::optional<Lease>(
      Lease{run_id, batch_id, owner, **token, now_ms + ttl_ms});
}

Result<std::optional<Lease>> SqliteStore::RenewLease(const Lease& lease,
                                                     int64_t now_ms,
                                                     int64_t ttl_ms) {
  if (ttl_ms <= 0) {
    return Status::Invalid("renewing " +
                           LeaseName(lease.run_id, lease.batch_id) +
                           ": needs a positive ttl");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "UPDATE leases SET expires_ms = ?5 WHERE run_id = ?1 AND batch_id = ?2"
      " AND owner = ?3 AND token = ?4 AND expires_ms > ?6 RETURNING token");
  if (!st.ok()) return st.status();
  st->Bind(1, lease.run_id)
      .Bind(2, lease.batch_id)
      .Bind(3, lease.owner)
      .Bind(4, lease.token)
      .Bind(5, now_ms + ttl_ms)
      .Bind(6, now_ms);
  auto token = st->RunReturningInt();
  if (!token.ok()) {
    return token.status().WithContext("renewing " +
                                      LeaseName(lease.run_id, lease.batch_id));
  }
  if (!token->has_value()) return std::optional<Lease>();
  Lease renewed = lease;
  renewed.expires_ms = now_ms + ttl_ms;
  return std::optional<Lease>(std::move(renewed));
}

Result<bool> SqliteStore::ReleaseLease(const Lease& lease) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "UPDATE leases SET owner = '', expires_ms = 0 WHERE run_id = ?1"
      " AND batch_id = ?2 AND owner = ?3 AND token = ?4 RETURNING token");
  if (!st.ok()) return st.status();
  st->Bind(1, lease.run_id)
      .Bind(2, lease.batch_id)
      .Bind(3, lease.owner)
      .Bind(4, lease.token);
  auto token = st->RunReturningInt();
  if (!token.ok()) {
    return token.status().WithContext("releasing " +
                                      LeaseName(lease.run_id, lease.batch_id));
  }
  return token->has_value();
}

Result<std::vector<Lease>> SqliteStore::ListLeases(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT batch_id, owner, token, expires_ms FROM leases WHERE run_id = ?1"
      " ORDER BY batch_id");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::vector<Lease> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(
        Lease{run_id, st->Text(0), st->Text(1), st->Int(2), st->Int(3)});
  }
  return out;
}

Result<bool> SqliteStore::LeaseIsCurrent(const Lease& lease) {
  auto st = db_->Prepare(
      "SELECT COUNT(*) FROM leases WHERE run_id = ?1 AND batch_id = ?2"
      " AND owner = ?3 AND token = ?4");
  if (!st.ok()) return st.status();
  st->Bind(1, lease.run_id)
      .Bind(2, lease.batch_id)
      .Bind(3, lease.owner)
      .Bind(4, lease.token);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return st->Int(0) > 0;
}

Result<bool> SqliteStore::WriteFenced(const Lease& lease,
                                      const std::function<Status()>& write) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto current = LeaseIsCurrent(lease);
  if (!current.ok()) return current.status();
  if (!*current) return false;
  MMGATE_RETURN_IF_ERROR(write());
  MMGATE_RETURN_IF_ERROR(tx.Commit());
  return true;
}

Result<bool> SqliteStore::PutResultFenced(
    const Lease& lease, const ResponseRecord& response,
    const std::vector<ScoreRecord>& scores,
    const std::vector<AttemptRecord>& attempts,
    const std::optional<CacheEntry>& cache) {
  return WriteFenced(lease, [&] {
    return WriteResult(lease.run_id, response, scores, attempts, cache);
  });
}

Result<bool> SqliteStore::PutStagedResultFenced(
    const Lease& lease, const ResponseRecord& response,
    const std::vector<ScoreRecord>& scores,
    const std::vector<StageRecord>& stages,
    const std::vector<ExtraResponseRecord>& extras) {
  return WriteFenced(lease, [&]() -> Status {
    MMGATE_RETURN_IF_ERROR(WriteStages(lease.run_id, stages));
    MMGATE_RETURN_IF_ERROR(WriteExtraResponses(lease.run_id, extras));
    return WriteResult(lease.run_id, response, scores, {}, std::nullopt);
  });
}

}  // namespace mmgate::store
