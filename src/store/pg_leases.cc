// PgStore: work leases with fencing tokens (leases.cc's contract). A claim
// locks the batch's row FOR UPDATE SKIP LOCKED: a worker never waits behind
// another's claim or fenced write of the same batch, it moves on. A fenced
// write holds the row FOR SHARE until it commits, so no claim comes between
// its check and its write.
#include "store/decode.h"
#include "store/pg_store.h"

namespace mmgate::store {
using internal::LeaseName;

Result<std::optional<Lease>> PgStore::ClaimLease(const std::string& run_id,
                                                 const std::string& batch_id,
                                                 const std::string& owner,
                                                 int64_t now_ms,
                                                 int64_t ttl_ms) {
  MMGATE_RETURN_IF_ERROR(
      internal::CheckClaim(LeaseName(run_id, batch_id), owner, ttl_ms));
  using Claimed = std::optional<Lease>;
  return Tx(
      "claiming " + LeaseName(run_id, batch_id),
      [&](pqxx::work& w) -> Result<Claimed> {
        auto held = w.exec_params(
            "SELECT owner, token, expires_ms FROM leases WHERE run_id ="
            " $1 AND batch_id = $2 FOR UPDATE SKIP LOCKED",
            run_id, batch_id);
        if (held.empty()) {
          // Never claimed, or locked by another claimer right now
          // (DO NOTHING then returns no row without waiting).
          auto made = w.exec_params(
              "INSERT INTO leases (run_id, batch_id, owner, token,"
              " expires_ms) VALUES ($1, $2, $3, 1, $4)"
              " ON CONFLICT (run_id, batch_id) DO NOTHING"
              " RETURNING token",
              run_id, batch_id, owner, now_ms + ttl_ms);
          if (made.empty()) return Claimed();
          return Claimed(Lease{run_id, batch_id, owner, 1, now_ms + ttl_ms});
        }
        const auto& row = held[0];
        if (!pg::Text(row, 0).empty() && pg::Int(row, 2) > now_ms)
          return Claimed();
        // The row outlives its releases so the token keeps growing.
        int64_t token =
            pg::Int(w.exec_params1("UPDATE leases SET owner = $3, token = token"
                                   " + 1, expires_ms = $4 WHERE run_id = $1 AND"
                                   " batch_id = $2 RETURNING token",
                                   run_id, batch_id, owner, now_ms + ttl_ms),
                    0);
        return Claimed(Lease{run_id, batch_id, owner, token, now_ms + ttl_ms});
      });
}

Result<std::optional<Lease>> PgStore::RenewLease(const Lease& lease,
                                                 int64_t now_ms,
                                                 int64_t ttl_ms) {
  if (ttl_ms <= 0) {
    return Status::Invalid("renewing " +
                           LeaseName(lease.run_id, lease.batch_id) +
                           ": needs a positive ttl");
  }
  using Renewed = std::optional<Lease>;
  return Tx("renewing " + LeaseName(lease.run_id, lease.batch_id),
            [&](pqxx::work& w) -> Result<Renewed> {
              auto rows = w.exec_params(
                  "UPDATE leases SET expires_ms = $5 WHERE run_id = $1 AND"
                  " batch_id = $2 AND owner = $3 AND token = $4 AND"
                  " expires_ms > $6 RETURNING token",
                  lease.run_id, lease.batch_id, lease.owner, lease.token,
                  now_ms + ttl_ms, now_ms);
              if (rows.empty()) return Renewed();
              Lease renewed = lease;
              renewed.expires_ms = now_ms + ttl_ms;
              return Renewed(std::move(renewed));
            });
}

Result<bool> PgStore::ReleaseLease(const Lease& lease) {
  return Tx("releasing " + LeaseName(lease.run_id, lease.batch_id),
            [&](pqxx::work& w) -> Result<bool> {
              return !w.exec_params(
                           "UPDATE leases SET owner = '', expires_ms = 0"
                           " WHERE run_id = $1 AND batch_id = $2 AND"
                           " owner = $3 AND token = $4 RETURNING token",
                           lease.run_id, lease.batch_id, lease.owner,
                           lease.token)
                          .empty();
            });
}

Result<std::vector<Lease>> PgStore::ListLeases(const std::string& run_id) {
  return Tx("listing the leases of run " + run_id,
            [&](pqxx::work& w) -> Result<std::vector<Lease>> {
              std::vector<Lease> out;
              for (const auto& r : w.exec_params(
                       "SELECT batch_id, owner, token, expires_ms FROM leases"
                       " WHERE run_id = $1 ORDER BY batch_id",
                       run_id)) {
                out.push_back(Lease{run_id, pg::Text(r, 0), pg::Text(r, 1),
                                    pg::Int(r, 2), pg::Int(r, 3)});
              }
              return out;
            });
}

// The row lock (FOR SHARE) holds off a claim of the batch until the write
// commits.
bool PgStore::LeaseIsCurrent(pqxx::work& w, const Lease& lease) {
  return !w.exec_params(
               "SELECT token FROM leases WHERE run_id = $1 AND"
               " batch_id = $2 AND owner = $3 AND token = $4 FOR SHARE",
               lease.run_id, lease.batch_id, lease.owner, lease.token)
              .empty();
}

Result<bool> PgStore::PutResultFenced(
    const Lease& lease, const ResponseRecord& response,
    const std::vector<ScoreRecord>& scores,
    const std::vector<AttemptRecord>& attempts,
    const std::optional<CacheEntry>& cache) {
  return Tx("storing item " + response.item_id + " under " +
                LeaseName(lease.run_id, lease.batch_id),
            [&](pqxx::work& w) -> Result<bool> {
              if (!LeaseIsCurrent(w, lease)) return false;
              WriteResult(w, lease.run_id, response, scores, attempts, cache);
              return true;
            });
}

Result<bool> PgStore::PutStagedResultFenced(
    const Lease& lease, const ResponseRecord& response,
    const std::vector<ScoreRecord>& scores,
    const std::vector<StageRecord>& stages,
    const std::vector<ExtraResponseRecord>& extras) {
  MMGATE_RETURN_IF_ERROR(CheckStages(lease.run_id, stages));
  return Tx("storing item " + response.item_id + " and its stages under " +
                LeaseName(lease.run_id, lease.batch_id),
            [&](pqxx::work& w) -> Result<bool> {
              if (!LeaseIsCurrent(w, lease)) return false;
              WriteStages(w, lease.run_id, stages);
              WriteExtraResponses(w, lease.run_id, extras);
              WriteResult(w, lease.run_id, response, scores, {}, std::nullopt);
              return true;
            });
}

}  // namespace mmgate::store
