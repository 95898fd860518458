#include "gate/load.h"

#include <algorithm>
#include <set>

#include "score/metrics.h"

namespace mmgate::gate {

Result<RunData> LoadRun(store::Store* store, const std::string& run_id,
                        ItemDetail detail) {
  RunData d;
  auto run = store->GetRun(run_id);
  if (!run.ok()) return run.status();
  if (!run->has_value())
    return Status::NotFound("no run '" + run_id + "' in " + store->Describe());
  d.run = **run;
  auto suites = store->GetSuites(run_id);
  if (!suites.ok()) return suites.status();
  d.suites = std::move(*suites);
  if (detail == ItemDetail::kGate) {
    auto rows = store->LoadGateRun(run_id);
    if (!rows.ok()) return rows.status();
    d.rows = std::move(*rows);
  } else {
    auto items = store->LoadResults(run_id);
    if (!items.ok()) return items.status();
    d.items = std::move(*items);
    d.rows = store::GateRun::Of(d.items);
  }
  auto judged = store->LoadExtraResponses(run_id, store::ResponseKind::kJudge);
  if (!judged.ok()) return judged.status();
  for (const store::ExtraResponseRecord& r : *judged)
    d.judge_cost[{r.suite, r.item_id}] += r.cost_usd;
  auto stages = store->LoadStages(run_id);
  if (!stages.ok()) return stages.status();
  for (const store::StageRecord& st : *stages) {
    if (st.stage == store::kLoadStage && !st.suite.empty())
      d.load_stages[st.suite].insert(st.input_ref);
  }
  return d;
}

Result<History> LoadHistory(store::Store* store,
                            const std::vector<std::string>& compared) {
  auto runs = store->ListRuns();
  if (!runs.ok()) return runs.status();
  std::set<std::string> versions;
  for (const store::RunRecord& r : *runs) {
    bool is_compared =
        std::find(compared.begin(), compared.end(), r.run_id) != compared.end();
    if (is_compared && !r.model_version.empty())
      versions.insert(r.model_version);
  }
  // Another run of a compared model version is no independent evidence: the
  // same engine and config (and the answer cache) give the same answers.
  std::vector<std::string> exclude = compared;
  for (const store::RunRecord& r : *runs) {
    if (versions.count(r.model_version)) exclude.push_back(r.run_id);
  }
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
