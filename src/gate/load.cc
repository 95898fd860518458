#include "gate/load.h"

#include "score/metrics.h"

namespace mmgate::gate {

Result<RunData> LoadRun(store::Store* store, const std::string& run_id) {
  RunData d;
  auto run = store->GetRun(run_id);
  if (!run.ok()) return run.status();
  if (!run->has_value())
    return Status::NotFound("no run '" + run_id + "' in " + store->Describe());
  d.run = **run;
  auto suites = store->GetSuites(run_id);
  if (!suites.ok()) return suites.status();
  d.suites = std::move(*suites);
  auto items = store->LoadResults(run_id);
  if (!items.ok()) return items.status();
  d.items = std::move(*items);
  return d;
}

Result<History> LoadHistory(store::Store* store,
                            const std::vector<std::string>& exclude) {
  auto outcomes = store->Outcomes(exclude);
  if (!outcomes.ok()) return outcomes.status();
  History h;
  for (const store::Outcome& o : *outcomes) {
    const score::MetricInfo* info = score::FindMetric(o.metric);
    auto& [seen, fails] = h[{o.suite, o.item_id, o.content_hash}];
    ++seen;
    fails +=
        IsFailure(o.error, o.value, info == nullptr || info->higher_is_better);
  }
  return h;
}

}  // namespace mmgate::gate
