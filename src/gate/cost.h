// Latency and cost of one run on one suite's paired items, for the verdict
// and for ranking candidates (gate-then-rank).
#ifndef MMGATE_GATE_COST_H_
#define MMGATE_GATE_COST_H_

#include <string>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"
#include "store/gate_run.h"

namespace mmgate::gate {

// Median latency over the items that were answered (invalid items, never
// sent, are not counted) and cost per query: the dollars stored with the
// items' responses (each the sum of its priced attempts, retries included; a
// cache hit made no call and cost nothing) over the items. The figure is
// -1 (unknown) when `model` has no entry in the policy's prices, or when no
// response reported its tokens, so nothing could be priced. This is the one
// computation of cost per query; prices turn into dollars only when the
// runner stores each attempt. On a judge-scored suite whose judge is
// priced, `run`'s judge calls on these items are added to the cost per
// query and given alone as judge_cost_per_query. Never fails; pure function.
RunCost CostOf(const std::vector<const store::GateItem*>& items,
               const std::string& model, const Policy& policy,
               const RunData* run = nullptr);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_COST_H_
