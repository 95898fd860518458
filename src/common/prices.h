// The `prices:` table of mmgate.yaml: dollars per million input and output
// tokens for each model name. Read by the runner (cost of every attempt,
// --dry-run estimates) and by the gate (cost per query for gate-then-rank).
#ifndef MMGATE_COMMON_PRICES_H_
#define MMGATE_COMMON_PRICES_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace mmgate {

struct Price {
  double input_per_mtok = 0;
  double output_per_mtok = 0;
  // Dollars for the given token counts; counts below zero (not reported)
  // cost nothing.
  double Cost(int64_t input_tokens, int64_t output_tokens) const;
};

// Model name -> its price.
using PriceTable = std::map<std::string, Price>;

// `prices` is the YAML map as JSON (null: no table). Each entry must be
// {input_per_mtok: $, output_per_mtok: $}; `where` prefixes errors, which
// name the offending entry as `where.MODEL`.
Result<PriceTable> ParsePriceTable(const nlohmann::json& prices,
                                   const std::string& where);

}  // namespace mmgate

#endif  // MMGATE_COMMON_PRICES_H_
