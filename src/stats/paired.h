// Paired statistics for binary (pass/fail) metrics: each item passes or fails
// in both the baseline and the candidate run. Differences are candidate minus
// baseline, so "pass" must be the good outcome (positive = candidate better).
#ifndef MMGATE_STATS_PAIRED_H_
#define MMGATE_STATS_PAIRED_H_

#include <cstdint>

#include "common/status.h"

namespace mmgate::stats {

// The paired 2x2 table. The first digit is the baseline, the second the
// candidate: n10 counts items the baseline passed and the candidate failed.
struct PairedCounts {
  int64_t n11 = 0;  // both pass
  int64_t n10 = 0;  // baseline pass, candidate fail: a loss
  int64_t n01 = 0;  // baseline fail, candidate pass: a win
  int64_t n00 = 0;  // both fail

  int64_t n() const { return n11 + n10 + n01 + n00; }
  int64_t discordant() const { return n10 + n01; }
  // Records one item.
  void Add(bool baseline_pass, bool candidate_pass);
  // Candidate pass rate minus baseline pass rate, (n01 - n10) / n; 0 if empty.
  double Delta() const;
};

struct McNemarResult {
  // Two-sided exact (conditional binomial) p, as statsmodels'
  // mcnemar(table, exact=True): min(1, 2 P[X <= min(n10, n01)]) with
  // X ~ Binomial(n10 + n01, 1/2). 1 when there is no discordant pair.
  double p_two_sided = 1;
  // One-sided p for "candidate worse": P[X >= n10]. Small when losses
  // outnumber wins beyond chance.
  double p_worse = 1;
};

Result<McNemarResult> McNemarExact(const PairedCounts& counts);

struct Interval {
  double lower = 0;
  double upper = 0;
};

// Newcombe's (1998) method 10 for the paired difference of proportions:
// Wilson score limits for each margin combined by square-and-add, with the
// phi coefficient (continuity-corrected as in the paper) for the pairing.
// `confidence` is two-sided, in (0, 1).
Result<Interval> NewcombeInterval(const PairedCounts& counts,
                                  double confidence);

// Tango's (1998) asymptotic score interval for the paired difference:
// all delta0 with |TangoScore(delta0)| <= z_{(1+confidence)/2}, found by
// root finding. Clamped to [-1, 1].
Result<Interval> TangoInterval(const PairedCounts& counts, double confidence);

// Tango's score statistic for H0: delta = delta0 (delta0 in (-1, 1)), using
// the constrained maximum-likelihood estimate of the loss-cell probability.
// Positive when the observed delta exceeds delta0, so the one-sided
// non-inferiority p-value for margin m is 1 - Phi(TangoScore(-m)).
Result<double> TangoScore(const PairedCounts& counts, double delta0);

// Standard error of Delta() from the discordant pairs:
// sqrt((p10 + p01 - (p01 - p10)^2) / n), the plug-in (Wald) variance of the
// per-item difference in {-1, 0, 1}. 0 when n is 0 or no pair is discordant.
double DiscordantStandardError(const PairedCounts& counts);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_PAIRED_H_
