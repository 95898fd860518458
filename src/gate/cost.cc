#include "gate/cost.h"

#include <algorithm>

namespace mmgate::gate {

RunCost CostOf(const std::vector<const store::ItemResult*>& items,
               const std::string& model, const Policy& policy) {
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
  if (have_tokens && policy.prices.count(model) && !items.empty())
    c.cost_per_query = dollars / static_cast<double>(items.size());
  return c;
}

}  // namespace mmgate::gate
