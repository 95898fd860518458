// The SQLite backend of Store: one connection in WAL mode behind a mutex,
// and, for LoadGateRun on a file, a read-only connection of the call's
// own (runs load concurrently; SQLite is opened without its own mutex, so no
// connection is ever used by two threads at once).
// Private to src/store/ (it includes <sqlite3.h>); everyone else goes through
// store.h and OpenStore.
#ifndef MMGATE_STORE_SQLITE_STORE_H_
#define MMGATE_STORE_SQLITE_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite.h"
#include "store/store.h"

namespace mmgate::store {

// The schema version this mmgate writes (docs/schema.md).
inline constexpr int kSchemaVersion = 6;

class SqliteStore final : public Store {
 public:
  // Opens (creating the file and its folder) and migrates the database.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  std::string Describe() const override { return db_->path(); }

  Status CreateRun(const RunRecord& run) override;
  Result<std::optional<RunRecord>> GetRun(const std::string& run_id) override;
  Result<std::vector<RunRecord>> ListRuns() override;
  Status SetRunStatus(const std::string& run_id, RunStatus status,
                      int64_t finished_ms) override;
  Status PutSuite(const std::string& run_id, const SuiteRecord& suite,
                  const std::vector<ItemRecord>& items) override;
  Status PutSuiteRecord(const std::string& run_id,
                        const SuiteRecord& suite) override;
  Status AppendSuiteItems(const std::string& run_id, const std::string& suite,
                          const std::vector<ItemRecord>& items) override;
  Status KeepSuiteItems(const std::string& run_id, const std::string& suite,
                        const std::vector<std::string>& keep) override;
  Result<std::vector<SuiteRecord>> GetSuites(
      const std::string& run_id) override;
  Result<RunCounts> CountResults(const std::string& run_id) override;
  Result<std::map<std::pair<std::string, std::string>, std::string>>
  FinishedItems(const std::string& run_id) override;
  Result<std::map<std::string, std::string>> FinishedItemsOf(
      const std::string& run_id, const std::string& suite,
      const std::vector<std::string>& item_ids) override;
  using Store::PutResult;
  Status PutResult(const std::string& run_id, const ResponseRecord& response,
                   const std::vector<ScoreRecord>& scores,
                   const std::vector<AttemptRecord>& attempts,
                   const std::optional<CacheEntry>& cache) override;
  Status PutResults(
      const std::string& run_id,
      const std::vector<std::pair<ResponseRecord, std::vector<ScoreRecord>>>&
          results) override;
  Status PutAttempts(const std::string& run_id,
                     const std::vector<AttemptRecord>& attempts,
                     const std::optional<CacheEntry>& cache) override;
  Result<std::optional<CacheEntry>> GetCached(const std::string& key) override;
  Result<std::vector<AttemptRecord>> LoadAttempts(
      const std::string& run_id) override;
  Result<std::vector<ItemResult>> LoadResults(
      const std::string& run_id) override;
  Result<GateRun> LoadGateRun(const std::string& run_id) override;
  Result<std::vector<ItemResult>> LoadResultsPage(
      const std::string& run_id, const std::string& suite,
      const std::string& after_item_id, int64_t limit) override;
  Result<std::vector<Outcome>> Outcomes(
      const std::vector<std::string>& exclude_runs) override;
  Status PutVerdict(const VerdictRecord& v) override;
  Result<std::vector<VerdictRecord>> ListVerdicts() override;
  Result<int64_t> PutLabel(const LabelRecord& label) override;
  Result<int64_t> PutCalibration(const CalibrationRecord& c) override;
  Result<std::vector<CalibrationRecord>> ListCalibrations(
      const std::string& judge) override;
  Result<std::vector<LabelRecord>> ListLabels(
      const LabelFilter& filter) override;
  Status PutTraces(const std::vector<TraceRecord>& traces) override;
  Result<std::optional<TraceRecord>> GetTrace(
      const std::string& trace_id) override;
  Result<std::vector<TraceRecord>> ListTraces(
      const TraceFilter& filter) override;
  Result<std::vector<TraceRecord>> ListTracesPage(const TraceFilter& filter,
                                                  const std::string& after_id,
                                                  int64_t limit) override;
  Status LoadDecisionsPage(const std::string& run_id, const std::string& suite,
                           const std::string& after_id, int64_t limit,
                           std::vector<DecisionRow>* page) override;
  Status PutStages(const std::string& run_id,
                   const std::vector<StageRecord>& stages) override;
  Result<std::vector<StageRecord>> LoadStages(
      const std::string& run_id) override;
  Status PutExtraResponses(
      const std::string& run_id,
      const std::vector<ExtraResponseRecord>& responses) override;
  Result<std::vector<ExtraResponseRecord>> LoadExtraResponses(
      const std::string& run_id, ResponseKind kind) override;
  Result<std::optional<Lease>> ClaimLease(const std::string& run_id,
                                          const std::string& batch_id,
                                          const std::string& owner,
                                          int64_t now_ms,
                                          int64_t ttl_ms) override;
  Result<std::optional<Lease>> RenewLease(const Lease& lease, int64_t now_ms,
                                          int64_t ttl_ms) override;
  Result<bool> ReleaseLease(const Lease& lease) override;
  Result<std::vector<Lease>> ListLeases(const std::string& run_id) override;
  Status AddLeases(const std::string& run_id,
                   const std::vector<std::string>& batch_ids) override;
  Result<std::optional<Lease>> ClaimNextLease(const std::string& run_id,
                                              const std::string& owner,
                                              int64_t now_ms,
                                              int64_t ttl_ms) override;
  Result<int64_t> CountLeasesBefore(const std::string& run_id,
                                    int64_t before_ms) override;
  Result<std::optional<Lease>> GetLease(const std::string& run_id,
                                        const std::string& batch_id) override;
  Result<bool> PutResultFenced(const Lease& lease,
                               const ResponseRecord& response,
                               const std::vector<ScoreRecord>& scores,
                               const std::vector<AttemptRecord>& attempts,
                               const std::optional<CacheEntry>& cache) override;
  Result<bool> PutStagedResultFenced(
      const Lease& lease, const ResponseRecord& response,
      const std::vector<ScoreRecord>& scores,
      const std::vector<StageRecord>& stages,
      const std::vector<ExtraResponseRecord>& extras) override;

 private:
  explicit SqliteStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  // sqlite_schema.cc
  Status Migrate();
  Result<int64_t> StoredVersion();

  // Every run's lineage (the run its rescores descend from), by run id; with
  // mu_ locked.
  Result<std::map<std::string, std::string>> Lineages();

  // The bodies of the writes, run inside a transaction the caller holds
  // (with mu_ locked).
  Status WriteResult(const std::string& run_id, const ResponseRecord& r,
                     const std::vector<ScoreRecord>& scores,
                     const std::vector<AttemptRecord>& attempts,
                     const std::optional<CacheEntry>& cache);
  Status WriteStages(const std::string& run_id,
                     const std::vector<StageRecord>& stages);
  Status WriteExtraResponses(const std::string& run_id,
                             const std::vector<ExtraResponseRecord>& responses);
  // Runs `write` in one write transaction with the check that `lease` is
  // still its batch's current one (so no claim comes in between); false,
  // and nothing written, when it is not. Takes mu_.
  Result<bool> WriteFenced(const Lease& lease,
                           const std::function<Status()>& write);
  // Whether `lease` is its batch's current one.
  Result<bool> LeaseIsCurrent(const Lease& lease);
  // Writes (replaces) the trace_facts row of each trace, in the caller's
  // write transaction.
  Status PutTraceFacts(const std::vector<TraceRecord>& traces);
  // The trace_facts of every stored trace (migration to schema 6), a page at
  // a time, in the caller's write transaction.
  Status FillTraceFacts();
  Status InsertAttempts(const std::string& run_id,
                        const std::vector<AttemptRecord>& attempts);
  Status InsertCache(const CacheEntry& entry);
  Status UpsertSuiteRow(const std::string& run_id, const SuiteRecord& suite);
  Status UpsertItems(const std::string& run_id, const std::string& suite,
                     const std::vector<ItemRecord>& items);
  Status DropItemsOutside(const std::string& run_id, const std::string& suite,
                          const std::vector<std::string>& keep);
  // The scores of `out`'s items; with `page`, only those of its suite and
  // item id range (after, last].
  struct ScorePage {
    std::string suite, after, last;
  };
  Status ReadScores(const std::string& run_id, std::vector<ItemResult>* out,
                    const ScorePage* page = nullptr);

  std::mutex mu_;  // one connection: calls take turns
  std::unique_ptr<Database> db_;
};

}  // namespace mmgate::store

#endif  // MMGATE_STORE_SQLITE_STORE_H_
