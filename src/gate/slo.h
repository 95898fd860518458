// Service-level objectives (the policy's `slo:`): absolute bounds on figures
// of the candidate run, decided with their uncertainty, in the same
// weighted-Holm family as the regression tests (docs/gate.md). Steps of
// gate::Evaluate beside steps.h's; internal to gate/ except the figures,
// which the scorecard (report/) reads as well. Pure functions.
#ifndef MMGATE_GATE_SLO_H_
#define MMGATE_GATE_SLO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"
#include "gate/steps.h"
#include "stats/bootstrap.h"
#include "store/store.h"

namespace mmgate::gate {

// What one figure is measured on in one run: counts for a rate, per-cluster
// sums for a ratio (mean, cost; the bootstrap's baseline side is 0/1), or
// per-cluster values for a quantile. `missing` says why nothing measures it.
struct SloSample {
  int64_t n = 0, x = 0;
  std::vector<stats::PairedSums> sums;
  std::vector<std::vector<double>> values;
  std::string missing;
};

// The sample of `slo` over `items` of the suite `v` (one run's side), keeping
// only the items of the slice value `key=value` when `key` is set. `model`
// and `params` are that run's model (for prices) and the suite's params (for
// abstention).
SloSample SampleSlo(const Slo& slo, const SuiteVerdict& v,
                    const std::vector<const store::GateItem*>& items,
                    const std::string& key, const std::string& value,
                    const std::string& model, const nlohmann::json& params,
                    const Policy& policy);

// Estimate, bounds at `level` each side, p toward a miss and the items
// needed, from a sample: Clopper-Pearson for rates, the cluster bootstrap
// (seeded by `seed`) for ratios and quantiles. Fills those fields of `c`
// (and `reasons` when no estimate is possible).
void EstimateSlo(const SloSample& sample, double level, double power,
                 const Policy& policy, uint64_t seed, SloCheck* c);

// The SLO checks of one suite: every SLO whose scope matches it, measured on
// the candidate's items (and the baseline's, as context). A check with no
// data is kept only when its SLO names the suite or a slice (then
// inconclusive); others are dropped. Weight from the policy, level unset.
void PrepareSlos(SuiteWork* w, const Policy& policy,
                 const std::string& baseline_model,
                 const std::string& candidate_model);

// After AssignLevels: estimates every check at its level.
void MeasureSlos(SuiteWork* w, const Policy& policy);

// After the family's correction: status, verdict and reasons of every check,
// folded into the suite's verdict and reasons.
void DecideSlos(SuiteWork* w, const Policy& policy);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_SLO_H_
