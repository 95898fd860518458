// `mmgate rescore`: scores a stored run again from its stored answers, without
// a single model call, so a changed metric or normalizer applies to old runs.
// The result is a new run (RunRecord::source_run names the source) holding the
// selected suites: every stored response is copied (answer or error, latency,
// tokens, cost, attempt count) and its answers are scored by the item
// executor's Rescore() with the suites as the project config defines them now
// — the same scoring code a run uses. The attempts and cache tables are not
// touched. An errored item stays that error; an answer the metrics cannot
// score becomes a `score_error`, as in a run.
//
// Failure behaviour: an unknown source run, suite or metric, a suite the
// config no longer has, or an item whose content changed since the source run
// is an Invalid status and nothing is written. Store failures are returned.
// Not thread-safe: one rescore per store at a time.
#ifndef MMGATE_RUNNER_RESCORE_H_
#define MMGATE_RUNNER_RESCORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "dataset/item.h"
#include "runner/executor.h"
#include "score/metrics.h"
#include "store/store.h"

namespace mmgate::runner {

struct RescoreOptions {
  std::string run_id;               // empty: "<source>-rescore-<UTC time>"
  std::vector<std::string> suites;  // empty: every suite of the source run
  // Set: the primary metric of every item of the selected suites (the suite's
  // extra metrics are kept). The suites' version hashes change with it, so the
  // gate compares the rescored run only with runs rescored the same way.
  std::string metric;
  bool progress = false;  // draw a progress bar on stderr
  // Unset input_text: `grounding` recognises the media itself (cached beside
  // the config), as a run does.
  score::ScoreContext score_context;
  // Set: makes the scoring hook (`rescore --judge`, judge/scorer.h).
  ScoreHookFactory score_hook;
};

struct RescoreSummary {
  std::string run_id;
  std::string source_run;
  std::vector<std::string> suites;
  int64_t items = 0;     // items and invalid lines copied
  int64_t rescored = 0;  // stored answers scored again
  int64_t errors = 0;    // errored items in the new run
  int64_t not_run = 0;   // items the source run never answered
};

Result<RescoreSummary> Rescore(const ProjectConfig& project,
                               const std::string& source_run,
                               const RescoreOptions& options,
                               store::Store* store, Clock* clock);

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_RESCORE_H_
