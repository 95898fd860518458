// Latency and cost of one run on one suite's paired items, for the verdict
// and for ranking candidates (gate-then-rank).
#ifndef MMGATE_GATE_COST_H_
#define MMGATE_GATE_COST_H_

#include <string>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"
#include "store/store.h"

namespace mmgate::gate {

// Median latency over the items that were answered (invalid items, never
// sent, are not counted) and cost per query. Never fails; pure function.
RunCost CostOf(const std::vector<const store::ItemResult*>& items,
               const std::string& model, const Policy& policy);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_COST_H_
