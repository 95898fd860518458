#include "gate/cost.h"

#include <algorithm>
#include <optional>

namespace mmgate::gate {

namespace {

// The dollars of the judge calls on `items`; nullopt when their suite has no
// judge or its judge has no price.
std::optional<double> JudgeDollars(
    const std::vector<const store::ItemResult*>& items, const Policy& policy,
    const RunData* run) {
  if (run == nullptr || items.empty()) return std::nullopt;
  auto judged = policy.judged_suites.find(items.front()->item.suite);
  if (judged == policy.judged_suites.end() ||
      !policy.prices.count(judged->second.judge))
    return std::nullopt;
  double dollars = 0;
  for (const store::ItemResult* r : items) {
    auto c = run->judge_cost.find({r->item.suite, r->item.item_id});
    if (c != run->judge_cost.end()) dollars += c->second;
  }
  return dollars;
}

}  // namespace

RunCost CostOf(const std::vector<const store::ItemResult*>& items,
               const std::string& model, const Policy& policy,
               const RunData* run) {
  RunCost c;
  std::vector<double> lat;
  double dollars = 0;
  bool have_tokens = false;
  for (const store::ItemResult* r : items) {
    if (!r->response || r->response->error_kind == "invalid_item") continue;
    lat.push_back(r->response->latency_ms);
    dollars += r->response->cost_usd;
    have_tokens |=
        r->response->input_tokens >= 0 && r->response->output_tokens >= 0;
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
