// The gate policy: thresholds per modality (and per suite), the error rule,
// multiple-comparison correction, bootstrap settings and ranking order. Its
// hash is printed with every verdict, so a verdict names the rules it used.
#ifndef MMGATE_GATE_POLICY_H_
#define MMGATE_GATE_POLICY_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "stats/multiple.h"

namespace mmgate::gate {

struct Thresholds {
  // The largest drop tolerated, in the metric's own units (0.02 = two
  // accuracy points; for WER, 0.01 = one point of WER more).
  double margin = 0.02;
  double alpha = 0.05;  // one-sided, family-wise after correction
  double power = 0.8;   // for the minimum detectable effect
  int64_t min_n = 30;   // fewer paired items than this: inconclusive
  // Robustness rule (`robustness: {max_degradation: 0.10}`): the candidate's
  // relative degradation from clean, per perturbation kind and level, may
  // not exceed this share. Unset: curves are reported, not gated.
  std::optional<double> max_degradation;
};

enum class IntervalMethod { kPercentile, kBca };

// What a block needs (docs/gate.md): the stratum's simultaneous interval
// entirely beyond the margin (kMargin), or also a family-wise significant
// drop against zero whose point estimate is beyond the margin (kSignificance,
// the default: a margin-beyond interval at about alpha/55 misses most real
// 5-point drops on a 400-item slice; a true drop inside the margin may block).
enum class BlockRule { kMargin, kSignificance };

// How the family-wise alpha is shared (weighted Holm / Bonferroni): each
// gated stratum spends alpha * weight / the family's total weight.
struct Weights {
  double suite = 5;     // each suite's whole-suite stratum
  double required = 2;  // strata of a key marked `required: true`
  double slice = 1;     // every other gated slice, tier and robustness point
  double slo = 5;       // each SLO check (docs/gate.md: a stated requirement)
};

// What an SLO bounds (`slo:` entries' `figure`). Rates are decided with the
// exact binomial interval, the rest with the cluster bootstrap (gate/slo.h).
enum class SloFigure {
  kMean,           // the metric's mean (`metric:`, default the suite's)
  kSchemaValid,    // first-pass schema validity, items with a schema
  kHallucination,  // answered an `expect: abstain` item (or, with `type:`,
                   // hallucinated on items of that hallucination_type)
  kOverRefusal,    // abstained on an answerable item
  kErrorRate,      // items whose response errored
  kFlakyRate,      // items whose answers differed across repeats
  kLatencyP50,     // ms, from the stored per-item latencies
  kLatencyP95,
  kLatencyP99,
  kCostPerQuery,    // dollars per item
  kCostPerCorrect,  // dollars per correct answer
};
std::string_view SloFigureName(SloFigure f);
bool SloFigureIsRate(SloFigure f);

// One `slo:` entry: a minimum or a maximum on a figure of the candidate run,
// for every suite it scopes (all, one modality, one suite) and, with
// `slice: {KEY: VALUE}`, on that slice value's items only.
struct Slo {
  SloFigure figure = SloFigure::kMean;
  bool at_most = true;  // `max:` (else `min:`)
  double threshold = 0;
  std::string modality, suite;         // empty: any
  std::string slice_key, slice_value;  // empty key: the whole suite
  std::string metric;                  // kMean: empty = the suite's metric
  std::string hallucination_type;      // kHallucination: empty = abstain items
  std::string Describe() const;        // "hallucination <= 0.01 (audio)"
};

// `slices: {KEY: {required: true, weight: 3}}`: a required key is gated, its
// coverage gaps make the verdict inconclusive, and it gets the `required`
// weight unless it names its own.
struct SliceRule {
  bool required = false;
  std::optional<double> weight;
};

// A judge-scored suite (`judge:` in the suite): which judge and rubric a
// calibration must be for before the gate trusts the suite (judge_gate.h).
struct JudgeRequirement {
  std::string judge;           // the judge model's name
  std::string rubric_hash;     // sha256 of its rubric file
  std::string mode = "score";  // score | pairwise: calibrated on its own
};

struct Policy {
  Thresholds defaults;
  std::map<std::string, Thresholds>
      modalities;  // override defaults per modality
  std::map<std::string, Thresholds>
      suites;  // override per suite (suite YAML `gate:`)
  stats::Adjustment correction = stats::Adjustment::kHolm;
  bool errors_as_failures = true;
  bool allow_partial = false;  // compare the intersection when item sets differ
  std::optional<std::set<std::string>> gated_slices;  // absent: every slice key
  std::map<std::string, SliceRule> slice_rules;
  Weights weights;
  // `slo:` (gate/slo.h); `figure: degradation` entries set the scope's
  // max_degradation instead, as `robustness:` does.
  std::vector<Slo> slos;
  BlockRule block = BlockRule::kSignificance;
  int bootstrap_resamples = 10000;
  // Strata with more clusters use the linearized (normal) interval instead:
  // at that size the bootstrap distribution is normal within its own noise.
  int64_t bootstrap_max_clusters = 20000;
  uint64_t seed = 20261122;
  IntervalMethod interval = IntervalMethod::kBca;
  std::optional<double>
      hard_tail_max_drop;  // gate the hard difficulty tier too
  std::vector<std::string> rank = {"quality", "cost", "latency"};
  std::map<std::string, std::pair<double, double>>
      prices;  // model -> $/Mtok in, out
  // `judge_kappa_floor`: a judge-scored suite is gated only when its judge's
  // calibration for the suite's modality has a kappa whose 95% lower bound
  // is at least this; else the suite is inconclusive.
  double judge_kappa_floor = 0.6;
  std::map<std::string, JudgeRequirement> judged_suites;  // by suite name
  // Each suite's `params` (abstention phrases and field), read to summarise
  // abstention and hallucination; not part of the policy's hash.
  std::map<std::string, nlohmann::json> suite_params;

  const Thresholds& For(const std::string& suite,
                        const std::string& modality) const;
  bool Gated(const std::string& slice_key) const;
  bool Required(const std::string& slice_key) const;
  // The family weight of a gated stratum of `slice_key` ("" for a suite).
  double Weight(const std::string& slice_key) const;
  nlohmann::json ToJson() const;
  std::string Hash() const;  // sha256 of ToJson(), first 16 hex
};

// Reads the `gate:` section of mmgate.yaml (as JSON) and the `gate:` sections
// of its suites; unknown keys and out-of-range values are errors naming
// `where`.
Result<Policy> ParsePolicy(const nlohmann::json& gate,
                           const std::string& where);
// A suite's thresholds start from its modality's (or the defaults).
Status AddSuiteThresholds(Policy* policy, const std::string& suite,
                          const std::string& modality,
                          const nlohmann::json& gate, const std::string& where);
// The `slo:` list: each entry's figure, bound and scope into policy->slos
// (degradation into the thresholds: the robustness rule is that SLO kind).
// Errors name `where.N.field`.
Status ParseSlos(const nlohmann::json& list, const std::string& where,
                 Policy* policy);
// The `budgets:` map, a spelling of latency SLOs: `image: {p99_ms: 2000}` is
// `{figure: latency_p99, max: 2000, modality: image}`, and
// `slices: {KEY: {VALUE: {p95_ms: MS}}}` under a modality adds that slice
// value's own. Errors name `where.MODALITY.field`.
Status ParseBudgets(const nlohmann::json& budgets, const std::string& where,
                    Policy* policy);
nlohmann::json SlosJson(const Policy& policy);

Status ParsePrices(Policy* policy, const nlohmann::json& prices,
                   const std::string& where);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_POLICY_H_
