// Decision, the last step of Evaluate (steps.h): the status, verdict and
// reasons of every stratum and suite from the family-wise intervals, and the
// run's causes and coverage gaps. The rule is stated in docs/gate.md.
#include <fmt/format.h>

#include "gate/robustness.h"
#include "gate/steps.h"

namespace mmgate::gate {
namespace {

std::string Fmt(double v) { return fmt::format("{:.3f}", v); }
std::string Signed(double v) { return fmt::format("{:+.3f}", v); }

std::string What(const SuiteVerdict& v, const Stratum& s) {
  return fmt::format("{} {} {} -> {} ({}, {:.2f}% CI {}..{})", Label(v, s),
                     v.metric, Fmt(s.baseline), Fmt(s.candidate),
                     Signed(s.delta), 100 * (1 - 2 * s.level), Signed(s.ci_lo),
                     Signed(s.ci_hi));
}

void SetGap(const SuiteVerdict& v, Stratum* s, double margin) {
  const Thresholds& t = v.thresholds;
  s->status = StratumStatus::kCoverageGap;
  s->verdict = s->required ? Verdict::kInconclusive : Verdict::kPass;
  s->items_needed = std::max(s->items_needed, t.min_n);
  if (s->n == 0) {
    s->reasons.push_back(Label(v, *s) + ": no paired items");
    return;
  }
  s->reasons.push_back(fmt::format(
      "{}: coverage gap: n={} cannot decide a drop of {} (smallest detectable "
      "drop {} at level {:.2g} and {:.0f}% power{}); needs about {} items",
      What(v, *s), s->n, Fmt(margin), Fmt(s->mde), s->level, 100 * t.power,
      s->n < t.min_n ? fmt::format(", min_n={}", t.min_n) : "",
      s->items_needed));
}

// One stratum, from its simultaneous interval at its level (docs/gate.md):
// block beyond the margin, pass within it, a coverage gap when it is too
// small to tell, inconclusive otherwise.
void Decide(const SuiteVerdict& v, Stratum* s, double margin,
            const Policy& policy) {
  if (!s->gated) {
    // Shown with its own p: it is in no family, so nothing corrects it.
    s->status = StratumStatus::kNotGated;
    s->verdict = Verdict::kPass;
    s->p_adjusted = s->p;
    return;
  }
  const Thresholds& t = v.thresholds;
  const double worst_end = v.higher_is_better ? s->ci_lo : -s->ci_hi;
  const double best_end = v.higher_is_better ? s->ci_hi : -s->ci_lo;
  if (s->n > 0 && Blocks(v, *s, margin, policy)) {
    s->status = StratumStatus::kBlock;
    s->verdict = Verdict::kBlock;
    s->reasons.push_back(fmt::format(
        "{}: {} beyond the margin {} (p={:.2g}, adjusted {:.2g}, level "
        "{:.2g})",
        What(v, *s), v.condition.empty() ? "regression" : "quality dropped",
        Fmt(margin), s->p, s->p_adjusted, s->level));
  } else if (s->n >= t.min_n && worst_end >= -margin) {
    s->status = StratumStatus::kPass;
    s->verdict = Verdict::kPass;
  } else if ((s->n < t.min_n || s->mde > margin) && best_end >= 0) {
    // Too small to decide, and its interval does not show a drop: a gap.
    // One whose family-wise interval lies below zero stays inconclusive, so
    // a drop that the family's evidence shows never passes quietly.
    SetGap(v, s, margin);
  } else {
    s->status = StratumStatus::kInconclusive;
    s->verdict = Verdict::kInconclusive;
    s->reasons.push_back(fmt::format(
        "{}: could not rule out a drop beyond the margin {} (smallest "
        "detectable drop {} at {:.0f}% power{})",
        What(v, *s), Fmt(margin), Fmt(s->mde), 100 * t.power,
        s->n < t.min_n ? fmt::format("; n={} is below min_n={}", s->n, t.min_n)
                       : ""));
  }
}

StratumRef Ref(const SuiteVerdict& v, const Stratum& s) {
  return {Label(v, s), v.suite,        s.key,     s.value,
          s.n,         s.items_needed, s.required};
}

}  // namespace

bool Blocks(const SuiteVerdict& v, const Stratum& s, double margin,
            const Policy& policy) {
  const Thresholds& t = v.thresholds;
  // Only the exact test's p-value holds below min_n; a bootstrap over a
  // handful of clusters is no evidence either way.
  if (s.n == 0 || (s.n < t.min_n && s.test != "mcnemar-exact")) return false;
  const double oriented = v.higher_is_better ? s.delta : -s.delta;
  const double best_end = v.higher_is_better ? s.ci_hi : -s.ci_lo;
  if (best_end < -margin) return true;
  return policy.block == BlockRule::kSignificance && s.p_adjusted < t.alpha &&
         oriented < -margin;
}

std::string Label(const SuiteVerdict& v, const Stratum& s) {
  std::string label = s.key.empty()
                          ? v.suite
                          : fmt::format("{} {}={}", v.suite, s.key, s.value);
  return v.condition.empty() ? label : label + " " + v.condition;
}

Verdict Worst(Verdict a, Verdict b) {
  if (a == Verdict::kBlock || b == Verdict::kBlock) return Verdict::kBlock;
  if (a == Verdict::kInconclusive || b == Verdict::kInconclusive)
    return Verdict::kInconclusive;
  return Verdict::kPass;
}

void DecideSuite(SuiteWork* w, const Policy& policy) {
  SuiteVerdict& v = w->v;
  Decide(v, &v.total, MarginOf(v, v.total, policy), policy);
  for (Stratum& s : v.slices) Decide(v, &s, MarginOf(v, s, policy), policy);
  for (Stratum& s : v.difficulty) Decide(v, &s, MarginOf(v, s, policy), policy);
  Attribute(w, policy);
  v.verdict = v.total.verdict;
  for (const Stratum& s : v.slices) v.verdict = Worst(v.verdict, s.verdict);
  for (const Stratum& s : v.difficulty) v.verdict = Worst(v.verdict, s.verdict);
  // Causes first, then the blocks they explain, then what is undecided.
  auto collect = [&](auto keep) {
    auto take = [&](const Stratum& s) {
      if (keep(s)) {
        v.reasons.insert(v.reasons.end(), s.reasons.begin(), s.reasons.end());
      }
    };
    take(v.total);
    for (const Stratum& s : v.slices) take(s);
    for (const Stratum& s : v.difficulty) take(s);
  };
  collect([](const Stratum& s) {
    return s.status == StratumStatus::kBlock && s.explained_by.empty();
  });
  collect([](const Stratum& s) {
    return s.status == StratumStatus::kBlock && !s.explained_by.empty();
  });
  collect([](const Stratum& s) {
    return s.status != StratumStatus::kBlock && s.verdict != Verdict::kPass;
  });
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

void ListCausesAndGaps(const SuiteVerdict& v, GateResult* out) {
  auto take = [&](const Stratum& s) {
    if (s.status == StratumStatus::kBlock && s.explained_by.empty())
      out->causes.push_back(Ref(v, s));
    if (s.status == StratumStatus::kCoverageGap)
      out->coverage_gaps.push_back(Ref(v, s));
  };
  take(v.total);
  for (const Stratum& s : v.slices) take(s);
  for (const Stratum& s : v.difficulty) take(s);
  // Robustness points too small to test (robustness.cc): never required.
  for (const Curve& c : v.curves) {
    for (const CurvePoint& p : c.points) {
      if (p.status != StratumStatus::kCoverageGap) continue;
      out->coverage_gaps.push_back(
          {fmt::format("{} robustness {}", v.suite, p.value), v.suite,
           "perturbation", p.value, p.n, v.thresholds.min_n, false});
    }
  }
}

}  // namespace mmgate::gate
