// Difficulty tiers, the second step of Evaluate (steps.h).
#include <fmt/format.h>

#include <algorithm>

#include "gate/steps.h"
#include "stats/pairing.h"

namespace mmgate::gate {
namespace {

bool FailedItem(const store::ItemResult& r, const std::string& metric,
                bool higher_is_better) {
  auto s = r.scores.find(metric);
  bool error = stats::Errored(r) || s == r.scores.end();
  return IsFailure(error, error ? 0 : s->second.value, higher_is_better);
}

// The item's tier: its `difficulty` slice when the suite is labelled, else
// from its failure rate over earlier runs (empty when it has none); counts
// the most earlier runs seen in `runs_seen`.
std::string TierOf(const store::ItemRecord& it, bool labelled,
                   const History& history, int* runs_seen) {
  std::string tier;
  if (labelled) {
    for (const auto& [k, v] : it.slices) {
      if (k == "difficulty") tier = v;
    }
  } else if (auto h = history.find({it.suite, it.item_id, it.content_hash});
             h != history.end() && h->second.first > 0) {
    *runs_seen = std::max(*runs_seen, h->second.first);
    double rate = static_cast<double>(h->second.second) / h->second.first;
    tier = rate < 1.0 / 3 ? "easy" : rate < 2.0 / 3 ? "medium" : "hard";
  }
  return tier;
}

// Where the remaining failures are: each run's failures and their share in
// the hard tier.
void FillResidual(SuiteWork* w) {
  Residual& r = w->v.residual;
  int64_t bh = 0, ch = 0;
  const auto hard_tier = w->tiers.find("hard");
  for (size_t i = 0; i < w->pairs.size(); ++i) {
    bool hard = false;
    if (hard_tier != w->tiers.end()) {
      hard =
          std::binary_search(hard_tier->second.begin(), hard_tier->second.end(),
                             static_cast<uint32_t>(i));
    }
    if (FailedItem(*w->base_items[i], w->v.metric, w->v.higher_is_better)) {
      ++r.baseline_failures;
      bh += hard;
    }
    if (FailedItem(*w->cand_items[i], w->v.metric, w->v.higher_is_better)) {
      ++r.candidate_failures;
      ch += hard;
    }
  }
  r.baseline_hard_share =
      r.baseline_failures ? static_cast<double>(bh) / r.baseline_failures : 0;
  r.candidate_hard_share =
      r.candidate_failures ? static_cast<double>(ch) / r.candidate_failures : 0;
}

}  // namespace

void AssignTiers(SuiteWork* w, const History& history) {
  bool labelled = false;
  for (const StratumAcc& st : w->strata) labelled |= st.key == "difficulty";
  int runs_seen = 0;
  for (size_t i = 0; i < w->pairs.size(); ++i) {
    std::string tier =
        TierOf(w->base_items[i]->item, labelled, history, &runs_seen);
    if (!tier.empty()) w->tiers[tier].push_back(static_cast<uint32_t>(i));
  }
  w->v.residual.source = labelled ? "slices.difficulty"
                                  : fmt::format("history ({} runs)", runs_seen);
  FillResidual(w);
}

}  // namespace mmgate::gate
