// Decision, the last step of Evaluate (steps.h): the verdict and reasons of
// every stratum and suite from the corrected p-values.
#include <fmt/format.h>

#include "gate/robustness.h"
#include "gate/steps.h"

namespace mmgate::gate {
namespace {

std::string Fmt(double v) { return fmt::format("{:.3f}", v); }
std::string Signed(double v) { return fmt::format("{:+.3f}", v); }

// The decision rule for one stratum, after the correction: block on a
// significant regression larger than the margin (below min_n only on the
// exact test); pass when the stratum shows
// non-inferiority (its interval's worst end is within the margin) or could
// have detected a drop of the margin at the policy's power; else, and below
// min_n, inconclusive.
void Decide(const SuiteVerdict& v, Stratum* s, double margin) {
  const Thresholds& t = v.thresholds;
  double oriented = v.higher_is_better ? s->delta : -s->delta;
  double worst_end = v.higher_is_better ? s->ci_lo : -s->ci_hi;
  std::string what = fmt::format(
      "{} {} {} -> {} ({}, {:.0f}% CI {}..{})", Label(v, *s), v.metric,
      Fmt(s->baseline), Fmt(s->candidate), Signed(s->delta),
      100 * (1 - t.alpha), Signed(s->ci_lo), Signed(s->ci_hi));
  if (s->n == 0) {
    s->verdict = Verdict::kInconclusive;
    s->reasons.push_back(Label(v, *s) + ": no paired items");
  } else if (s->p_adjusted < t.alpha && oriented < -margin &&
             (s->n >= t.min_n || s->test == "mcnemar-exact")) {
    // Only the exact test's p-value holds below min_n; a bootstrap over a
    // handful of clusters is no evidence either way.
    s->verdict = Verdict::kBlock;
    s->reasons.push_back(fmt::format(
        "{}: regression beyond the margin {} (p={:.2g}, adjusted {:.2g} < {})",
        what, Fmt(margin), s->p, s->p_adjusted, t.alpha));
  } else if (s->n < t.min_n) {
    s->verdict = Verdict::kInconclusive;
    s->reasons.push_back(
        fmt::format("{}: n={} is below min_n={}", what, s->n, t.min_n));
  } else if (worst_end <= -margin && s->mde > margin) {
    s->verdict = Verdict::kInconclusive;
    s->reasons.push_back(
        fmt::format("{}: too little evidence: the interval reaches past the "
                    "margin {} and the smallest "
                    "detectable drop is {} at {:.0f}% power",
                    what, Fmt(margin), Fmt(s->mde), 100 * t.power));
  } else {
    s->verdict = Verdict::kPass;
  }
}

}  // namespace

std::string Label(const SuiteVerdict& v, const Stratum& s) {
  return s.key.empty() ? v.suite
                       : fmt::format("{} {}={}", v.suite, s.key, s.value);
}

Verdict Worst(Verdict a, Verdict b) {
  if (a == Verdict::kBlock || b == Verdict::kBlock) return Verdict::kBlock;
  if (a == Verdict::kInconclusive || b == Verdict::kInconclusive)
    return Verdict::kInconclusive;
  return Verdict::kPass;
}

void DecideSuite(SuiteWork* w, const Policy& policy) {
  SuiteVerdict& v = w->v;
  double margin = v.thresholds.margin;
  Decide(v, &v.total, margin);
  v.verdict = v.total.verdict;
  for (Stratum& s : v.slices) {
    Decide(v, &s, margin);
    if (s.gated) v.verdict = Worst(v.verdict, s.verdict);
  }
  for (Stratum& s : v.difficulty) {
    Decide(v, &s, s.gated ? *policy.hard_tail_max_drop : margin);
    if (s.gated) v.verdict = Worst(v.verdict, s.verdict);
  }
  auto collect = [&](const Stratum& s) {
    if (s.gated && s.verdict != Verdict::kPass) {
      v.reasons.insert(v.reasons.end(), s.reasons.begin(), s.reasons.end());
    }
  };
  collect(v.total);
  for (const Stratum& s : v.slices) collect(s);
  for (const Stratum& s : v.difficulty) collect(s);
  for (Curve& c : v.curves) {
    for (CurvePoint& p : c.points) {
      DecideRobustness(v, &p);
      if (!p.gated) continue;
      v.verdict = Worst(v.verdict, p.verdict);
      if (p.verdict != Verdict::kPass)
        v.reasons.insert(v.reasons.end(), p.reasons.begin(), p.reasons.end());
    }
  }
}

}  // namespace mmgate::gate
