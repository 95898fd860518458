#include "common/prices.h"

#include <algorithm>

namespace mmgate {

double Price::Cost(int64_t input_tokens, int64_t output_tokens) const {
  return (static_cast<double>(std::max<int64_t>(input_tokens, 0)) *
              input_per_mtok +
          static_cast<double>(std::max<int64_t>(output_tokens, 0)) *
              output_per_mtok) /
         1e6;
}

Result<PriceTable> ParsePriceTable(const nlohmann::json& prices,
                                   const std::string& where) {
  PriceTable out;
  if (prices.is_null()) return out;
  if (!prices.is_object())
    return Status::Invalid(where + ": prices must be a map of models");
  for (const auto& [model, v] : prices.items()) {
    if (!v.is_object() || !v.contains("input_per_mtok") ||
        !v.contains("output_per_mtok") || !v["input_per_mtok"].is_number() ||
        !v["output_per_mtok"].is_number()) {
      return Status::Invalid(
          where + "." + model +
          ": expected {input_per_mtok: $, output_per_mtok: $}");
    }
    out[model] = {v["input_per_mtok"].get<double>(),
                  v["output_per_mtok"].get<double>()};
  }
  return out;
}

}  // namespace mmgate
