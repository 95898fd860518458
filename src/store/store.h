// The results database: runs, their suites and items, one response per item,
// and its scores. SQLite in WAL mode; the schema is documented in
// docs/schema.md.
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
#include "store/sqlite.h"

namespace mmgate::store {

enum class RunStatus { kRunning, kFinished, kInterrupted };
std::string_view RunStatusName(RunStatus s);

struct RunRecord {
  std::string run_id;
  std::string model;          // name in mmgate.yaml
  std::string model_version;  // engine version + config hash
  std::string spec_json;      // the model's configuration, secrets removed
  std::string config_path;
  RunStatus status = RunStatus::kRunning;
  int64_t created_ms = 0;
  int64_t finished_ms = 0;
  std::string source_run;  // `mmgate rescore`: the run whose answers it scored
};

struct SuiteRecord {
  std::string suite;
  std::string modality;
  std::string metric;                // primary metric
  std::vector<std::string> metrics;  // primary first, then the extra ones
  std::string version_hash;
  int64_t n_items = 0;  // valid items plus invalid lines
};

struct ItemRecord {
  std::string suite;
  std::string item_id;
  std::string content_hash;  // empty for a line that failed validation
  std::string modality;
  std::string metric;  // the item's primary metric (its own or the suite's)
  std::string group;
  std::string expect;
  std::vector<std::pair<std::string, std::string>> slices;
  std::string reference_json;
  std::string prompt;
  std::string media_json;
  int64_t line = 0;
};

struct ResponseRecord {
  std::string suite;
  std::string item_id;
  std::string content_hash;
  std::optional<std::string> answer;  // set on success
  std::optional<std::string> error;   // set on failure, with context
  std::string error_kind;             // empty on success, e.g. "corrupt_media"
  double latency_ms = 0;
  std::string model_version;
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  int64_t created_ms = 0;
  // Remote models (schema 2): dollars over every attempt, attempts made, time
  // to first token, prompt template hash, first-pass schema validity (-1: no
  // schema), and whether the answer came from the response cache.
  double cost_usd = 0;
  int64_t n_attempts = 0;
  double ttft_ms = -1;
  std::string template_hash;
  int64_t schema_valid = -1;
  bool cached = false;
  int64_t n_repeats = 1;     // --repeat: scores are the mean over repeats
  bool flaky = false;        // answers differed across repeats
  std::string repeats_json;  // [{"answer", "value"}] per repeat, if > 1
};

// One call to a provider (schema 2): every attempt is kept, failed or not.
struct AttemptRecord {
  std::string suite;
  std::string item_id;
  int64_t attempt = 1;  // 1-based within the item's call
  int64_t http_status = 0;
  std::string error_kind;  // empty on success
  std::string error;
  double latency_ms = 0;
  double ttft_ms = -1;
  double wait_ms = 0;
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  double cost_usd = 0;
  int64_t created_ms = 0;
};

// A stored answer, keyed by the hash of everything that determines it.
struct CacheEntry {
  std::string key;
  std::string model_version;
  std::string answer;
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  std::string template_hash;
  int64_t schema_valid = -1;
  int64_t created_ms = 0;
};

struct ScoreRecord {
  std::string metric;
  double value = 0;
  double numerator = 0;
  double denominator = 1;
  std::string detail;
};

// One item of a run, joined with its response and scores.
struct ItemResult {
  ItemRecord item;
  std::optional<ResponseRecord> response;  // absent: not run (yet)
  std::map<std::string, ScoreRecord> scores;
};

// One stored gate verdict (for the dashboard's history): the verdict JSON of
// DESIGN.md, and per suite the figures charted over time.
struct VerdictSuiteRecord {
  std::string suite;
  std::string modality;
  std::string metric;
  std::string verdict;
  int64_t n = 0;
  double baseline = 0;
  double candidate = 0;
  double delta = 0;
  double ci_lo = 0;
  double ci_hi = 0;
};

struct VerdictRecord {
  int64_t verdict_id = 0;  // assigned by PutVerdict
  std::string baseline;
  std::string candidate;
  std::string policy;
  std::string verdict;
  int64_t created_ms = 0;
  std::string verdict_json;
  std::vector<VerdictSuiteRecord> suites;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path);

  Status CreateRun(const RunRecord& run);
  Result<std::optional<RunRecord>> GetRun(const std::string& run_id);
  Result<std::vector<RunRecord>> ListRuns();
  Status SetRunStatus(const std::string& run_id, RunStatus status,
                      int64_t finished_ms);

  // Records the suites and items a run covers (idempotent: a resumed run
  // rewrites them).
  Status PutSuite(const std::string& run_id, const SuiteRecord& suite,
                  const std::vector<ItemRecord>& items);
  Result<std::vector<SuiteRecord>> GetSuites(const std::string& run_id);

  // (suite, item id) -> content hash of every item with a successful response.
  Result<std::map<std::pair<std::string, std::string>, std::string>>
  FinishedItems(const std::string& run_id);

  // Writes one item's response and scores atomically, replacing earlier ones,
  // with the attempts that produced it and (for a fresh answer) its cache
  // entry in the same transaction: a crash keeps all or none.
  Status PutResult(const std::string& run_id, const ResponseRecord& response,
                   const std::vector<ScoreRecord>& scores,
                   const std::vector<AttemptRecord>& attempts = {},
                   const std::optional<CacheEntry>& cache = std::nullopt);

  // Attempts and a cache entry without a response (one repeat of an item
  // that is called several times), in one transaction.
  Status PutAttempts(const std::string& run_id,
                     const std::vector<AttemptRecord>& attempts,
                     const std::optional<CacheEntry>& cache);

  // The cached answer for a request hash, if any (errors are never cached).
  Result<std::optional<CacheEntry>> GetCached(const std::string& key);
  // Every attempt of a run, in the order they were recorded.
  Result<std::vector<AttemptRecord>> LoadAttempts(const std::string& run_id);

  Result<std::vector<ItemResult>> LoadResults(const std::string& run_id);

  // Every item outcome in the database outside `exclude_runs`: how earlier
  // runs fared on each item (for difficulty estimated from history).
  struct Outcome {
    std::string suite, item_id, content_hash, metric;
    bool error = false;
    double value = 0;  // the primary metric's score when not an error
  };
  Result<std::vector<Outcome>> Outcomes(
      const std::vector<std::string>& exclude_runs);

  // verdicts.cc: gate verdicts, oldest first.
  Status PutVerdict(const VerdictRecord& v);
  Result<std::vector<VerdictRecord>> ListVerdicts();

  const std::string& path() const { return db_->path(); }

 private:
  explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status Migrate();
  Status InsertAttempts(const std::string& run_id,
                        const std::vector<AttemptRecord>& attempts);
  Status InsertCache(const CacheEntry& entry);
  std::unique_ptr<Database> db_;
};

}  // namespace mmgate::store

#endif  // MMGATE_STORE_STORE_H_
