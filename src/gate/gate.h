// The release gate: compares a candidate run with a baseline run item by item,
// per suite (one modality each), per slice value and per difficulty stratum,
// with the paired test that fits each metric, corrects for multiple
// comparisons, and decides pass, block or inconclusive for every stratum.
#ifndef MMGATE_GATE_GATE_H_
#define MMGATE_GATE_GATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/status.h"
#include "gate/policy.h"
#include "store/gate_run.h"
#include "store/store.h"

namespace mmgate::gate {

enum class Verdict { kPass, kBlock, kInconclusive };
std::string_view VerdictName(Verdict v);

// Why a stratum counts as it does (docs/gate.md): its simultaneous interval
// lies within the margin (pass) or beyond it (block), or straddles it
// (inconclusive); a stratum too small to decide at the margin is a coverage
// gap (inconclusive only when the policy marks it required); an ungated
// stratum is measured and shown, never counted.
enum class StratumStatus {
  kPass,
  kBlock,
  kInconclusive,
  kCoverageGap,
  kNotGated
};
std::string_view StatusName(StratumStatus s);

// One stratum: a whole suite, one slice value, or one difficulty tier.
struct Stratum {
  std::string
      test;  // e.g. "mcnemar-exact", "cluster-bootstrap-bca", "cluster-normal"
  std::string key;  // empty for the whole suite
  std::string value;
  bool gated = true;  // counted in the verdict and the correction
  int64_t n = 0;      // paired items
  double baseline = 0;
  double candidate = 0;
  double delta = 0;  // candidate - baseline on the metric's scale
  double ci_lo = 0;  // interval for delta at level 1 - alpha
  double ci_hi = 0;
  double p = 1;           // one-sided: the candidate is worse
  double p_adjusted = 1;  // weighted Holm over the family (1 when ungated)
  // The family-wise share of alpha this stratum spends (weighted Bonferroni:
  // alpha * weight / total weight): [ci_lo, ci_hi] is the two-sided
  // 1 - 2 * level interval, so each end is a one-sided bound at `level`, and
  // the intervals of the whole family hold together with 1 - alpha.
  double level = 0.05;
  double weight = 0;      // 0 when ungated
  bool required = false;  // a coverage gap here makes the verdict inconclusive
  double mde = 0;  // smallest drop detectable at `level` and the policy power
  // Paired items the stratum needs for its MDE to reach the margin (at its
  // discordance or spread, at least the whole suite's); 0 when untested.
  int64_t items_needed = 0;
  int64_t baseline_errors = 0;
  int64_t candidate_errors = 0;
  int64_t worse = 0;   // binary metrics: items that went from pass to fail
  int64_t better = 0;  // ... and from fail to pass
  // What the stratum contributes to its suite's verdict: a coverage gap
  // counts as pass unless required; an ungated stratum always as pass.
  Verdict verdict = Verdict::kPass;
  StratumStatus status = StratumStatus::kPass;
  // Blocked strata only: "" for a cause, else the label of the cause whose
  // items, once removed, take this stratum's block away.
  std::string explained_by;
  std::vector<std::string> reasons;
};

// Where the remaining failures are: seed 001's capability cliff.
struct Residual {
  // Where the tiers came from: "slices.difficulty", "history (N other runs)",
  // "cross-fit (5 folds)", or "none: <why>" when there are no tiers.
  std::string source;
  int64_t baseline_failures = 0;
  int64_t candidate_failures = 0;
  double baseline_hard_share =
      0;  // of the baseline's failures, share in the hard tier
  double candidate_hard_share = 0;
};

// Latency and cost of one run on one suite: never pooled across suites
// (computed by cost.h from the stored attempt costs).
struct RunCost {
  double p50_latency_ms = 0;
  // The model's and, on a judge-scored suite, its judge's calls per item;
  // -1: the model has no price or no token counts.
  double cost_per_query = -1;
  // The judge's calls alone; -1: no judge, or the judge has no price.
  double judge_cost_per_query = -1;
};

// The judge of a judge-scored suite and the calibration the gate read.
struct JudgeCalibration {
  std::string judge;
  std::string kappa_kind;  // "" when there is no calibration
  std::optional<double> kappa, kappa_lo, kappa_hi;
  int64_t n = 0;
  int64_t calibration_id = 0;
  double floor = 0;
  bool trusted = false;  // the lower bound reaches the floor
  // Pairwise suites: the candidate's answer preferred, tied (position flips
  // included) or the baseline's preferred, over the items judged.
  struct Pairwise {
    int64_t wins = 0, ties = 0, losses = 0, position_flips = 0;
  };
  std::optional<Pairwise> pairwise;
};

// One point of a degradation curve: the items perturbed by one kind at one
// level, each paired with the clean item of its group, in both runs.
struct CurvePoint {
  std::string value;                   // the slice value, "rotate:5"
  std::string level;                   // "5"
  std::optional<double> rank;          // severity order (larger = more severe)
  int64_t n = 0;                       // perturbed items with a clean partner
  int64_t groups = 0;                  // their clusters
  double baseline = 0, candidate = 0;  // metric on the perturbed items
  double baseline_clean = 0, candidate_clean = 0;  // on their clean sources
  // Relative loss versus clean on an accuracy scale (the metric, or 1 - it
  // for error rates): 0.10 = a tenth of the clean performance lost.
  double baseline_degradation = 0, candidate_degradation = 0;
  // The robustness rule, on the candidate's degradation.
  bool gated = false;
  double ci_lo = 0, ci_hi = 0;   // interval of candidate_degradation
  double p = 1, p_adjusted = 1;  // one-sided: degradation > max_degradation
  Verdict verdict = Verdict::kPass;
  // A gated point below min_n is a coverage gap (its verdict pass: a point
  // is never required); an ungated one is kNotGated.
  StratumStatus status = StratumStatus::kNotGated;
  std::vector<std::string> reasons;
};

struct Curve {
  std::string kind;                // "rotate"
  std::vector<CurvePoint> points;  // least severe first
};

// Abstention and hallucination behaviour of one run on one suite's paired
// items (items whose response errored are not counted).
struct Behaviour {
  int64_t abstain_items = 0, hallucinated = 0;     // expect: abstain, answered
  int64_t answerable_items = 0, over_refused = 0;  // expect: answer, abstained
  // slices.hallucination_type (object, relation, action, code, ...) -> items
  // tagged, and how many of them hallucinated: answered an unanswerable
  // item, or failed code_grounding or grounding with a confident answer.
  std::map<std::string, std::pair<int64_t, int64_t>> types;
  int64_t grounding_items = 0, ungrounded = 0;      // scored with `grounding`
  int64_t conflict_items = 0, conflict_failed = 0;  // scored with `conflict`
  int64_t code_items = 0, code_hallucinated = 0;    // with `code_grounding`
};

// An SLO check's outcome (docs/gate.md): met when the bound on the safe
// side is inside the threshold, missed when the other bound is beyond it,
// else inconclusive; no_data when nothing measures the figure here.
enum class SloStatus { kMet, kMissed, kInconclusive, kNoData };
std::string_view SloStatusName(SloStatus s);

// One SLO (policy.h's Slo) measured on one suite, or one of its slice values.
struct SloCheck {
  Slo slo;
  std::string label;       // "charts chart_type=bar: mean(exact) >= 0.95"
  std::string key, value;  // the slice scope; empty key: the whole suite
  std::string method;      // "clopper-pearson", "cluster-bootstrap-bca", ...
  int64_t n = 0;           // items measured (the figure's denominator)
  int64_t x = 0;           // rates: items counted in the numerator
  double estimate = 0;
  // Each end a one-sided bound at `level`, as a stratum's interval.
  double lo = 0, hi = 0;
  // One-sided p against the threshold, toward a miss (above a max, below a
  // min), and its weighted-Holm adjustment over the gate's whole family.
  double p = 1, p_adjusted = 1;
  double level = 0.05, weight = 0;
  int64_t items_needed = 0;  // at the estimate, to decide; 0 when unknown
  SloStatus status = SloStatus::kInconclusive;
  Verdict verdict = Verdict::kPass;
  // The same figure on the baseline run at the same level: whether the
  // baseline meets the SLO (not part of the family: it is context).
  int64_t baseline_n = 0;
  double baseline_estimate = 0, baseline_lo = 0, baseline_hi = 0;
  SloStatus baseline_status = SloStatus::kNoData;
  std::vector<std::string> reasons;
};

struct SuiteVerdict {
  std::string suite;
  std::string modality;
  std::string metric;
  bool higher_is_better = true;
  bool binary = false;
  std::string test;  // the test of the whole-suite stratum
  Thresholds thresholds;
  Stratum total;
  std::vector<Stratum> slices;
  std::vector<Stratum> difficulty;  // easy / medium / hard
  std::vector<Curve> curves;        // from slices.perturbation, by kind name
  Behaviour baseline_behaviour;
  Behaviour candidate_behaviour;
  Residual residual;
  RunCost baseline_cost;
  RunCost candidate_cost;
  std::vector<SloCheck> slos;  // the policy's SLOs scoped to this suite
  std::optional<JudgeCalibration> judge;  // judge-scored suites
  // Under what the candidate answered, when not as the baseline did: "under
  // load at stage c=4" for a load run against an idle one. Every stratum of
  // the suite is that comparison, so its label names it.
  std::string condition;
  Verdict verdict = Verdict::kPass;
  std::vector<std::string> reasons;
};

// A stratum named in the verdict's summary: "suite key=value" and its status.
struct StratumRef {
  std::string label;
  std::string suite;
  std::string key, value;  // empty key: the whole suite
  int64_t n = 0;
  int64_t items_needed = 0;
  bool required = false;
};

struct GateResult {
  Verdict verdict = Verdict::kPass;
  std::string baseline;
  std::string candidate;
  std::string policy_hash;
  std::vector<SuiteVerdict> suites;
  std::vector<std::string>
      unmatched;  // "suite/item" compared in neither direction
  std::vector<std::string>
      reasons;  // run-level reasons (errors, unmatched items)
  // Blocked strata that are causes (not explained by another), and every
  // coverage gap of the gated family.
  std::vector<StratumRef> causes;
  std::vector<StratumRef> coverage_gaps;
};

struct RunData {
  store::RunRecord run;
  std::vector<store::SuiteRecord> suites;
  // What the gate reads of every item (compact: a run may hold millions).
  store::GateRun rows;
  // The same items whole, set only with ItemDetail::kFull (load.h): the HTML
  // report shows their prompts and references. Empty otherwise.
  std::vector<store::ItemResult> items;
  // Dollars of the judge calls per (suite, item id) (extra responses of
  // kind judge); empty for a run without judges.
  std::map<std::pair<std::string, std::string>, double> judge_cost;
  // A `mmgate load --score` run: suite -> the traffic stages its stored
  // answers came from (store::kLoadStage records); empty for an idle run.
  std::map<std::string, std::set<std::string>> load_stages;
};

// Per (suite, item id, content hash): how many runs independent of the
// compared ones scored the item and how many of them failed it (load.h).
// Transparent: the gate looks its rows' string views up without copies.
using History = std::map<std::tuple<std::string, std::string, std::string>,
                         std::pair<int, int>, std::less<>>;

// An item outcome counts as a failure (for difficulty tiers and the residual
// failure set) when it errored or scored on the wrong side of 0.5: accuracy-
// like metrics fail below it, error rates such as WER above it.
bool IsFailure(bool error, double value, bool higher_is_better);

// How the candidate's answers to `suite` were made, when it differs from the
// baseline's: "under load at stage c=4" for a load run (RunData::load_stages)
// against an idle run; empty when both ran alike.
std::string LoadCondition(const RunData& baseline, const RunData& candidate,
                          const std::string& suite);

// Refuses (Status) what must not be compared: different suite versions, or
// different item sets unless the policy allows the intersection.
Result<GateResult> Evaluate(const RunData& baseline, const RunData& candidate,
                            const Policy& policy, const History& history);

// Ranks the candidates that passed (gate-then-rank) by the policy's order of
// quality, cost and latency, each judged on the candidate's worst suite (the
// smallest delta over its margin, the highest cost per query, the highest
// median latency), so no ranking key pools suites.
std::vector<size_t> Rank(const std::vector<GateResult>& results,
                         const Policy& policy);

// One ranking key of a candidate ("quality", "cost" or "latency"), on its
// worst suite; lower is better (quality: the largest drop over the margin,
// cost: the highest cost per query, infinite when unknown; latency: the
// highest median).
double RankKey(const GateResult& r, const std::string& what);

// The verdict over several candidates: with several, one that passes is
// enough to roll forward; none is inconclusive.
Verdict OverallVerdict(const std::vector<GateResult>& results);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_GATE_H_
