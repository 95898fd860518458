// Difficulty tiers, the second step of Evaluate (steps.h).
//
// A tier must not depend on the baseline's own outcome on the item: the hard
// tier would then be the baseline's failures, where the candidate can only do
// better (regression to the mean) and `hard_tail` could never block. Tiers
// come from the items' `difficulty` slice, else from independent history
// (runs other than the compared ones; load.h), else by cross-fitting on the
// baseline; when none of these can tell difficulty apart there are no tiers
// and `residual.source` says why. See README.md.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

#include "gate/steps.h"

namespace mmgate::gate {
namespace {

constexpr int kFolds = 5;
// Salts the fold hash: fixed, so the same items always fall in the same
// folds and reports stay byte-identical.
constexpr std::string_view kFoldSeed = "mmgate-tiers-1";
// Pseudo-items of the fold's overall failure rate that a slice value's rate
// is shrunk toward, so a value seen a handful of times is not called hard.
constexpr double kShrink = 10;

// 64-bit FNV-1a: stable across platforms and library versions.
uint64_t Fnv1a(std::string_view a, std::string_view b) {
  uint64_t h = 1469598103934665603ull;
  for (std::string_view part : {a, std::string_view("\x1f", 1), b}) {
    for (unsigned char c : part) h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

std::string RateTier(double rate) {
  return rate < 1.0 / 3 ? "easy" : rate < 2.0 / 3 ? "medium" : "hard";
}

// Tiers from independent history: each item's failure rate over the other
// runs that scored it (items without history get no tier). Empty when no
// item of the suite has any.
std::optional<std::string> HistoryTiers(SuiteWork* w, const History& history) {
  int runs_seen = 0;
  if (history.empty()) return std::nullopt;
  for (size_t i = 0; i < w->pairs.size(); ++i) {
    const store::GateItem& it = *w->base_items[i];
    auto h = history.find(std::tuple{it.suite, it.item_id, it.content_hash});
    if (h == history.end() || h->second.first <= 0) continue;
    runs_seen = std::max(runs_seen, h->second.first);
    double rate = static_cast<double>(h->second.second) / h->second.first;
    w->tiers[RateTier(rate)].push_back(static_cast<uint32_t>(i));
  }
  if (runs_seen == 0) return std::nullopt;
  return fmt::format("history ({} other run{})", runs_seen,
                     runs_seen == 1 ? "" : "s");
}

// Baseline failures and items, per fold.
struct FoldCounts {
  std::array<int64_t, kFolds> fails{}, n{};
  int64_t Fails(int except) const { return Sum(fails) - fails[except]; }
  int64_t N(int except) const { return Sum(n) - n[except]; }
  static int64_t Sum(const std::array<int64_t, kFolds>& a) {
    int64_t s = 0;
    for (int64_t x : a) s += x;
    return s;
  }
};

// Each item's predicted difficulty from the baseline's other folds: the mean,
// over the item's slice values, of how much more often the baseline failed
// that value than its items overall (shrunk by kShrink). Whole groups share
// a fold: a source and its variants share the baseline's particular mistakes
// on that source, so they must not predict each other.
std::vector<double> CrossFitScores(const SuiteWork& w) {
  const size_t n = w.pairs.size();
  std::vector<int> fold(n);
  FoldCounts all;
  // Per slice value (the stratum pairing numbered it), its fold counts.
  std::vector<FoldCounts> by_value(w.strata.size());
  for (size_t i = 0; i < n; ++i) {
    fold[i] =
        static_cast<int>(Fnv1a(kFoldSeed, w.base_items[i]->group) % kFolds);
    const bool failed = w.base_failed[i];
    all.fails[fold[i]] += failed;
    ++all.n[fold[i]];
    for (uint32_t j = w.slice_first[i]; j < w.slice_first[i + 1]; ++j) {
      by_value[w.slice_strata[j]].fails[fold[i]] += failed;
      ++by_value[w.slice_strata[j]].n[fold[i]];
    }
  }
  std::vector<double> score(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t first = w.slice_first[i], end = w.slice_first[i + 1];
    const size_t n_slices = end - first;
    if (n_slices == 0 || all.N(fold[i]) == 0) continue;
    double overall = static_cast<double>(all.Fails(fold[i])) / all.N(fold[i]);
    for (uint32_t j = first; j < end; ++j) {
      const FoldCounts& c = by_value[w.slice_strata[j]];
      double rate =
          (c.Fails(fold[i]) + kShrink * overall) / (c.N(fold[i]) + kShrink);
      score[i] += (rate - overall) / static_cast<double>(n_slices);
    }
  }
  return score;
}

// Whether the items hold at least `k` distinct groups.
bool AtLeastGroups(const std::vector<const store::GateItem*>& items, size_t k) {
  std::vector<std::string_view> seen;
  for (const store::GateItem* r : items) {
    const std::string_view g = r->group;
    if (std::find(seen.begin(), seen.end(), g) != seen.end()) continue;
    seen.push_back(g);
    if (seen.size() >= k) return true;
  }
  return false;
}

// Tiers by cross-fitting: thirds of the predicted difficulty (ties kept
// together). Returns the source, or why there are no tiers.
std::string CrossFitTiers(SuiteWork* w) {
  const bool any_slice =
      std::any_of(w->base_items.begin(), w->base_items.end(),
                  [](const store::GateItem* r) { return !r->slices.empty(); });
  const std::string none = "none: no independent history, and ";
  if (!any_slice) return none + "no slices to cross-fit on";
  if (!AtLeastGroups(w->base_items, kFolds))
    return none + fmt::format("fewer than {} groups to cross-fit", kFolds);
  std::vector<double> score = CrossFitScores(*w);
  std::vector<double> sorted = score;
  std::sort(sorted.begin(), sorted.end());
  const double min = sorted.front(), max = sorted.back();
  if (min == max) return none + "the slices do not separate difficulty";
  const size_t n = sorted.size();
  const double lo = sorted[(n - 1) / 3], hi = sorted[(2 * n) / 3];
  for (size_t i = 0; i < n; ++i) {
    const double s = score[i];
    std::string tier = s >= hi && s > min   ? "hard"
                       : s <= lo && s < max ? "easy"
                                            : "medium";
    w->tiers[tier].push_back(static_cast<uint32_t>(i));
  }
  return fmt::format("cross-fit ({} folds)", kFolds);
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
    if (w->base_failed[i]) {
      ++r.baseline_failures;
      bh += hard;
    }
    if (w->cand_failed[i]) {
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
  std::string& source = w->v.residual.source;
  if (labelled) {
    for (size_t i = 0; i < w->pairs.size(); ++i) {
      for (const store::GateSlice& s : w->base_items[i]->slices) {
        if (s.key == "difficulty")
          w->tiers[std::string(s.value)].push_back(static_cast<uint32_t>(i));
      }
    }
    source = "slices.difficulty";
  } else if (auto from_history = HistoryTiers(w, history)) {
    source = *from_history;
  } else {
    source = CrossFitTiers(w);
  }
  FillResidual(w);
}

}  // namespace mmgate::gate
