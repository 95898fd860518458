// Sample-size planning (`mmgate gate --plan`): per stratum of the gated
// family, the paired items needed for the stratum to decide a drop of the
// policy's margin at the policy's power, at the family-wise level the gate
// would give it (docs/gate.md).
#ifndef MMGATE_GATE_PLAN_H_
#define MMGATE_GATE_PLAN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"

namespace mmgate::gate {

// One suite as its items describe it: each item's slices.
struct PlanSuite {
  std::string suite, modality;
  std::vector<std::vector<std::pair<std::string, std::string>>> items;
};

struct PlanRow {
  std::string suite, key, value;  // empty key: the whole suite
  int64_t n = 0;                  // items now
  bool required = false;
  double weight = 0, level = 0, margin = 0;
  double mde = 0;            // at n, level and power
  int64_t items_needed = 0;  // for mde <= margin
};

// From the items alone, assuming a share `churn` of items changes outcome
// between the runs (pass/fail; continuous metrics are planned as their
// pass/fail). The family is every suite total and gated slice value.
std::vector<PlanRow> PlanFromItems(const std::vector<PlanSuite>& suites,
                                   const Policy& policy, double churn);

// From a gate result: each gated stratum with its measured spread.
std::vector<PlanRow> PlanFromResult(const GateResult& r, const Policy& policy);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_PLAN_H_
