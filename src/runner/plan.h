// Planning a run: which suites, which run id, what is already done. A new run
// is created in the store; an existing run id resumes (same model and version
// only). Every item and invalid line of the selected suites is recorded with
// the run, invalid lines as `invalid_item` errors, and the items without a
// finished response of the same content become the work.
//
// Failure behaviour: an unknown suite, a bad price table or a run id made by
// another model is an Invalid status; store failures are returned as they come.
// Not thread-safe (runs before the workers start).
#ifndef MMGATE_RUNNER_PLAN_H_
#define MMGATE_RUNNER_PLAN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/prices.h"
#include "common/status.h"
#include "dataset/item.h"
#include "runner/executor.h"
#include "store/store.h"

namespace mmgate::runner {

// The project's suites named in `names` (empty: all), in project order; a name
// the project does not have is an error naming it.
Result<std::vector<const Suite*>> SelectSuites(
    const ProjectConfig& project, const std::vector<std::string>& names);

// The model's entry of the config's `prices:` table (unset: not priced). The
// one place the table is read.
Result<std::optional<Price>> PriceOf(const ProjectConfig& project,
                                     const std::string& model_name);

// "<prefix>-YYYYmmdd-HHMMSS" (UTC) for the clock's time, with "-2", "-3"...
// appended while the store already has that run id.
Result<std::string> FreshRunId(const std::string& prefix, Clock* clock,
                               store::Store* store);

// Creates run `run_id` (status running), or, when it exists, checks that the
// same model and version made it and marks it running again. Returns whether
// the run resumes.
Result<bool> StartRun(const std::string& run_id, const std::string& model_name,
                      const std::string& model_version, const ModelSpec& spec,
                      const std::string& config_path, store::Store* store,
                      Clock* clock);

// An item as the store records it with a run (its primary metric from
// MetricsFor).
store::ItemRecord ToRecord(const Suite& suite, const Item& item);

// The run's suite records and items, and invalid lines recorded as errors.
// `version` is the model version responses carry.
struct RunPlan {
  int64_t total = 0;    // items and invalid lines
  int64_t invalid = 0;  // invalid lines (recorded as errors)
  int64_t skipped = 0;  // finished in an earlier session
  std::vector<WorkItem> work;
  int64_t queued = 0;    // items handed to a BatchRunner
  bool stopped = false;  // PlanSuiteInBatches stopped before the end
};
// Whether any item of the suites is scored with `metric` (a streamed suite's
// by its Suite::item_metrics).
bool UsesMetric(const std::vector<const Suite*>& suites,
                const std::string& metric);

// Items a suite records with a run: its valid items and invalid lines.
int64_t SuiteSize(const Suite& suite);

// What Store::FinishedItems returns: (suite, item id) -> content hash.
using FinishedItems =
    std::map<std::pair<std::string, std::string>, std::string>;

// Runs one batch's unfinished items (all of one suite) before the next batch
// is read; an error stops the plan and is returned by PlanSuiteInBatches.
using BatchRunner = std::function<Status(const std::vector<WorkItem>& work)>;

// PlanRun for one suite without holding it whole (a streamed suite,
// dataset::ReadItemBatches): records the suite, then reads its items
// `batch_size` at a time, records each batch (Store::AppendSuiteItems) and
// hands its items to `run`: with `skip_finished`, only those without a
// finished response of the same content (asked of the store a batch at a
// time, Store::FinishedItemsOf), else all.
// After the last batch the suite's invalid lines are recorded as errors and
// items the suite no longer holds leave the run. Once `stopping` says true no
// further batch is read and `plan->stopped` is set (nothing is dropped then).
// Adds to plan's counts; plan->work stays empty. A suite with a
// Suite::source is read from it instead: its problems are recorded with
// their batch, `finished` is not used (each batch's finished items are
// asked of the store, Store::FinishedItemsOf) and no item is dropped.
Status PlanSuiteInBatches(const Suite& suite, const std::string& run_id,
                          const std::string& version, bool skip_finished,
                          size_t batch_size,
                          const std::function<bool()>& stopping,
                          const BatchRunner& run, store::Store* store,
                          Clock* clock, RunPlan* plan);

Result<RunPlan> PlanRun(const std::vector<const Suite*>& suites,
                        const std::string& run_id, const std::string& version,
                        store::Store* store, Clock* clock);

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_PLAN_H_
