#include "gate/cost.h"

#include <algorithm>
#include <optional>

namespace mmgate::gate {

namespace {

// The dollars of the judge calls on `items`; nullopt when their suite has no
// judge or its judge has no price.
std::optional<double> JudgeDollars(
    const std::vector<const store::GateItem*>& items, const Policy& policy,
    const RunData* run) {
  if (run == nullptr || items.empty()) return std::nullopt;
  auto judged = policy.judged_suites.find(std::string(items.front()->suite));
  if (judged == policy.judged_suites.end() ||
      !policy.prices.count(judged->second.judge))
    return std::nullopt;
  // Keys are built only here, for a priced judge's suite.
  double dollars = 0;
  for (const store::GateItem* r : items) {
    auto c =
        run->judge_cost.find({std::string(r->suite), std::string(r->item_id)});
    if (c != run->judge_cost.end()) dollars += c->second;
  }
  return dollars;
}

}  // namespace

RunCost CostOf(const std::vector<const store::GateItem*>& items,
               const std::string& model, const Policy& policy,
               const RunData* run) {
  RunCost c;
  std::vector<double> lat;
  double dollars = 0;
  bool have_tokens = false;
  for (const store::GateItem* r : items) {
    if (!r->has_response || r->error_kind == "invalid_item") continue;
    lat.push_back(r->latency_ms);
    dollars += r->cost_usd;
    have_tokens |= r->input_tokens >= 0 && r->output_tokens >= 0;
  }
  if (!lat.empty()) {
    std::nth_element(lat.begin(),
                     lat.begin() + static_cast<long>(lat.size() / 2),
                     lat.end());
    c.p50_latency_ms = lat[lat.size() / 2];
  }
  const double n = static_cast<double>(items.size());
  const std::optional<double> judge = JudgeDollars(items, policy, run);
  if (judge) c.judge_cost_per_query = *judge / n;
  if (have_tokens && policy.prices.count(model) && !items.empty())
    c.cost_per_query = (dollars + judge.value_or(0)) / n;
  return c;
}

}  // namespace mmgate::gate
