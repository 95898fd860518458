#include "gate/evaluate.h"

#include <future>
#include <utility>

#include "gate/judge_gate.h"
#include "gate/load.h"

namespace mmgate::gate {
namespace {

// The candidates as read from the store, in order; the first error stops the
// reading.
std::vector<Result<RunData>> LoadCandidates(
    store::Store* store, const std::vector<std::string>& candidates,
    ItemDetail detail) {
  std::vector<Result<RunData>> out;
  for (const std::string& id : candidates) {
    out.push_back(gate::LoadRun(store, id, detail));
    if (!out.back().ok()) break;
  }
  return out;
}

}  // namespace

Result<Evaluation> EvaluateRuns(const Policy& policy, store::Store* store,
                                const std::string& baseline,
                                const std::vector<std::string>& candidates,
                                const RunExpander& expand, ItemDetail detail) {
  // The candidates load on a second thread while the baseline and the
  // history load on this one: reading a million items takes seconds, and a
  // store may be called from several threads (store.h; SQLite reads each run
  // on a connection of its own). The expander runs here, in order.
  std::future<std::vector<Result<RunData>>> loading = std::async(
      std::launch::async, LoadCandidates, store, std::cref(candidates), detail);
  Evaluation e;
  auto base = gate::LoadRun(store, baseline, detail);
  if (!base.ok()) return base.status();
  if (expand) MMGATE_RETURN_IF_ERROR(expand(store, &*base));
  e.baseline = std::move(*base);
  // Tiers must not come from the compared runs' own outcomes (tiers.cc).
  std::vector<std::string> compared = candidates;
  compared.push_back(baseline);
  auto history = gate::LoadHistory(store, compared);
  if (!history.ok()) return history.status();
  std::vector<Result<RunData>> loaded = loading.get();
  for (size_t i = 0; i < loaded.size(); ++i) {
    Result<RunData>& cand = loaded[i];
    if (!cand.ok()) return cand.status();
    const std::string& id = candidates[i];
    if (expand) MMGATE_RETURN_IF_ERROR(expand(store, &*cand));
    auto result = gate::Evaluate(e.baseline, *cand, policy, *history);
    if (!result.ok())
      return result.status().WithContext(baseline + " vs " + id);
    MMGATE_RETURN_IF_ERROR(
        ApplyJudgeRule(policy, e.baseline, *cand, store, &*result));
    e.outcome.results.push_back(std::move(*result));
    e.candidates.push_back(std::move(*cand));
  }
  e.outcome.ranking = gate::Rank(e.outcome.results, policy);
  e.outcome.verdict = OverallVerdict(e.outcome.results);
  return e;
}

}  // namespace mmgate::gate
