// The item executor: one item in, one outcome out. It looks the request up in
// the response cache, calls the model (each --repeat its own call with its own
// cache entry), prices the attempts the model reports, scores every answer
// through a scoring hook, and folds repeats into one response (mean scores,
// flaky flag). The runner drives it from its worker pool; `rescore` uses its
// Rescore(), which scores stored answers without a model call; the judge, the
// load generator and backfill are meant to use it rather than call models
// themselves.
//
// Failure behaviour: whatever goes wrong with the item — the model's error, a
// metric that cannot score, an exception escaping the model, the scoring hook
// or a JSON access — becomes that item's error in the outcome (data, never a
// crash). Only a failing store access (the cache lookup, the attempts of a
// repeat) is reported apart, in ItemOutcome::store_status: the caller stops.
//
// Thread-safety: one executor is shared by every worker, and Execute(),
// Rescore() and Write() may be called from many threads at once; each thread
// passes its own Model (engines are single-threaded handles). The executor
// serialises its own store accesses with an internal lock; nothing else may
// use that store concurrently while workers run. The scoring hook must be
// thread-safe.
#ifndef MMGATE_RUNNER_EXECUTOR_H_
#define MMGATE_RUNNER_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/prices.h"
#include "common/status.h"
#include "dataset/item.h"
#include "model/model.h"
#include "score/metrics.h"
#include "store/store.h"

namespace mmgate::ground {
class InputTextCache;
}

namespace mmgate::runner {

// The item-level error kinds recorded in responses.error_kind.
std::string_view ErrorKind(StatusCode code);

// The error kind of an exception caught at the item boundary.
inline constexpr std::string_view kInternalErrorKind = "internal_error";

// The error kind of an item refused by an input cap before any request.
inline constexpr std::string_view kOverCapErrorKind = "over_cap";

// Metrics computed for an item: its own (or the suite's) first, then the
// suite's extra metrics.
std::vector<std::string> MetricsFor(const Suite& suite, const Item& item);

// Scores one answer of an item: one record per metric, primary first, or an
// error whose message says which metric failed and why (recorded as the
// item's "score_error").
using ScoreHook = std::function<Result<std::vector<store::ScoreRecord>>(
    const Suite& suite, const Item& item, const std::string& answer)>;

// Makes a run's scoring hook once the run's id is known (a judge records its
// calls under the run) from the metrics' context; unset: MetricScorer.
using ScoreHookFactory = std::function<Result<ScoreHook>(
    const std::string& run_id, score::ScoreContext context)>;

// The default hook: every metric of MetricsFor() through score::ScoreAnswer
// with the suite's params.
ScoreHook MetricScorer(score::ScoreContext context);

// The run's hook: `factory`'s when set (its error returned), else
// MetricScorer(context).
Result<ScoreHook> MakeScoreHook(const ScoreHookFactory& factory,
                                const std::string& run_id,
                                score::ScoreContext context);

// One item of a suite (both owned by the project config).
struct WorkItem {
  const Suite* suite;
  const Item* item;
};

// The metrics' context for a run over `items`: `given` when it recognises
// input text itself, else, if any item is scored with `grounding`, one backed
// by the input-text cache beside the config (.mmgate/input_text), which
// `*cache` then owns and must outlive the context.
score::ScoreContext RunScoreContext(
    const ProjectConfig& project, const std::vector<WorkItem>& items,
    score::ScoreContext given, std::unique_ptr<ground::InputTextCache>* cache);
// `given` with input text from the cache beside the config, whatever the
// items' metrics (a run that knows it needs it without the items at hand).
score::ScoreContext InputTextContext(
    const ProjectConfig& project, score::ScoreContext given,
    std::unique_ptr<ground::InputTextCache>* cache);

// What one item produced, ready for Store::PutResult.
struct ItemOutcome {
  // Answer or error (redacted, with context), latency, tokens, cost and
  // attempt totals over every repeat, repeats and flaky flag.
  store::ResponseRecord response;
  std::vector<store::ScoreRecord> scores;  // empty on error
  // The first call's output media (a speech synthesiser's audio). The
  // response cache keeps text only, so an answer with media is never cached
  // and always comes from the model.
  std::vector<MediaOutput> media;
  // With one call per item: its attempts and, for a fresh answer, its cache
  // entry (written with the response). With repeats each call's attempts and
  // entry are written as the call ends, so these stay empty.
  std::vector<store::AttemptRecord> attempts;
  std::optional<store::CacheEntry> cache_entry;
  int64_t provider_attempts = 0;  // attempts made, over every repeat
  int64_t cache_hits = 0;         // calls answered from the response cache
  Status store_status;            // a failed store access: stop the run
};

struct ExecutorConfig {
  std::string run_id;
  std::string model_version;   // cache entries must match it
  std::optional<Price> price;  // prices every attempt; unset: free
  int repeat = 1;              // calls per item
  ScoreHook score;             // unset: MetricScorer({})
  // Input caps by item modality (caps.h): an item over its cap is that
  // item's error (kind kOverCapErrorKind) and no model is called.
  std::map<std::string, InputCaps> caps;
};

class ItemExecutor {
 public:
  // `store` and `clock` must outlive the executor.
  ItemExecutor(ExecutorConfig config, store::Store* store, Clock* clock);

  // Runs one item through `model` (owned by the calling thread).
  ItemOutcome Execute(const Suite& suite, const Item& item, Model* model);

  // Scores a stored response again without calling any model: its answer (or,
  // for a repeated item, each repeat's answer) goes through the scoring hook
  // and is folded as Execute() would. The copy keeps the stored answer,
  // latency, tokens, cost and attempt count; a stored error stays that error.
  ItemOutcome Rescore(const Suite& suite, const Item& item,
                      const store::ResponseRecord& stored);

  // Writes an outcome's response, scores, attempts and cache entry in one
  // transaction. A write the store refuses with an exception (a value the
  // JSON library cannot encode) is retried as that item's error.
  Status Write(const ItemOutcome& outcome);

 private:
  struct Call;
  void ExecuteUnfenced(const Suite& suite, const Item& item, Model* model,
                       ItemOutcome* out);
  Call CallModel(Model* model, const ModelRequest& req, const std::string& key,
                 ItemOutcome* out);
  std::vector<store::AttemptRecord> RecordAttempts(
      const std::vector<AttemptInfo>& attempts, const Suite& suite,
      const Item& item, store::ResponseRecord* r);
  std::optional<store::CacheEntry> CacheEntryFor(const Call& c,
                                                 const std::string& key);
  ItemOutcome Fenced(const Suite& suite, const Item& item,
                     const std::function<void(ItemOutcome*)>& work,
                     Model* model);

  ExecutorConfig config_;
  store::Store* store_;
  Clock* clock_;
  std::mutex store_mu_;  // serialises every store access of the executor
};

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_EXECUTOR_H_
