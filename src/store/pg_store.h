// The PostgreSQL backend of Store (libpqxx): one connection behind a mutex,
// one transaction per method. Private to src/store/ (it includes libpqxx);
// everyone else goes through store.h and OpenStore.
//
// Credentials come from the URL or libpq's environment (PGPASSWORD,
// PGSERVICEFILE, PGPASSFILE); the password is registered with common/redact
// and removed from Describe() and every error. libpqxx's exceptions stop at
// this class: each method turns them into a Status naming what it did and the
// database. A broken connection is opened again on the next call.
#ifndef MMGATE_STORE_PG_STORE_H_
#define MMGATE_STORE_PG_STORE_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/store.h"

namespace mmgate::store {

// The schema version the PostgreSQL backend writes (docs/schema.md).
inline constexpr int kPgSchemaVersion = 6;

class PgStore final : public Store {
 public:
  // Connects and migrates the database (in the URL's search_path schema,
  // public by default).
  static Result<std::unique_ptr<PgStore>> Open(const std::string& url);

  std::string Describe() const override { return described_; }

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
  Result<std::vector<LabelRecord>> ListLabels(
      const LabelFilter& filter) override;
  Result<int64_t> PutCalibration(const CalibrationRecord& c) override;
  Result<std::vector<CalibrationRecord>> ListCalibrations(
      const std::string& judge) override;
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
  PgStore(std::string url, std::string described)
      : url_(std::move(url)), described_(std::move(described)) {}

  // Runs `body(work)` in one transaction with mu_ held and commits when it
  // returns ok; anything libpqxx throws becomes an error saying `what`.
  // `body` returns a Status or a Result<T>.
  template <typename F>
  auto Tx(const std::string& what, F&& body)
      -> std::invoke_result_t<F, pqxx::work&> {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      MMGATE_RETURN_IF_ERROR(Connect());
      pqxx::work w(*conn_);
      auto out = body(w);
      if (out.ok()) w.commit();
      return out;
    } catch (const std::exception& e) {
      return Failed(what, e);
    }
  }
  // Opens the connection unless it is open (mu_ held).
  Status Connect();
  // The error for an exception: a constraint violation is InvalidArgument,
  // anything else an IoError; a broken connection is dropped (mu_ held).
  Status Failed(const std::string& what, const std::exception& e);

  // pg_schema.cc
  Status Migrate();

  // Bodies of the writes, inside a transaction the caller holds.
  static void WriteResult(pqxx::work& w, const std::string& run_id,
                          const ResponseRecord& r,
                          const std::vector<ScoreRecord>& scores,
                          const std::vector<AttemptRecord>& attempts,
                          const std::optional<CacheEntry>& cache);
  static void WriteStages(pqxx::work& w, const std::string& run_id,
                          const std::vector<StageRecord>& stages);
  static void WriteExtraResponses(
      pqxx::work& w, const std::string& run_id,
      const std::vector<ExtraResponseRecord>& responses);
  // Whether `lease` is its batch's current one, locking its row until the
  // transaction ends.
  static bool LeaseIsCurrent(pqxx::work& w, const Lease& lease);
  // A stage belongs to one item or one trace.
  static Status CheckStages(const std::string& run_id,
                            const std::vector<StageRecord>& stages);
  static void InsertAttempts(pqxx::work& w, const std::string& run_id,
                             const std::vector<AttemptRecord>& attempts);
  static void InsertCache(pqxx::work& w, const CacheEntry& entry);
  // Writes (replaces) the trace_facts row of each trace (schema 6).
  static void WriteTraceFacts(pqxx::work& w,
                              const std::vector<TraceRecord>& traces);
  // The trace_facts of every stored trace (migration to schema 6), a page at
  // a time.
  static void FillTraceFacts(pqxx::work& w);

  std::mutex mu_;  // one connection: calls take turns
  const std::string url_;
  const std::string described_;
  std::unique_ptr<pqxx::connection> conn_;
};

namespace pg {

// Field readers: a NULL reads as the records' default.
inline std::string Text(const pqxx::row& r, int i) {
  return r[i].is_null() ? std::string() : std::string(r[i].c_str());
}
inline int64_t Int(const pqxx::row& r, int i) {
  return r[i].is_null() ? 0 : r[i].as<int64_t>();
}
inline double Double(const pqxx::row& r, int i) {
  return r[i].is_null() ? 0 : r[i].as<double>();
}
inline std::optional<std::string> OptText(const pqxx::row& r, int i) {
  if (r[i].is_null()) return std::nullopt;
  return std::string(r[i].c_str());
}
inline std::optional<double> OptDouble(const pqxx::row& r, int i) {
  if (r[i].is_null()) return std::nullopt;
  return r[i].as<double>();
}

// Parameters that may be NULL: libpqxx sends a null const char* as NULL.
inline const char* Nullable(const std::optional<std::string>& s) {
  return s ? s->c_str() : nullptr;
}
class NullableNumber {
 public:
  explicit NullableNumber(const std::optional<double>& v)
      : text_(v ? pqxx::to_string(*v) : std::string()), null_(!v) {}
  const char* get() const { return null_ ? nullptr : text_.c_str(); }

 private:
  std::string text_;
  bool null_;
};

}  // namespace pg
}  // namespace mmgate::store

#endif  // MMGATE_STORE_PG_STORE_H_
