// Multiple-comparison adjustment across every gated suite and slice.
#ifndef MMGATE_STATS_MULTIPLE_H_
#define MMGATE_STATS_MULTIPLE_H_

#include <string>
#include <vector>

#include "common/status.h"

namespace mmgate::stats {

enum class Adjustment {
  kHolm,               // Holm step-down: family-wise error rate (default)
  kBenjaminiHochberg,  // Benjamini-Hochberg step-up: false discovery rate
};

// "holm" or "bh" (also "fdr_bh", statsmodels' name); anything else is an error.
Result<Adjustment> ParseAdjustment(const std::string& name);
std::string AdjustmentName(Adjustment method);

// Adjusted p-values in the input order, equal to statsmodels'
// multipletests(p, method="holm" | "fdr_bh")[1]: a hypothesis is rejected at
// level alpha when its adjusted p <= alpha. Errors on a p outside [0, 1].
Result<std::vector<double>> AdjustPValues(const std::vector<double>& p,
                                          Adjustment method);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_MULTIPLE_H_
