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

// Weighted Holm (Holm 1979, weighted form): hypotheses ordered by p / w; at
// each step the next is rejected at level alpha * w / (the weight of those
// not yet rejected). Adjusted p-values in the input order; equal weights give
// AdjustPValues(p, kHolm). Keeps the family-wise error rate at alpha for any
// dependence. Errors on a p outside [0, 1], a weight <= 0, or sizes that
// differ.
Result<std::vector<double>> WeightedHolm(const std::vector<double>& p,
                                         const std::vector<double>& weights);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_MULTIPLE_H_
