#include "stats/multiple.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mmgate::stats {

Result<Adjustment> ParseAdjustment(const std::string& name) {
  if (name == "holm") return Adjustment::kHolm;
  if (name == "bh" || name == "fdr_bh") return Adjustment::kBenjaminiHochberg;
  return Status::Invalid("unknown multiple-comparison adjustment '" + name +
                         "' (expected holm or bh)");
}

std::string AdjustmentName(Adjustment method) {
  return method == Adjustment::kHolm ? "holm" : "bh";
}

Result<std::vector<double>> AdjustPValues(const std::vector<double>& p,
                                          Adjustment method) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      return Status::Invalid("p-value " + std::to_string(i) + " is " +
                             std::to_string(p[i]) + ", outside [0, 1]");
    }
  }
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  // Tied p-values get the same adjusted value either way, so the tie order
  // does not matter; stable keeps it reproducible anyway.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> adjusted(m);
  const double total = static_cast<double>(m);
  if (method == Adjustment::kHolm) {
    // Step-down: (m - j) p_(j) for 0-based rank j, made non-decreasing.
    double running = 0;
    for (size_t j = 0; j < m; ++j) {
      running = std::max(running, p[order[j]] * static_cast<double>(m - j));
      adjusted[order[j]] = std::min(1.0, running);
    }
  } else {
    // Step-up: p_(j) / ((j + 1) / m) (statsmodels' ecdf factor), made
    // non-increasing from the largest p down.
    double running = 1;
    for (size_t j = m; j-- > 0;) {
      const double ecdf = static_cast<double>(j + 1) / total;
      running = std::min(running, p[order[j]] / ecdf);
      adjusted[order[j]] = std::min(1.0, running);
    }
  }
  return adjusted;
}

Result<std::vector<double>> WeightedHolm(const std::vector<double>& p,
                                         const std::vector<double>& weights) {
  if (p.size() != weights.size())
    return Status::Invalid(
        "weighted Holm: p-values and weights differ in size");
  double remaining = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      return Status::Invalid("p-value " + std::to_string(i) + " is " +
                             std::to_string(p[i]) + ", outside [0, 1]");
    }
    if (!(weights[i] > 0 && std::isfinite(weights[i]))) {
      return Status::Invalid("weight " + std::to_string(i) +
                             " must be finite and > 0");
    }
    remaining += weights[i];
  }
  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return p[a] / weights[a] < p[b] / weights[b];
  });
  std::vector<double> adjusted(p.size());
  double running = 0;
  for (size_t i : order) {
    running = std::max(running, p[i] * remaining / weights[i]);
    adjusted[i] = std::min(1.0, running);
    remaining -= weights[i];
  }
  return adjusted;
}

}  // namespace mmgate::stats
