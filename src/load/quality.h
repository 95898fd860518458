// Quality and cost under load. Every successful answer of a load run is scored
// with its suite's primary metric through the item executor (Rescore: the
// metric hook, no model call; identical answers of an item are scored once),
// giving the mean quality of each stage. The run is stored as a run
// (store/store.h, through the executor's Write): per item, the answer of its
// last request in the last stage (the heaviest load of a sweep or step) with
// its score, and every request of the item as an attempt with its latency
// from the schedule, so `mmgate gate --baseline IDLE --candidate LOAD` runs
// the gate's paired test item by item against a run made at idle.
//
// Cost: each answered request priced from the `prices:` table (input and
// output tokens as the endpoint reports them): total, per query, per million
// tokens, and per correct answer (dividing by the sum of primary scores, which
// for a 0/1 metric is the number of correct answers).
//
// Failure: a store error is returned (the load report is still printed);
// an answer the metric cannot score counts as unscored, never as 0.
#ifndef MMGATE_LOAD_QUALITY_H_
#define MMGATE_LOAD_QUALITY_H_

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/prices.h"
#include "load/prepare.h"
#include "load/summary.h"
#include "runner/executor.h"
#include "store/store.h"

namespace mmgate::load {

// Primary score per record (by position in run.records); -1: not scored.
std::vector<double> ScoreAnswers(const Prepared& p, const RunResult& run,
                                 runner::ItemExecutor* executor);

// Per-stage and overall mean quality, and cost figures, into the summary.
void AddQualityAndCost(const RunResult& run, const std::vector<double>& scores,
                       const std::optional<Price>& price, Summary* summary);

struct StoreOptions {
  std::string run_id;
  std::string model;
  std::string config_path;
  std::optional<Price> price;
};

// The stage record kept beside each stored answer of a load run: stage
// kLoadStage (store/records.h's `load`), input_ref the traffic stage's label
// ("c=4", "100 req/s") the answer came from.
store::StageRecord LoadStageOf(const store::ResponseRecord& r,
                               const Schedule& schedule, int stage);

// Stores the load run as run `options.run_id` (made by `executor`, whose
// config names that run); returns its run id.
Result<std::string> StoreLoadRun(const ProjectConfig& project,
                                 const Prepared& p, const RunResult& run,
                                 const StoreOptions& options,
                                 store::Store* store, Clock* clock,
                                 runner::ItemExecutor* executor);

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_QUALITY_H_
