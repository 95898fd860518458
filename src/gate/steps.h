// The steps of gate::Evaluate (gate.h), in order: pairing (pairing.cc),
// difficulty tiers (tiers.cc), measurement (measure.cc) and decision
// (decide.cc); cost.h gives each run's latency and cost. A SuiteWork carries
// one (suite, metric) through them. Internal to gate/: callers use Evaluate.
// Every step is a pure function of its arguments (no shared state), so
// Evaluate runs each suite's steps on up to one thread per core; the result
// never depends on it.
#ifndef MMGATE_GATE_STEPS_H_
#define MMGATE_GATE_STEPS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "gate/gate.h"
#include "gate/paired_tests.h"
#include "gate/policy.h"
#include "store/store.h"

namespace mmgate::gate {

// One stratum's pairs while they are collected.
struct StratumAcc {
  std::string key, value;  // empty key: the whole suite
  std::vector<uint32_t> idx;
  int64_t base_errors = 0, cand_errors = 0;
};

// One (suite, metric) with its pairs and strata, before the decisions.
struct SuiteWork {
  SuiteVerdict v;
  std::vector<Pair> pairs;
  std::vector<const store::GateItem*> base_items, cand_items;
  std::vector<StratumAcc> strata{StratumAcc{}};   // [0] is the whole suite
  std::unordered_map<std::string, size_t> index;  // "key\x1fvalue" -> strata
  std::map<std::string, std::vector<uint32_t>> tiers;
  // The baseline's and the candidate's model names, for SLOs on cost.
  std::pair<std::string, std::string> slo_models;

  // The stratum of one slice value, added on first use.
  size_t At(std::string_view key, std::string_view value);

  // Reused for every pair, so that pairing a million items allocates
  // nothing per item: the lookup key of At and the strata of one pair.
  std::string at_key;
  std::vector<size_t> pair_strata;

  // Per pair, read once by pairing for the tiers, which would otherwise
  // look every item up again: whether each run's item failed (IsFailure),
  // and pair i's slice strata in slice order, slice_strata[slice_first[i],
  // slice_first[i + 1]), numbered as `strata` was before PrepareSuite sorted
  // it.
  std::vector<char> base_failed, cand_failed;
  std::vector<uint32_t> slice_strata, slice_first{0};
};

// By (suite, metric): the order of the verdict's suites.
using SuiteWorks = std::map<std::pair<std::string, std::string>, SuiteWork>;

// Pairing. Refuses (Status) runs over different versions of a suite, and
// unmatched items unless the policy allows the intersection; pairs the items
// (stats::PairItems), groups the pairs by (suite, metric) into strata with
// their error counts and numbered clusters, and adds the run-level reasons
// (unmatched, left-out errors) to `out`.
Result<SuiteWorks> PairRuns(const RunData& baseline, const RunData& candidate,
                            const Policy& policy, GateResult* out);

// Difficulty tiers: the items' own `difficulty` slice, else their failure
// rate over the earlier runs in `history`; fills w->tiers and the residual
// failure set's hard-tier shares.
void AssignTiers(SuiteWork* w, const History& history);

// The strata of one suite (total, slices, tiers) with their gating, weight
// and criticality, not yet measured; the degradation curves and the
// behaviour summaries.
void PrepareSuite(SuiteWork* w, const Policy& policy);

// Each gated stratum's family-wise level: alpha * weight / the weight of the
// whole family (every suite's gated strata, robustness points and SLO
// checks).
void AssignLevels(SuiteWorks* works, const Policy& policy);

// Measurement: the paired test, interval and MDE of every stratum at its
// level, and the items it needs.
void MeasureSuite(SuiteWork* w, const Policy& policy);

// The margin a stratum is judged against: the gated hard tier's own under
// `hard_tail` (`s` one of v.difficulty), else the suite's.
double MarginOf(const SuiteVerdict& v, const Stratum& s, const Policy& policy);

// Corrects the p-values of every gated stratum, robustness point and SLO
// check of all suites together (one family, weighted Holm); fails only on
// invalid p-values.
Status AdjustFamily(SuiteWorks* works, const Policy& policy);

// Decision: the status, verdict and reasons of every stratum and curve
// point, the attribution of overlapping blocks, and the suite's verdict.
void DecideSuite(SuiteWork* w, const Policy& policy);

// The items of every measured stratum of `w`, parallel to `strata`: total,
// slices, tiers (attribution re-tests their differences).
std::vector<const std::vector<uint32_t>*> StratumItems(const SuiteWork& w);

// Whether `s`'s rule blocks (the block half of Decide), so attribution asks
// the same question of a stratum with some items removed.
bool Blocks(const SuiteVerdict& v, const Stratum& s, double margin,
            const Policy& policy);

// Adds the suite's causes (blocks not explained by another) and coverage
// gaps to the run's lists.
void ListCausesAndGaps(const SuiteVerdict& v, GateResult* out);

// Re-measures `s` (its key, value and level kept) on `idx` alone.
void MeasureItems(const SuiteWork& w, const std::vector<uint32_t>& idx,
                  const Policy& policy, Stratum* s);

// Marks blocked strata whose block disappears once a more severe blocked
// stratum's items are removed as explained by it (attribute.cc).
void Attribute(SuiteWork* w, const Policy& policy);

// The worse of two verdicts: block, then inconclusive, then pass.
Verdict Worst(Verdict a, Verdict b);

// "suite" or "suite key=value": how reasons name a stratum.
std::string Label(const SuiteVerdict& v, const Stratum& s);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_STEPS_H_
