#include "gate/cost.h"

#include <algorithm>

namespace mmgate::gate {

RunCost CostOf(const std::vector<const store::ItemResult*>& items,
               const std::string& model, const Policy& policy) {
  RunCost c;
  std::vector<double> lat;
  double tokens_in = 0, tokens_out = 0;
  bool have_tokens = false;
  for (const store::ItemResult* r : items) {
    if (!r->response || r->response->error_kind == "invalid_item") continue;
    lat.push_back(r->response->latency_ms);
    if (r->response->input_tokens >= 0 && r->response->output_tokens >= 0) {
      have_tokens = true;
      tokens_in += static_cast<double>(r->response->input_tokens);
      tokens_out += static_cast<double>(r->response->output_tokens);
    }
  }
  if (!lat.empty()) {
    std::nth_element(lat.begin(),
                     lat.begin() + static_cast<long>(lat.size() / 2),
                     lat.end());
    c.p50_latency_ms = lat[lat.size() / 2];
  }
  auto price = policy.prices.find(model);
  if (have_tokens && price != policy.prices.end() && !items.empty()) {
    c.cost_per_query =
        (tokens_in * price->second.first + tokens_out * price->second.second) /
        1e6 / static_cast<double>(items.size());
  }
  return c;
}

}  // namespace mmgate::gate
