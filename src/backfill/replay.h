// Replaying traces through a candidate: each sampled trace becomes an item
// of a suite named "backfill" (id = trace id, reference = production's
// decision, metric `exact`, slices = category, modality and the trace's
// slices), and the runner runs that suite with the candidate. So a replay
// goes through the one item executor: the response cache, retries, cost per
// attempt, and resume by run id (a finished replay is never paid for twice).
//
// Before a trace becomes an item its media are checked (a missing file makes
// it not replayable) and inline media are written, content-addressed, under
// `media_dir`; where the trace carries a request_hash, the request about to
// be sent is hashed the same way and a mismatch is reported and not
// replayed. Skipped traces are recorded in the run as errored items (never
// dropped) and returned with their reason.
//
// Not thread-safe (one replay per call); failure behaviour as runner::Run.
#ifndef MMGATE_BACKFILL_REPLAY_H_
#define MMGATE_BACKFILL_REPLAY_H_

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "dataset/item.h"
#include "runner/estimate.h"
#include "runner/runner.h"
#include "store/store.h"

namespace mmgate::backfill {

inline constexpr const char* kSuiteName = "backfill";
// The item slice that records the sample's period length (weeks), so the
// analysis strata are the sample's.
inline constexpr const char* kPeriodSlice = "period_weeks";

struct Skipped {
  std::string trace_id;
  std::string kind;    // not_replayable | request_mismatch | bad_trace
  std::string reason;  // with the trace id
};

struct ReplaySuite {
  Suite suite;
  std::vector<Skipped> skipped;  // also in suite.problems
};

// The item a trace replays as (its inline media written under
// `media_dir`), or why it cannot be: the error, with *skip saying which
// kind and why (naming the trace).
Result<Item> TraceItem(const store::TraceRecord& t,
                       const std::string& media_dir, int64_t period_weeks,
                       Skipped* skip);

// The backfill suite without items.
Suite EmptySuite();

// Builds the suite from the sampled traces (history order kept), drawn
// with strata of `period_weeks`.
Result<ReplaySuite> BuildSuite(const std::vector<store::TraceRecord>& traces,
                               const std::string& media_dir,
                               int64_t period_weeks);

// The project with the backfill suite as its only suite.
ProjectConfig WithSuite(const ProjectConfig& project, const Suite& suite);

struct ReplayOptions {
  std::string run_id;  // empty: a fresh "backfill-MODEL-..." id
  // Set: recorded with a run this call creates, in its spec_json under
  // "backfill" (selection.h), so a resumed run replays the same traces.
  nlohmann::json selection;
  int workers = 0;
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
};

// Runs the suite through `candidate` (a model of the project).
Result<runner::RunSummary> Replay(
    const ProjectConfig& project, const std::string& candidate,
    const Suite& suite, const ReplayOptions& options, store::Store* store,
    Clock* clock, const runner::ModelMaker& make_model = CreateDefaultModel);

// What the replay would cost (items already answered in `run_id` or cached
// cost nothing).
Result<runner::RunEstimate> EstimateReplay(
    const ProjectConfig& project, const std::string& candidate,
    const Suite& suite, const std::string& run_id, store::Store* store,
    const runner::ModelMaker& make_model = CreateDefaultModel);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_REPLAY_H_
