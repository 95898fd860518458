// The results database as an interface: runs, their suites and items, one
// response per item and its scores, attempts, the response cache, verdicts,
// labels, traces and stages, extra responses and work leases
// (docs/schema.md). Callers hold a Store made by OpenStore(url) and never see
// the backend; SQLite is the embedded one (sqlite_store.h), PostgreSQL the
// shared one (pg_store.h), both private to this folder. LevelDB's DB/DBImpl
// is the model.
//
// Thread safety: every method may be called from any thread at the same time
// (a backend serializes what it must). Several processes may open one
// database; a write waits for another process's write to finish (SQLite: up
// to 10 s, then an IoError; PostgreSQL: row locks, except that ClaimLease
// skips a batch another claimer holds locked).
//
// Failure behaviour: methods return a Status or Result and never throw. Each
// write is one transaction: it lands whole or, on error, not at all. Reads
// decode defensively: a stored value that cannot be decoded (malformed JSON
// edited by hand, say) becomes an error on the one record it belongs to,
// naming run, suite, item and column; it never fails the whole load.
#ifndef MMGATE_STORE_STORE_H_
#define MMGATE_STORE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/gate_run.h"
#include "store/records.h"

namespace mmgate::store {

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // The database for messages ("no run 'x' in .mmgate/results.db"): a file
  // path, or a URL without its password.
  virtual std::string Describe() const = 0;

  // Runs. CreateRun refuses a run id that exists.
  virtual Status CreateRun(const RunRecord& run) = 0;
  virtual Result<std::optional<RunRecord>> GetRun(
      const std::string& run_id) = 0;
  // Oldest first (created_ms, then run id).
  virtual Result<std::vector<RunRecord>> ListRuns() = 0;
  virtual Status SetRunStatus(const std::string& run_id, RunStatus status,
                              int64_t finished_ms) = 0;

  // Records the suites and items a run covers (idempotent: a resumed run
  // rewrites them). Items the suite no longer holds leave the run with their
  // responses, scores, extra responses and stages.
  virtual Status PutSuite(const std::string& run_id, const SuiteRecord& suite,
                          const std::vector<ItemRecord>& items) = 0;
  // PutSuite in parts, for a suite too large to hold at once (the runner
  // streams its items): PutSuiteRecord records the suite alone (as PutSuite
  // with no items, but dropping none), AppendSuiteItems adds or rewrites a
  // batch of its items, and KeepSuiteItems then removes the suite's items
  // whose ids are not in `keep` (distinct ids), with everything stored about
  // them. Each is one transaction; together they leave what one PutSuite with
  // every item leaves.
  virtual Status PutSuiteRecord(const std::string& run_id,
                                const SuiteRecord& suite) = 0;
  virtual Status AppendSuiteItems(const std::string& run_id,
                                  const std::string& suite,
                                  const std::vector<ItemRecord>& items) = 0;
  virtual Status KeepSuiteItems(const std::string& run_id,
                                const std::string& suite,
                                const std::vector<std::string>& keep) = 0;
  // By suite name.
  virtual Result<std::vector<SuiteRecord>> GetSuites(
      const std::string& run_id) = 0;

  // Items, answers and errors of a run, counted from the stored columns
  // (all zero for a run that does not exist or covers nothing).
  virtual Result<RunCounts> CountResults(const std::string& run_id) = 0;

  // (suite, item id) -> content hash of every item with a successful response.
  virtual Result<std::map<std::pair<std::string, std::string>, std::string>>
  FinishedItems(const std::string& run_id) = 0;

  // FinishedItems for a few items of one suite (item id -> content hash of
  // those with a successful response): what a worker checks for its batch
  // without reading the whole run.
  virtual Result<std::map<std::string, std::string>> FinishedItemsOf(
      const std::string& run_id, const std::string& suite,
      const std::vector<std::string>& item_ids) = 0;

  // Writes one item's response and scores atomically, replacing earlier ones,
  // with the attempts that produced it (appended) and, for a fresh answer,
  // its cache entry in the same transaction: a crash keeps all or none.
  virtual Status PutResult(const std::string& run_id,
                           const ResponseRecord& response,
                           const std::vector<ScoreRecord>& scores,
                           const std::vector<AttemptRecord>& attempts,
                           const std::optional<CacheEntry>& cache) = 0;
  Status PutResult(const std::string& run_id, const ResponseRecord& response,
                   const std::vector<ScoreRecord>& scores) {
    return PutResult(run_id, response, scores, {}, std::nullopt);
  }

  // Many items' responses and scores (no attempts, no cache entries) in one
  // transaction, each replacing the item's earlier ones as PutResult does:
  // for bulk loads, where a transaction per item costs most of the time. A
  // failure names its item and writes none of the batch.
  virtual Status PutResults(
      const std::string& run_id,
      const std::vector<std::pair<ResponseRecord, std::vector<ScoreRecord>>>&
          results) = 0;

  // Attempts and a cache entry without a response (one repeat of an item
  // that is called several times), in one transaction.
  virtual Status PutAttempts(const std::string& run_id,
                             const std::vector<AttemptRecord>& attempts,
                             const std::optional<CacheEntry>& cache) = 0;

  // The cached answer for a request hash, if any (errors are never cached).
  virtual Result<std::optional<CacheEntry>> GetCached(
      const std::string& key) = 0;
  // Every attempt of a run, in the order they were recorded.
  virtual Result<std::vector<AttemptRecord>> LoadAttempts(
      const std::string& run_id) = 0;

  // Every item of a run with its response and scores, by suite, line, id.
  virtual Result<std::vector<ItemResult>> LoadResults(
      const std::string& run_id) = 0;
  // One page of LoadResults for runs too large to hold: the items of one
  // suite whose id sorts after `after_item_id` (bytewise; empty: from the
  // first), at most `limit` of them, in item id order. Pass a page's last id
  // to get the next; an empty page ends the run.
  virtual Result<std::vector<ItemResult>> LoadResultsPage(
      const std::string& run_id, const std::string& suite,
      const std::string& after_item_id, int64_t limit) = 0;

  // What the gate reads of every item of a run (gate/load.h), compact
  // (gate_run.h): the rows and order of LoadResults with scores, without
  // the item's prompt, reference_json and media_json and the response's
  // repeats_json. Those columns are still checked, so a corrupt row is the
  // same kCorruptRowKind error as in LoadResults.
  virtual Result<GateRun> LoadGateRun(const std::string& run_id) = 0;

  // How other runs fared on each item (for difficulty estimated from
  // history): one outcome per item and lineage, a lineage being a run that
  // called its model and its rescores (`source_run`, followed through
  // chains), so a rescore never counts twice; the lineage's newest scoring
  // wins. Lineages holding any of `exclude_runs` are left out whole (a
  // rescored copy of a compared run is not independent of it), as are items
  // that failed validation (no content hash) and items never run.
  virtual Result<std::vector<Outcome>> Outcomes(
      const std::vector<std::string>& exclude_runs) = 0;

  // Gate verdicts; PutVerdict assigns the id, ListVerdicts is oldest first.
  virtual Status PutVerdict(const VerdictRecord& v) = 0;
  virtual Result<std::vector<VerdictRecord>> ListVerdicts() = 0;

  // Labels: PutLabel adds one and returns its id (ids grow); ListLabels is
  // in id order.
  virtual Result<int64_t> PutLabel(const LabelRecord& label) = 0;
  virtual Result<std::vector<LabelRecord>> ListLabels(
      const LabelFilter& filter) = 0;

  // Judge calibrations (schema 4): PutCalibration adds one and returns its
  // id (ids grow); ListCalibrations returns those of `judge` (empty: all) in
  // id order.
  virtual Result<int64_t> PutCalibration(const CalibrationRecord& c) = 0;
  virtual Result<std::vector<CalibrationRecord>> ListCalibrations(
      const std::string& judge) = 0;

  // Production traces. PutTraces inserts or updates by trace id (importing a
  // log twice keeps one row per trace) and refuses a trace whose inputs_json
  // is not JSON. ListTraces is ordered by created_ms, then trace id.
  virtual Status PutTraces(const std::vector<TraceRecord>& traces) = 0;
  virtual Result<std::optional<TraceRecord>> GetTrace(
      const std::string& trace_id) = 0;
  virtual Result<std::vector<TraceRecord>> ListTraces(
      const TraceFilter& filter) = 0;
  // One page of a history too large to hold: the traces `filter` keeps whose
  // id sorts after `after_id` (bytewise; empty: from the first), at most
  // `limit`, in trace id order (not time order, so a run's items, paged by
  // id, can be merged with them). An empty page ends the history.
  virtual Result<std::vector<TraceRecord>> ListTracesPage(
      const TraceFilter& filter, const std::string& after_id,
      int64_t limit) = 0;

  // What flip analysis reads of a history and of a run's replay of it, a
  // page at a time: the traces whose id sorts after `after_id` (bytewise;
  // empty: from the first), at most `limit`, in trace id order, each with
  // whether `suite` of `run_id` holds an item for it and that item's stored
  // answer. Only these columns are read: the item's and response's other
  // columns are neither returned nor checked. `page` is replaced (an empty
  // page ends the history); its rows' strings keep their storage from one
  // page to the next, so paging through millions allocates little.
  virtual Status LoadDecisionsPage(const std::string& run_id,
                                   const std::string& suite,
                                   const std::string& after_id, int64_t limit,
                                   std::vector<DecisionRow>* page) = 0;

  // Pipeline stages of a run. PutStages replaces every stored stage of each
  // (suite, item, trace) it is given stages for; LoadStages orders by suite,
  // item, trace, seq.
  virtual Status PutStages(const std::string& run_id,
                           const std::vector<StageRecord>& stages) = 0;
  virtual Result<std::vector<StageRecord>> LoadStages(
      const std::string& run_id) = 0;

  // Extra responses of a run's items (the item must be in the run).
  // PutExtraResponses replaces every stored one of each (suite, item, kind) it
  // is given responses for; LoadExtraResponses returns one kind, ordered by
  // suite, item, seq.
  virtual Status PutExtraResponses(
      const std::string& run_id,
      const std::vector<ExtraResponseRecord>& responses) = 0;
  virtual Result<std::vector<ExtraResponseRecord>> LoadExtraResponses(
      const std::string& run_id, ResponseKind kind) = 0;

  // Work leases over batches of a run (the run must exist); times are
  // injected, in milliseconds. ClaimLease grants the batch to `owner` until
  // now_ms + ttl_ms when it is free (never claimed, released, or expired at
  // now_ms), with a token larger than any earlier one of the batch (the
  // first is 1); nullopt while someone holds it, its own owner included.
  virtual Result<std::optional<Lease>> ClaimLease(const std::string& run_id,
                                                  const std::string& batch_id,
                                                  const std::string& owner,
                                                  int64_t now_ms,
                                                  int64_t ttl_ms) = 0;
  // Extends a lease that is current and not expired at now_ms; nullopt when
  // it was lost (expired, released, or claimed by another).
  virtual Result<std::optional<Lease>> RenewLease(const Lease& lease,
                                                  int64_t now_ms,
                                                  int64_t ttl_ms) = 0;
  // Frees the batch if `lease` is current; false when it was not.
  virtual Result<bool> ReleaseLease(const Lease& lease) = 0;
  // Every lease row of a run (released ones with an empty owner), by batch.
  virtual Result<std::vector<Lease>> ListLeases(const std::string& run_id) = 0;

  // The queue over a run's lease rows, so that a worker finds work with one
  // indexed query instead of listing every lease. Batch ids starting with
  // '~' are markers (claimed by name only): ClaimNextLease and
  // CountLeasesBefore leave them out.
  // AddLeases adds a free row (no owner, token 0, expiring at 0) for each
  // batch without one, in one transaction; existing rows stay as they are.
  virtual Status AddLeases(const std::string& run_id,
                           const std::vector<std::string>& batch_ids) = 0;
  // Claims one free batch as ClaimLease would: first the one whose holder's
  // lease expired longest ago (a dead or stalled worker's), else the first
  // never-claimed or released one in batch id order; nullopt when every row
  // is held or done. Atomic: two claimers never get the same batch (SQLite:
  // one statement; PostgreSQL: FOR UPDATE SKIP LOCKED, no claimer waits).
  virtual Result<std::optional<Lease>> ClaimNextLease(const std::string& run_id,
                                                      const std::string& owner,
                                                      int64_t now_ms,
                                                      int64_t ttl_ms) = 0;
  // How many of the run's rows expire before `before_ms` (held, free or
  // expired; with the caller's "done" mark, the batches not done yet).
  virtual Result<int64_t> CountLeasesBefore(const std::string& run_id,
                                            int64_t before_ms) = 0;
  // One batch's lease row; nullopt when it has none.
  virtual Result<std::optional<Lease>> GetLease(
      const std::string& run_id, const std::string& batch_id) = 0;
  // PutResult for lease.run_id, guarded by the fencing token: written only if
  // `lease` is still the batch's current lease (same token and owner, not
  // released); false, with nothing written, when a newer claim or a release
  // came in between.
  virtual Result<bool> PutResultFenced(
      const Lease& lease, const ResponseRecord& response,
      const std::vector<ScoreRecord>& scores,
      const std::vector<AttemptRecord>& attempts,
      const std::optional<CacheEntry>& cache) = 0;
  // PutResultFenced for a pipeline item: its stages and extra responses
  // (replacing the item's earlier ones, as PutStages and PutExtraResponses
  // do) and its response and scores, all in one transaction under the same
  // check, so a stale holder's stages never land beside another's result.
  virtual Result<bool> PutStagedResultFenced(
      const Lease& lease, const ResponseRecord& response,
      const std::vector<ScoreRecord>& scores,
      const std::vector<StageRecord>& stages,
      const std::vector<ExtraResponseRecord>& extras) = 0;
};

// Opens (creating and migrating if needed) the database a URL names:
//   PATH, sqlite:PATH, sqlite://PATH   SQLite file (sqlite:///abs/x.db is
//                                      /abs/x.db); its folder is created.
//   postgresql://..., postgres://...   PostgreSQL (libpq's URL; credentials
//                                      from it or PGPASSWORD, PGSERVICEFILE).
// Any other scheme is an InvalidArgument error naming the URL, its password
// removed, and the supported forms; a server that cannot be reached is an
// IoError, likewise without the password. A database with a schema newer
// than this mmgate is refused rather than misread.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace mmgate::store

#endif  // MMGATE_STORE_STORE_H_
