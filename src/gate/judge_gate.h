// The judge rule of the gate (docs/judge.md): a suite scored by a judge is
// gated like any other metric only when that judge — the same model version
// and rubric that graded both runs — has a stored calibration for the suite's
// modality whose kappa's 95% lower bound is at least the policy's
// judge_kappa_floor. Otherwise the suite is inconclusive and its reasons say
// why (no calibration, kappa interval below the floor, runs graded by
// different judge versions). Items whose verdict was unparsable are counted
// in the reasons; they are never scored as failures (pairing.cc leaves them
// out).
//
// Reads calibrations from the store; a store error is returned.
#ifndef MMGATE_GATE_JUDGE_GATE_H_
#define MMGATE_GATE_JUDGE_GATE_H_

#include "common/status.h"
#include "gate/gate.h"
#include "gate/policy.h"
#include "store/store.h"

namespace mmgate::gate {

Status ApplyJudgeRule(const Policy& policy, const RunData& baseline,
                      const RunData& candidate, store::Store* store,
                      GateResult* result);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_JUDGE_GATE_H_
