#include "gate/robustness.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include "common/hash.h"
#include "perturb/kinds.h"
#include "stats/bootstrap.h"
#include "stats/pairing.h"

namespace mmgate::gate {
namespace {

using store::GateItem;

std::string_view Perturbation(const GateItem& r) {
  for (const store::GateSlice& s : r.slices) {
    if (s.key == "perturbation") return s.value;
  }
  return {};
}

// num/den of one item's score; an error or a missing score is the worst
// outcome (0 for accuracy-like metrics, every unit wrong for error rates).
std::pair<double, double> Sums(const GateItem& r, const std::string& metric,
                               bool higher_is_better) {
  const store::GateScore* s = r.Score(metric);
  const bool error = stats::Errored(r) || s == nullptr;
  if (!error) return {s->numerator, s->denominator};
  return {higher_is_better ? 0.0 : 1.0, 1.0};
}

double Ratio(double num, double den) { return den > 0 ? num / den : 0; }

// The accuracy-scale value: the metric, or 1 - it for error rates.
double Good(double value, bool higher_is_better) {
  return higher_is_better ? value : 1 - value;
}

// Relative loss from clean to perturbed on the accuracy scale.
double Degradation(double clean, double perturbed, bool higher_is_better) {
  const double g = Good(clean, higher_is_better);
  if (g <= 0) return 0;
  return (g - Good(perturbed, higher_is_better)) / g;
}

struct GroupSums {
  stats::PairedSums base_clean, cand_clean;  // den/num of the clean items
  bool has_clean = false;
};

struct PointAcc {
  std::map<std::string, stats::PairedSums> base, cand;  // group -> sums
  std::map<std::string, int64_t> items;                 // group -> count
};

}  // namespace

std::vector<Curve> BuildCurves(const std::vector<const GateItem*>& base,
                               const std::vector<const GateItem*>& cand,
                               const SuiteVerdict& v, const Policy& policy) {
  const bool hib = v.higher_is_better;
  std::map<std::string, GroupSums> clean;  // group -> clean sums
  std::map<std::string, PointAcc> points;  // slice value -> variants
  for (size_t i = 0; i < base.size(); ++i) {
    // Most suites have no perturbation slice: no score is read for them.
    const std::string_view p = Perturbation(*base[i]);
    if (p.empty()) continue;
    const std::string group(base[i]->group);
    const auto [bn, bd] = Sums(*base[i], v.metric, hib);
    const auto [cn, cd] = Sums(*cand[i], v.metric, hib);
    if (p == "none") {
      GroupSums& g = clean[group];
      g.has_clean = true;
      g.base_clean.base_num += bn;
      g.base_clean.base_den += bd;
      g.cand_clean.base_num += cn;
      g.cand_clean.base_den += cd;
    } else if (perturb::SplitPerturbation(p)) {
      PointAcc& acc = points[std::string(p)];
      stats::PairedSums& b = acc.base[group];
      stats::PairedSums& c = acc.cand[group];
      b.cand_num += bn;
      b.cand_den += bd;
      c.cand_num += cn;
      c.cand_den += cd;
      ++acc.items[group];
    }
  }
  std::map<std::string, Curve> curves;
  for (auto& [value, acc] : points) {
    const perturb::SeverityPoint sp = *perturb::SplitPerturbation(value);
    CurvePoint pt;
    pt.value = value;
    pt.level = sp.level;
    pt.rank = sp.rank;
    // Clusters of (clean source, variants) per group, for each run; the
    // bootstrap's "baseline" side is clean, its "candidate" side perturbed.
    std::vector<stats::PairedSums> base_pairs, cand_pairs;
    for (auto& [group, b] : acc.base) {
      auto g = clean.find(group);
      if (g == clean.end() || !g->second.has_clean) continue;
      b.base_num = g->second.base_clean.base_num;
      b.base_den = g->second.base_clean.base_den;
      stats::PairedSums c = acc.cand[group];
      c.base_num = g->second.cand_clean.base_num;
      c.base_den = g->second.cand_clean.base_den;
      base_pairs.push_back(b);
      cand_pairs.push_back(c);
      pt.n += acc.items[group];
    }
    pt.groups = static_cast<int64_t>(cand_pairs.size());
    if (pt.groups == 0) continue;  // no clean partner: not a curve point
    stats::PairedSums tb, tc;
    for (size_t k = 0; k < base_pairs.size(); ++k) {
      tb.base_num += base_pairs[k].base_num;
      tb.base_den += base_pairs[k].base_den;
      tb.cand_num += base_pairs[k].cand_num;
      tb.cand_den += base_pairs[k].cand_den;
      tc.base_num += cand_pairs[k].base_num;
      tc.base_den += cand_pairs[k].base_den;
      tc.cand_num += cand_pairs[k].cand_num;
      tc.cand_den += cand_pairs[k].cand_den;
    }
    pt.baseline_clean = Ratio(tb.base_num, tb.base_den);
    pt.baseline = Ratio(tb.cand_num, tb.cand_den);
    pt.candidate_clean = Ratio(tc.base_num, tc.base_den);
    pt.candidate = Ratio(tc.cand_num, tc.cand_den);
    pt.baseline_degradation = Degradation(pt.baseline_clean, pt.baseline, hib);
    pt.candidate_degradation =
        Degradation(pt.candidate_clean, pt.candidate, hib);
    pt.ci_lo = pt.ci_hi = pt.candidate_degradation;
    const std::optional<double> max = v.thresholds.max_degradation;
    const double g_clean = Good(pt.candidate_clean, hib);
    if (max && g_clean <= 0) {
      pt.reasons.push_back(fmt::format(
          "{} robustness {}: the candidate scores nothing on the clean "
          "sources, so there is no performance to degrade",
          v.suite, value));
    } else if (max) {
      pt.gated = true;
      stats::BootstrapOptions opt;
      opt.resamples = policy.bootstrap_resamples;
      opt.seed =
          std::stoull(Sha256Hex(fmt::format("{}\x1f{}\x1frobustness\x1f{}",
                                            policy.seed, v.suite, value))
                          .substr(0, 16),
                      nullptr, 16);
      opt.confidence = 1 - v.thresholds.alpha;
      opt.higher_is_better = hib;
      auto r = stats::PairedBootstrap(cand_pairs, opt);
      if (!r.ok()) {
        pt.reasons.push_back(
            fmt::format("{} robustness {}: no test possible: {}", v.suite,
                        value, r.status().message()));
      } else {
        const stats::Interval& ci =
            policy.interval == IntervalMethod::kBca ? r->bca : r->percentile;
        // Oriented delta (perturbed - clean, positive = better) to the
        // relative loss: D = -delta / g_clean.
        pt.ci_lo = -ci.upper / g_clean;
        pt.ci_hi = -ci.lower / g_clean;
        pt.p = stats::PWorseThan(*r, -*max * g_clean);
      }
    }
    curves[sp.kind].kind = sp.kind;
    curves[sp.kind].points.push_back(std::move(pt));
  }
  std::vector<Curve> out;
  for (auto& [kind, c] : curves) {
    std::stable_sort(c.points.begin(), c.points.end(),
                     [](const CurvePoint& a, const CurvePoint& b) {
                       if (a.rank && b.rank) return *a.rank < *b.rank;
                       if (a.rank.has_value() != b.rank.has_value())
                         return a.rank.has_value();
                       return a.level < b.level;
                     });
    out.push_back(std::move(c));
  }
  return out;
}

void DecideRobustness(const SuiteVerdict& v, CurvePoint* p) {
  if (!p->gated) return;
  const Thresholds& t = v.thresholds;
  const double max = *t.max_degradation;
  // Shown as a change from clean, like the table: a loss is negative, and
  // the interval (of the loss) is turned around so both carry one sign.
  const std::string what = fmt::format(
      "{} robustness {}: {} clean {:.3f} -> {:.3f}, change {} ({:.0f}% CI "
      "{}..{}; baseline {}) vs limit -{:.0f}%",
      v.suite, p->value, v.metric, p->candidate_clean, p->candidate,
      SignedPercent(-p->candidate_degradation), 100 * (1 - t.alpha),
      SignedPercent(-p->ci_hi), SignedPercent(-p->ci_lo),
      SignedPercent(-p->baseline_degradation), 100 * max);
  if (p->n < t.min_n) {
    // A bootstrap over a handful of sources is no evidence either way (as
    // for strata, decide.cc's Blocks): a gap, summarised with the others.
    p->verdict = Verdict::kPass;
    p->status = StratumStatus::kCoverageGap;
    p->reasons.push_back(fmt::format("{}: coverage gap: n={} is below min_n={}",
                                     what, p->n, t.min_n));
  } else if (p->p_adjusted < t.alpha && p->candidate_degradation > max) {
    p->verdict = Verdict::kBlock;
    p->status = StratumStatus::kBlock;
    p->reasons.push_back(
        fmt::format("{}: degrades beyond the limit (p={:.2g}, "
                    "adjusted {:.2g} < {})",
                    what, p->p, p->p_adjusted, t.alpha));
  } else if (p->ci_hi > max) {
    p->verdict = Verdict::kInconclusive;
    p->status = StratumStatus::kInconclusive;
    p->reasons.push_back(fmt::format(
        "{}: too little evidence: the interval reaches past the limit", what));
  } else {
    p->verdict = Verdict::kPass;
    p->status = StratumStatus::kPass;
  }
}

std::string SignedPercent(double fraction) {
  // Rounded first, so a tiny loss prints as +0.0%, never as -0.0%.
  double v = std::round(1000 * fraction) / 10;
  if (v == 0) v = 0;
  return fmt::format("{:+.1f}%", v);
}

}  // namespace mmgate::gate
