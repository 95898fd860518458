#include "report/curves.h"

#include <fmt/format.h>

#include <algorithm>

#include "gate/robustness.h"

namespace mmgate::report {
namespace {

using nlohmann::json;

std::string Mark(const gate::CurvePoint& p) {
  if (!p.gated) return "-";
  std::string out(gate::StatusName(p.status));
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

}  // namespace

json CurvesJson(const gate::SuiteVerdict& v) {
  json out = json::array();
  for (const gate::Curve& c : v.curves) {
    json points = json::array();
    for (const gate::CurvePoint& p : c.points) {
      points.push_back({{"value", p.value},
                        {"level", p.level},
                        {"rank", p.rank ? json(*p.rank) : json(nullptr)},
                        {"n", p.n},
                        {"groups", p.groups},
                        {"baseline",
                         {{"clean", p.baseline_clean},
                          {"perturbed", p.baseline},
                          {"degradation", p.baseline_degradation}}},
                        {"candidate",
                         {{"clean", p.candidate_clean},
                          {"perturbed", p.candidate},
                          {"degradation", p.candidate_degradation},
                          {"ci", {p.ci_lo, p.ci_hi}},
                          {"p", p.p},
                          {"p_adjusted", p.p_adjusted}}},
                        {"gated", p.gated},
                        {"verdict", p.gated ? json(gate::VerdictName(p.verdict))
                                            : json(nullptr)},
                        {"status", gate::StatusName(p.status)},
                        {"reasons", p.reasons}});
      // A gated point is the degradation SLO: its blocks are SLO misses.
      if (p.gated) points.back()["kind"] = "slo";
    }
    out.push_back({{"kind", c.kind},
                   {"metric", v.metric},
                   {"higher_is_better", v.higher_is_better},
                   {"max_degradation", v.thresholds.max_degradation
                                           ? json(*v.thresholds.max_degradation)
                                           : json(nullptr)},
                   {"points", std::move(points)}});
  }
  return out;
}

std::string CurvesTerminal(const gate::SuiteVerdict& v) {
  if (v.curves.empty()) return "";
  // Every figure is a change from clean (a loss is negative): the point
  // estimate and its interval carry the same sign.
  std::string out = fmt::format(
      "    degradation curves ({} clean -> perturbed, change from clean{}):\n",
      v.metric,
      v.thresholds.max_degradation
          ? fmt::format("; limit -{:.0f}%", 100 * *v.thresholds.max_degradation)
          : "");
  out += fmt::format("    {:<22} {:>4} {:>22} {:>22} {:>17}  {}\n", "level",
                     "n", "baseline", "candidate", "cand. CI", "rule");
  for (const gate::Curve& c : v.curves) {
    for (const gate::CurvePoint& p : c.points) {
      out += fmt::format(
          "    {:<22} {:>4} {:>6.3f}->{:<6.3f} {:>7} {:>6.3f}->{:<6.3f} "
          "{:>7} {:>17}  {}\n",
          p.value, p.n, p.baseline_clean, p.baseline,
          gate::SignedPercent(-p.baseline_degradation), p.candidate_clean,
          p.candidate, gate::SignedPercent(-p.candidate_degradation),
          p.gated ? gate::SignedPercent(-p.ci_hi) + ".." +
                        gate::SignedPercent(-p.ci_lo)
                  : "-",
          Mark(p));
    }
  }
  return out;
}

std::string CurvesMarkdown(const gate::SuiteVerdict& v) {
  if (v.curves.empty()) return "";
  std::string out =
      "\n| perturbation | n | baseline clean → perturbed | loss | candidate "
      "clean → perturbed | loss | rule |\n|---|---:|---|---:|---|---:|---|\n";
  for (const gate::Curve& c : v.curves) {
    for (const gate::CurvePoint& p : c.points) {
      out += fmt::format(
          "| {} | {} | {:.3f} → {:.3f} | {:.1f}% | {:.3f} → {:.3f} | {:.1f}% | "
          "{} |\n",
          p.value, p.n, p.baseline_clean, p.baseline,
          100 * p.baseline_degradation, p.candidate_clean, p.candidate,
          100 * p.candidate_degradation, Mark(p));
    }
  }
  return out;
}

}  // namespace mmgate::report
