// The plain records the results database keeps (docs/schema.md): what every
// Store backend reads and writes. No database type appears here, so any box
// may include it.
#ifndef MMGATE_STORE_RECORDS_H_
#define MMGATE_STORE_RECORDS_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // Schema 3: the run whose stored answers this run scored again
  // (`mmgate rescore`); empty for a run that called its model.
  std::string source_run;
};

// How far a run got, counted in the database without loading its items
// (`mmgate runs` lists every run at once).
struct RunCounts {
  int64_t items = 0;     // items the run covers, invalid lines included
  int64_t answered = 0;  // with a successful response
  int64_t errors = 0;    // with a failed response (invalid lines too)
};

struct SuiteRecord {
  std::string suite;
  std::string modality;
  std::string metric;                // primary metric
  std::vector<std::string> metrics;  // primary first, then the extra ones
  std::string version_hash;
  int64_t n_items = 0;  // valid items plus invalid lines
  // Set on read when a stored column could not be decoded (with run, suite
  // and column); `metrics` then holds the primary metric alone.
  std::string decode_error;
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

// The error kind of an item whose stored row could not be decoded.
inline constexpr std::string_view kCorruptRowKind = "corrupt_row";

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

// One item of a run, joined with its response and scores. An item whose
// stored row cannot be decoded carries an error response of kind
// kCorruptRowKind (and no scores) instead of failing the whole load.
struct ItemResult {
  ItemRecord item;
  std::optional<ResponseRecord> response;  // absent: not run (yet)
  std::map<std::string, ScoreRecord> scores;
};

// How an earlier run fared on one item (difficulty from history).
struct Outcome {
  std::string suite, item_id, content_hash, metric;
  bool error = false;
  double value = 0;  // the primary metric's score when not an error
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

// Schema 3: a grade a person (or a judge) gave one item, for gold sets and
// judge calibration. Labels are only ever added: every grade is kept.
struct LabelRecord {
  int64_t label_id = 0;  // assigned by PutLabel
  std::string run_id;    // the run whose answer was graded; empty: the item
  std::string suite;
  std::string item_id;
  std::string content_hash;  // the item version the grade is about
  std::string grader;        // who graded: a person's handle, "judge:MODEL"
  int64_t created_ms = 0;
  std::string grade;                       // "pass", "fail", "4" (rubric)
  std::vector<std::string> failure_modes;  // rubric failure modes, in order
  std::string note;
};

// Which labels to list; an empty field matches any value.
struct LabelFilter {
  std::string run_id;
  std::string suite;
  std::string item_id;
  std::string grader;
};

// Schema 4: how well a judge agreed with people on one modality (and,
// when slice_key is set, one slice value), as `mmgate calibrate` measured it.
// The gate trusts a judge-scored suite only through one of these.
struct CalibrationRecord {
  int64_t calibration_id = 0;  // assigned by PutCalibration
  std::string judge;           // the judge model's name in mmgate.yaml
  std::string judge_version;   // its Version()
  std::string rubric_hash;     // sha256 of the rubric file
  std::string modality;
  std::string slice_key;  // empty: the whole modality
  std::string slice_value;
  int64_t n = 0;         // labels compared (unscored ones left out)
  int64_t unscored = 0;  // labels whose judge verdict was unparsable
  // The kappa the gate reads: "quadratic" for ordinal scales of more than
  // two grades, "plain" for two.
  std::string kappa_kind;
  // Unset when undefined (every label and verdict the same grade).
  std::optional<double> kappa;
  std::optional<double> kappa_lo;  // bootstrap 95% interval
  std::optional<double> kappa_hi;
  std::string detail_json;  // every figure of the calibration, JSON
  std::string labels_hash;  // sha256 of the labels file
  int64_t created_ms = 0;
};

// Schema 3: one production decision, replayed through a candidate by
// backfill.
struct TraceRecord {
  std::string trace_id;
  int64_t created_ms = 0;     // when production served it
  std::string model_version;  // the production model that decided
  std::string inputs_ref;     // where the request's media lives (path, URI)
  std::string inputs_json;    // the request itself, JSON (checked on write)
  std::string decision;       // what production answered or decided
  std::string category;       // stratum to sample by (intent, surface...)
  std::string outcome;        // what happened afterwards; empty: unknown
  std::string request_hash;   // dedups traces, keys the response cache
};

// A stored trace with what one suite of a run did with it
// (Store::LoadDecisionsPage): the few columns flip analysis reads.
struct DecisionRow {
  std::string trace_id;
  int64_t created_ms = 0;
  std::string category;
  std::string decision;  // production's
  // Schema 6: the facts the analysis reads of the request, kept beside the
  // trace (store/trace_facts.h); inputs_json is then empty. Without them
  // (a request the fast reader does not read whole), inputs_json is the
  // whole request.
  bool has_facts = false;
  std::string modality;
  std::vector<std::pair<std::string, std::string>> slices;
  std::string ground_truth;
  double confidence = -1;
  std::string inputs_json;
  bool in_run = false;    // the suite holds an item for the trace
  bool answered = false;  // the item has a stored answer...
  std::string answer;     // ...this one (empty otherwise)
};

// Which traces to list: created_ms in [since_ms, until_ms), and the category
// when it is not empty.
struct TraceFilter {
  std::string category;
  int64_t since_ms = 0;
  int64_t until_ms = std::numeric_limits<int64_t>::max();
};

// Schema 3: one stage of a pipeline (transcribe -> reason -> synthesize) for
// an item of a suite, or for a production trace replayed by a run.
struct StageRecord {
  std::string suite;       // the item's suite; empty for a trace
  std::string item_id;     // set for a suite item...
  std::string trace_id;    // ...or for a trace
  int64_t seq = 0;         // position in the pipeline, 0 first
  std::string stage;       // its name: "transcribe", "reason", "synthesize"
  std::string input_ref;   // what it read: a path, URI or an earlier output
  std::string output_ref;  // the media it wrote (a TTS stage's audio)
  std::optional<std::string> answer;  // its text output on success
  std::optional<std::string> error;   // set on failure, with context
  std::string error_kind;
  double latency_ms = 0;
  int64_t created_ms = 0;
};

// The stage name of a `mmgate load --score` run's records: one per stored
// answer, input_ref the traffic stage it was answered in ("c=4"), so the
// gate can say a quality drop happened under load, and at which stage.
inline constexpr std::string_view kLoadStage = "load";

// What an extra response of an item is; the item's primary answer stays in
// ResponseRecord.
enum class ResponseKind {
  kRepeat,  // one more call of the same model (--repeat)
  kJudge,   // a judge model's call grading the answer
  kStage,   // a pipeline stage's model response (its place: StageRecord)
};
std::string_view ResponseKindName(ResponseKind kind);

// Schema 3: several responses per item, keyed by (run, suite, item, kind,
// seq).
struct ExtraResponseRecord {
  std::string suite;
  std::string item_id;
  ResponseKind kind = ResponseKind::kRepeat;
  int64_t seq = 0;  // 0-based within the item and kind
  std::string content_hash;
  std::optional<std::string> answer;  // set on success
  std::optional<std::string> error;   // set on failure, with context
  std::string error_kind;
  double latency_ms = 0;
  std::string model_version;  // the model that answered (the judge's own)
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  double cost_usd = 0;
  std::optional<double> value;  // its score, if scored (a judge's grade)
  int64_t created_ms = 0;
};

// Schema 3: a batch of a run claimed by one worker until `expires_ms`.
// `token` is the fencing token: every claim of the batch gets a larger one,
// and writes guarded by an older token are refused.
struct Lease {
  std::string run_id;
  std::string batch_id;
  std::string owner;  // unique per worker process; empty once released
  int64_t token = 0;
  int64_t expires_ms = 0;
};

}  // namespace mmgate::store

#endif  // MMGATE_STORE_RECORDS_H_
