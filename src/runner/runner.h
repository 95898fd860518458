// Runs one model over a project's suites: plans the run (plan.h), then a
// worker pool (pool.h, one model instance per worker) drives the item executor
// (executor.h) and writes every finished item to the store as it completes, so
// an interrupted run resumes by id without redoing finished items.
#ifndef MMGATE_RUNNER_RUNNER_H_
#define MMGATE_RUNNER_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapter/factory.h"
#include "common/clock.h"
#include "common/status.h"
#include "dataset/item.h"
#include "runner/executor.h"
#include "score/metrics.h"
#include "store/store.h"

namespace mmgate::runner {

using ModelMaker =
    std::function<Result<std::unique_ptr<Model>>(const ModelSpec&)>;

// What a stage runner did with one suite's work in this session.
struct SuiteTally {
  int64_t done = 0;    // items finished and written
  int64_t errors = 0;  // ...of which recorded with an error
  double cost_usd = 0;
};

// Runs the items of a suite with `stages:` (a pipeline suite) into run
// `run_id`: each item through every stage, written to the store as it ends
// (pipeline/in_run.h makes it; runner cannot depend on pipeline). Stops
// starting items once `stop` is set; a store failure is returned.
using StageRunner = std::function<Result<SuiteTally>(
    const Suite& suite, const std::string& run_id,
    const std::vector<const Item*>& items, const std::atomic<bool>* stop)>;

// What one pipeline item produced, ready to write: its primary response and
// scores, its stages and the stages' responses.
struct StagedOutcome {
  store::ResponseRecord response;
  std::vector<store::ScoreRecord> scores;
  std::vector<store::StageRecord> stages;
  std::vector<store::ExtraResponseRecord> extras;
  bool failed = false;  // a stage failed to run (an error, not a fail)
  std::vector<std::string> files;  // the audio files its stages wrote
};
// Runs one item of a pipeline suite through every stage, writing nothing
// to the store (a shared-database worker writes it under its lease).
// `file_tag` goes into the names of the audio files the stages write (the
// worker's lease token), so a stalled holder that lost the batch never
// overwrites the files the new holder's stored stages name.
using StagedItemRunner =
    std::function<StagedOutcome(const Item& item, const std::string& file_tag)>;
// Makes the item runner of a pipeline suite in run `run_id` (its stage
// models made once); pipeline/run.h makes it. A stage model that cannot be
// made is an error.
using StagedItemRunnerMaker = std::function<Result<StagedItemRunner>(
    const Suite& suite, const std::string& run_id)>;

struct RunOptions {
  std::string run_id;  // empty: a new id from the model name and clock
  std::vector<std::string> suites;  // empty: every suite of the project
  int workers = 0;  // 0: the model's concurrency, else one per core
  // Calls per item: the item's scores are the mean over its repeats, and
  // items whose answers differ are reported as flaky.
  int repeat = 1;
  bool progress = false;  // draw a progress bar on stderr
  // Set from a signal handler: no new item starts, in-flight ones finish.
  const std::atomic<bool>* stop = nullptr;
  // Unset input_text: when a suite uses `grounding`, the runner recognises
  // the media itself (ground/input_text.h, cached beside the config).
  score::ScoreContext score_context;
  // Set: makes the scoring hook (judge-scored suites, judge/scorer.h).
  ScoreHookFactory score_hook;
  // Set: runs the selected pipeline suites (after the other suites, one item
  // at a time). Unset: a selected pipeline suite is an Invalid status.
  StageRunner stage_runner;
};

struct RunSummary {
  std::string run_id;
  std::string model_version;
  bool resumed = false;
  int64_t total = 0;       // items and invalid lines in the selected suites
  int64_t skipped = 0;     // already finished in an earlier session of the run
  int64_t done = 0;        // answered in this session
  int64_t errors = 0;      // per-item failures recorded in this session
  int64_t attempts = 0;    // provider calls made in this session
  int64_t cache_hits = 0;  // answers taken from the response cache
  double cost_usd = 0;     // priced attempts of this session
  int64_t schema_checked = 0;      // structured answers checked on first pass
  int64_t schema_valid = 0;        // ...and valid
  std::vector<std::string> flaky;  // "suite/item": answers differ on repeat
  bool interrupted = false;
};

// Config, model and store errors stop the run with a Status; whatever goes
// wrong with one item (including an exception escaping its model call or its
// scoring) is recorded as that item's error and the other items finish.
Result<RunSummary> Run(const ProjectConfig& project,
                       const std::string& model_name, const RunOptions& options,
                       store::Store* store, Clock* clock,
                       const ModelMaker& make_model = CreateDefaultModel);

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_RUNNER_H_
