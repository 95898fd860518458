// Degradation curves and the robustness rule. Items whose
// `slices.perturbation` is "kind:level" are paired with the clean item
// ("none") of their `group`; per kind and level the curve gives both runs'
// metric on the variants and on their clean sources, and the relative
// degradation. With `robustness: {max_degradation: X}` each point also tests
// the candidate: one-sided cluster bootstrap of H1 "degradation > X", whose
// p-value joins the gate's multiple-comparison correction.
#ifndef MMGATE_GATE_ROBUSTNESS_H_
#define MMGATE_GATE_ROBUSTNESS_H_

#include <string>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"
#include "store/gate_run.h"

namespace mmgate::gate {

// `base` and `cand` are the suite's paired items for `metric`, in the same
// order. Points are measured and, when the rule is set, tested (p filled);
// the decision comes after the correction (DecideRobustness).
std::vector<Curve> BuildCurves(const std::vector<const store::GateItem*>& base,
                               const std::vector<const store::GateItem*>& cand,
                               const SuiteVerdict& v, const Policy& policy);

// Below min_n a coverage gap (never required); else block on a significant
// excess over max_degradation, pass when the interval's upper end is within
// it, otherwise inconclusive.
void DecideRobustness(const SuiteVerdict& v, CurvePoint* p);

// A fraction as a signed percentage, "-12.5%", never "-0.0%": the one
// format of a change from clean in reasons and tables.
std::string SignedPercent(double fraction);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_ROBUSTNESS_H_
