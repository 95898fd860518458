// Agreement between two graders on one ordinal scale (a judge and people, or
// two people): raw agreement, Cohen's kappa plain and quadratic-weighted with
// seeded bootstrap 95% intervals, Spearman's rho, the confusion matrix, base
// rates and leniency. Grades are indices on the scale, 0 the worst.
//
// The kappas follow scikit-learn's cohen_kappa_score with `labels` set to the
// whole scale, Spearman SciPy's spearmanr (average ranks for ties); tests
// compare them with both within 1e-9. A figure that is undefined (no
// variation to agree on) is unset, never NaN. Pure functions: thread-safe.
#ifndef MMGATE_JUDGE_AGREEMENT_H_
#define MMGATE_JUDGE_AGREEMENT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace mmgate::judge {

enum class KappaWeights { kNone, kQuadratic };

// Cohen's kappa of two equally long grade lists on a scale of k grades.
std::optional<double> CohenKappa(const std::vector<int>& a,
                                 const std::vector<int>& b, int k,
                                 KappaWeights weights);

// Spearman's rank correlation (Pearson on average ranks).
std::optional<double> Spearman(const std::vector<double>& a,
                               const std::vector<double>& b);

struct Interval {
  double lo = 0;
  double hi = 0;
};

struct Agreement {
  int64_t n = 0;
  int k = 0;
  double raw = 0;  // share of exact matches
  std::optional<double> kappa;
  std::optional<Interval> kappa_ci;
  std::optional<double> weighted_kappa;  // quadratic
  std::optional<Interval> weighted_ci;
  std::optional<double> spearman;
  std::vector<std::vector<int64_t>> confusion;  // [a's grade][b's grade]
  std::vector<double> a_rates, b_rates;         // share of each grade
  // b's leniency against a: mean of (b - a) in grade steps, and the shares of
  // items b grades above and below a.
  double leniency = 0;
  double b_higher = 0;
  double b_lower = 0;
};

// Everything above for grader a (people) against grader b (the judge). The
// intervals resample items with replacement `resamples` times from `seed`
// (percentile 95%); unset when fewer than half the resamples define kappa.
Agreement Agree(const std::vector<int>& a, const std::vector<int>& b, int k,
                uint64_t seed, int resamples = 2000);

nlohmann::json ToJson(const Agreement& g);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_AGREEMENT_H_
