// PgStore: the queue over a run's lease rows (store.h, AddLeases and after).
// A claim locks the first free row it reaches through the leases_free index
// (run_id, expires_ms, batch_id) FOR UPDATE SKIP LOCKED and takes it in the
// same statement: claimers never wait for each other, and the cost does not
// grow with the run's batches.
#include <string>

#include "store/decode.h"
#include "store/pg_store.h"

namespace mmgate::store {
namespace {

// Claims the first row of one kind of free batch, locked as it is read:
// `where` picks the kind ($3 is the new expiry, $4 the time now), `order`
// follows the index.
std::string ClaimSql(const char* where, const char* order) {
  return std::string(
             "WITH next AS (SELECT batch_id FROM leases WHERE run_id = $1"
             " AND ") +
         where + " AND left(batch_id, 1) <> '~' ORDER BY " + order +
         " LIMIT 1 FOR UPDATE SKIP LOCKED)"
         " UPDATE leases l SET owner = $2, token = l.token + 1,"
         " expires_ms = $3 FROM next WHERE l.run_id = $1"
         " AND l.batch_id = next.batch_id RETURNING l.batch_id, l.token";
}

}  // namespace

Status PgStore::AddLeases(const std::string& run_id,
                          const std::vector<std::string>& batch_ids) {
  if (batch_ids.empty()) return Status::Ok();
  return Tx("adding " + std::to_string(batch_ids.size()) + " batches to run " +
                run_id,
            [&](pqxx::work& w) -> Status {
              // One statement for all the rows: not a round trip per batch.
              std::string ids;
              for (const std::string& id : batch_ids)
                ids += (ids.empty() ? "" : ",") + w.quote(id);
              w.exec_params(
                  "INSERT INTO leases (run_id, batch_id, owner, token,"
                  " expires_ms) SELECT $1, id, '', 0, 0 FROM unnest(ARRAY[" +
                      ids +
                      "]::text[]) AS id ON CONFLICT (run_id, batch_id) DO "
                      "NOTHING",
                  run_id);
              return Status::Ok();
            });
}

Result<std::optional<Lease>> PgStore::ClaimNextLease(const std::string& run_id,
                                                     const std::string& owner,
                                                     int64_t now_ms,
                                                     int64_t ttl_ms) {
  MMGATE_RETURN_IF_ERROR(
      internal::CheckClaim("a batch of run " + run_id, owner, ttl_ms));
  using Claimed = std::optional<Lease>;
  static const std::string kExpired =
      ClaimSql("expires_ms > 0 AND expires_ms <= $4", "expires_ms, batch_id");
  static const std::string kFree = ClaimSql("expires_ms = 0", "batch_id");
  return Tx("claiming a batch of run " + run_id,
            [&](pqxx::work& w) -> Result<Claimed> {
              const int64_t expires = now_ms + ttl_ms;
              // A dead or stalled holder's batch first, then a free one.
              auto rows =
                  w.exec_params(kExpired, run_id, owner, expires, now_ms);
              if (rows.empty())
                rows = w.exec_params(kFree, run_id, owner, expires);
              if (rows.empty()) return Claimed();
              return Claimed(Lease{run_id, pg::Text(rows[0], 0), owner,
                                   pg::Int(rows[0], 1), expires});
            });
}

Result<int64_t> PgStore::CountLeasesBefore(const std::string& run_id,
                                           int64_t before_ms) {
  return Tx("counting the open batches of run " + run_id,
            [&](pqxx::work& w) -> Result<int64_t> {
              return pg::Int(
                  w.exec_params1("SELECT COUNT(*) FROM leases WHERE run_id ="
                                 " $1 AND expires_ms < $2 AND"
                                 " left(batch_id, 1) <> '~'",
                                 run_id, before_ms),
                  0);
            });
}

Result<std::optional<Lease>> PgStore::GetLease(const std::string& run_id,
                                               const std::string& batch_id) {
  using Found = std::optional<Lease>;
  return Tx("reading batch " + batch_id + " of run " + run_id,
            [&](pqxx::work& w) -> Result<Found> {
              auto rows = w.exec_params(
                  "SELECT owner, token, expires_ms FROM leases WHERE"
                  " run_id = $1 AND batch_id = $2",
                  run_id, batch_id);
              if (rows.empty()) return Found();
              return Found(Lease{run_id, batch_id, pg::Text(rows[0], 0),
                                 pg::Int(rows[0], 1), pg::Int(rows[0], 2)});
            });
}

}  // namespace mmgate::store
