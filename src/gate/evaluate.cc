#include "gate/evaluate.h"

#include "gate/judge_gate.h"
#include "gate/load.h"

namespace mmgate::gate {

Result<Evaluation> EvaluateRuns(const Policy& policy, store::Store* store,
                                const std::string& baseline,
                                const std::vector<std::string>& candidates,
                                const RunExpander& expand, ItemDetail detail) {
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
  for (const std::string& id : candidates) {
    auto cand = gate::LoadRun(store, id, detail);
    if (!cand.ok()) return cand.status();
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
