// SLO checks: which apply to a suite, their measurement at the family's
// level and their decision (gate/slo.h; the rule is in docs/gate.md).
#include "gate/slo.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/hash.h"

namespace mmgate::gate {
namespace {

const nlohmann::json& ParamsOf(const Policy& policy, const std::string& suite) {
  static const nlohmann::json kNone = nlohmann::json::object();
  auto p = policy.suite_params.find(suite);
  return p == policy.suite_params.end() ? kNone : p->second;
}

bool Applies(const Slo& slo, const SuiteVerdict& v) {
  if (!slo.suite.empty() && slo.suite != v.suite) return false;
  if (!slo.modality.empty() && slo.modality != v.modality) return false;
  return slo.figure != SloFigure::kMean || slo.metric.empty() ||
         slo.metric == v.metric;
}

// The SLO as read in a reason: "mean(exact) >= 0.95".
std::string Rule(const Slo& slo) {
  Slo bare = slo;
  bare.suite.clear();
  bare.modality.clear();
  bare.slice_key.clear();
  if (bare.figure == SloFigure::kMean && bare.metric.empty())
    bare.metric = "metric";
  return bare.Describe();
}

uint64_t Seed(const Policy& policy, const SloCheck& c, const char* side) {
  return std::stoull(Sha256Hex(fmt::format("{}\x1fslo\x1f{}\x1f{}", policy.seed,
                                           c.label, side))
                         .substr(0, 16),
                     nullptr, 16);
}

// Rates and ms read as percentages and milliseconds; the rest as numbers.
std::string Show(const Slo& slo, double x) {
  if (SloFigureIsRate(slo.figure)) return fmt::format("{:.2f}%", 100 * x);
  switch (slo.figure) {
    case SloFigure::kLatencyP50:
    case SloFigure::kLatencyP95:
    case SloFigure::kLatencyP99:
      return fmt::format("{:.0f} ms", x);
    case SloFigure::kCostPerQuery:
    case SloFigure::kCostPerCorrect:
      return fmt::format("${:.6f}", x);
    default:
      return fmt::format("{:.3f}", x);
  }
}

SloStatus StatusOf(const SloCheck& c, double lo, double hi) {
  const double t = c.slo.threshold;
  if (c.slo.at_most ? hi <= t : lo >= t) return SloStatus::kMet;
  if (c.slo.at_most ? lo > t : hi < t) return SloStatus::kMissed;
  return SloStatus::kInconclusive;
}

bool Bootstrapped(const SloCheck& c) {
  return c.method.rfind("cluster-bootstrap", 0) == 0;
}

std::string BaselineText(const SloCheck& c) {
  if (c.baseline_status == SloStatus::kNoData) return "baseline not measured";
  const char* meets = c.baseline_status == SloStatus::kMet ? "meets it"
                      : c.baseline_status == SloStatus::kMissed
                          ? "misses it too"
                          : "undecided";
  return fmt::format("baseline {}, {}", Show(c.slo, c.baseline_estimate),
                     meets);
}

}  // namespace

std::string_view SloStatusName(SloStatus s) {
  switch (s) {
    case SloStatus::kMet:
      return "met";
    case SloStatus::kMissed:
      return "missed";
    case SloStatus::kInconclusive:
      return "inconclusive";
    case SloStatus::kNoData:
      return "no_data";
  }
  return "inconclusive";
}

void PrepareSlos(SuiteWork* w, const Policy& policy,
                 const std::string& baseline_model,
                 const std::string& candidate_model) {
  SuiteVerdict& v = w->v;
  const nlohmann::json& params = ParamsOf(policy, v.suite);
  for (const Slo& slo : policy.slos) {
    if (!Applies(slo, v)) continue;
    SloCheck c;
    c.slo = slo;
    c.key = slo.slice_key;
    c.value = slo.slice_value;
    c.label = fmt::format("{}{}: {}", v.suite,
                          c.key.empty() ? "" : " " + c.key + "=" + c.value,
                          Rule(slo));
    SloSample cand = SampleSlo(slo, v, w->cand_items, c.key, c.value,
                               candidate_model, params, policy);
    const bool explicit_scope = !slo.suite.empty() || !slo.slice_key.empty();
    if (cand.n == 0) {
      // A broad SLO (all suites, one modality) skips suites that do not
      // measure its figure; one naming this suite or slice cannot be met.
      if (!explicit_scope) continue;
      c.status = SloStatus::kNoData;
      c.verdict = Verdict::kInconclusive;
      c.reasons.push_back(c.label + ": nothing measures it: " + cand.missing);
    } else {
      c.weight = policy.weights.slo;
    }
    c.n = cand.n;
    v.slos.push_back(std::move(c));
  }
  // The models travel with the checks' samples: MeasureSlos samples again.
  w->slo_models = {baseline_model, candidate_model};
}

void MeasureSlos(SuiteWork* w, const Policy& policy) {
  SuiteVerdict& v = w->v;
  const nlohmann::json& params = ParamsOf(policy, v.suite);
  const double power = v.thresholds.power;
  for (SloCheck& c : v.slos) {
    if (c.weight <= 0) continue;
    SloSample cand = SampleSlo(c.slo, v, w->cand_items, c.key, c.value,
                               w->slo_models.second, params, policy);
    EstimateSlo(cand, c.level, power, policy, Seed(policy, c, "candidate"), &c);
    SloSample base = SampleSlo(c.slo, v, w->base_items, c.key, c.value,
                               w->slo_models.first, params, policy);
    SloCheck b;
    b.slo = c.slo;
    b.label = c.label;
    EstimateSlo(base, c.level, power, policy, Seed(policy, c, "baseline"), &b);
    c.baseline_n = b.n;
    if (b.n > 0 && b.reasons.empty()) {
      c.baseline_estimate = b.estimate;
      c.baseline_lo = b.lo;
      c.baseline_hi = b.hi;
      c.baseline_status = StatusOf(b, b.lo, b.hi);
    }
  }
}

void DecideSlos(SuiteWork* w, const Policy& policy) {
  SuiteVerdict& v = w->v;
  const Thresholds& t = v.thresholds;
  for (SloCheck& c : v.slos) {
    if (c.status == SloStatus::kNoData) {
      v.verdict = Worst(v.verdict, c.verdict);
      v.reasons.insert(v.reasons.end(), c.reasons.begin(), c.reasons.end());
      continue;
    }
    if (!c.reasons.empty()) {  // no estimate was possible
      c.status = SloStatus::kInconclusive;
      c.verdict = Verdict::kInconclusive;
      v.verdict = Worst(v.verdict, c.verdict);
      v.reasons.insert(v.reasons.end(), c.reasons.begin(), c.reasons.end());
      continue;
    }
    const double th = c.slo.threshold;
    const std::string what = fmt::format(
        "{}: {}{} ({:.2f}% bounds {}..{}, n={}; {})", c.label,
        Show(c.slo, c.estimate),
        c.method == "clopper-pearson" ? fmt::format(" = {}/{}", c.x, c.n) : "",
        100 * (1 - 2 * c.level), Show(c.slo, c.lo), Show(c.slo, c.hi), c.n,
        BaselineText(c));
    const bool small = Bootstrapped(c) && c.n < t.min_n;
    c.status = small ? SloStatus::kInconclusive : StatusOf(c, c.lo, c.hi);
    const bool beyond = c.slo.at_most ? c.estimate > th : c.estimate < th;
    if (!small && c.status != SloStatus::kMissed &&
        policy.block == BlockRule::kSignificance && c.p_adjusted < t.alpha &&
        beyond) {
      c.status = SloStatus::kMissed;
    }
    switch (c.status) {
      case SloStatus::kMet:
        c.verdict = Verdict::kPass;
        break;
      case SloStatus::kMissed:
        c.verdict = Verdict::kBlock;
        c.reasons.push_back(fmt::format(
            "{}: misses the SLO (p={:.2g}, adjusted {:.2g}, level {:.2g})",
            what, c.p, c.p_adjusted, c.level));
        break;
      default:
        c.verdict = Verdict::kInconclusive;
        c.reasons.push_back(
            small ? fmt::format("{}: n={} is below min_n={} for a bootstrap",
                                what, c.n, t.min_n)
            : c.items_needed > 0
                ? fmt::format("{}: cannot tell whether it meets the SLO; "
                              "needs about {} items at this estimate",
                              what, c.items_needed)
                : fmt::format("{}: cannot tell whether it meets the SLO: the "
                              "estimate sits on the threshold",
                              what));
    }
    v.verdict = Worst(v.verdict, c.verdict);
    v.reasons.insert(v.reasons.end(), c.reasons.begin(), c.reasons.end());
  }
}

}  // namespace mmgate::gate
