#include "report/verdict.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "report/behaviour.h"
#include "report/curves.h"
#include "report/judge_info.h"
#include "report/ranking.h"
#include "report/side_by_side.h"
#include "report/slo.h"

namespace mmgate::report {
namespace {

using gate::GateResult;
using gate::Stratum;
using gate::SuiteVerdict;
using gate::Verdict;
using nlohmann::json;

bool IsExplained(const Stratum& s) { return !s.explained_by.empty(); }
bool IsExplained(const gate::CurvePoint&) { return false; }

std::string Upper(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kBlock:
      return "BLOCK";
    case Verdict::kInconclusive:
      return "INCONCLUSIVE";
  }
  return "INCONCLUSIVE";
}

// A block is either a regression against the baseline (a stratum) or an SLO
// the candidate misses (an SLO check or a robustness point), which the
// baseline may miss as well: the headline says which, so nobody reads an SLO
// both models miss as something the candidate broke.
struct BlockKinds {
  bool regression = false;
  int slo_misses = 0;
  int missed_by_baseline_too = 0;
};

bool BaselineMissesToo(const gate::CurvePoint& p, const gate::Thresholds& t) {
  return t.max_degradation && p.baseline_degradation > *t.max_degradation;
}

BlockKinds KindsOf(const GateResult& r) {
  BlockKinds k;
  for (const SuiteVerdict& v : r.suites) {
    auto blocked = [](const Stratum& s) {
      return s.gated && s.verdict == Verdict::kBlock;
    };
    k.regression |= blocked(v.total);
    for (const Stratum& s : v.slices) k.regression |= blocked(s);
    for (const Stratum& s : v.difficulty) k.regression |= blocked(s);
    for (const gate::Curve& c : v.curves) {
      for (const gate::CurvePoint& p : c.points) {
        if (!p.gated || p.verdict != Verdict::kBlock) continue;
        ++k.slo_misses;
        k.missed_by_baseline_too += BaselineMissesToo(p, v.thresholds);
      }
    }
    for (const gate::SloCheck& c : v.slos) {
      if (c.status != gate::SloStatus::kMissed) continue;
      ++k.slo_misses;
      k.missed_by_baseline_too += c.baseline_status == gate::SloStatus::kMissed;
    }
  }
  return k;
}

std::string Meaning(const GateResult& r) {
  switch (r.verdict) {
    case Verdict::kPass:
      return "roll forward";
    case Verdict::kBlock: {
      BlockKinds k = KindsOf(r);
      const bool one = k.slo_misses == 1;
      std::string limit = fmt::format(
          "{} the candidate misses ({})", one ? "an SLO" : "SLOs",
          k.missed_by_baseline_too == k.slo_misses
              ? (one ? "the baseline misses it too"
                     : "the baseline misses them too")
          : k.missed_by_baseline_too == 0
              ? (one ? "the baseline meets it" : "the baseline meets them")
              : "the baseline misses some of them too");
      if (k.regression && k.slo_misses > 0)
        return "do not roll forward: a regression against the baseline, and " +
               limit;
      if (k.slo_misses > 0) return "do not roll forward: " + limit;
      return "do not roll forward: a regression against the baseline";
    }
    case Verdict::kInconclusive:
      return "not enough evidence to decide";
  }
  return "";
}

json StratumJson(const SuiteVerdict& v, const Stratum& s) {
  json j = {
      {"kind", "regression"},
      {"test", s.test},
      {"n", s.n},
      {"baseline", s.baseline},
      {"candidate", s.candidate},
      {"delta", s.delta},
      {"ci", {s.ci_lo, s.ci_hi}},
      {"p", s.p},
      {"p_adjusted", s.p_adjusted},
      {"mde", s.mde},
      {"level", s.level},
      {"weight", s.weight},
      {"required", s.required},
      {"items_needed", s.items_needed},
      {"verdict", gate::VerdictName(s.verdict)},
      {"status", gate::StatusName(s.status)},
      {"gated", s.gated},
      {"reasons", s.reasons},
      {"errors",
       {{"baseline", s.baseline_errors}, {"candidate", s.candidate_errors}}}};
  if (v.binary) j["flips"] = {{"worse", s.worse}, {"better", s.better}};
  if (!s.key.empty()) {
    j["key"] = s.key;
    j["value"] = s.value;
  }
  if (s.status == gate::StratumStatus::kBlock) {
    j["cause"] = s.explained_by.empty();
    j["explained_by"] =
        s.explained_by.empty() ? json(nullptr) : json(s.explained_by);
  }
  return j;
}

// The status column: what the stratum is, and whom a block is explained by.
std::string StatusText(const Stratum& s) {
  std::string out(gate::StatusName(s.status));
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!s.explained_by.empty()) out += " (explained by " + s.explained_by + ")";
  return out;
}

json RefJson(const gate::StratumRef& r) {
  json j = {{"stratum", r.label}, {"suite", r.suite}, {"n", r.n}};
  if (!r.key.empty()) {
    j["key"] = r.key;
    j["value"] = r.value;
  }
  if (r.items_needed > 0) {
    j["items_needed"] = r.items_needed;
    j["required"] = r.required;
  }
  return j;
}

std::string Row(const SuiteVerdict& v, const Stratum& s,
                const std::string& label) {
  return fmt::format(
      "{:<32} {:>6} {:>9.3f} {:>9.3f} {:>+8.3f}  [{:>+7.3f},{:>+7.3f}] "
      "{:>8.2g} {:>6.3f}  {}\n",
      label, s.n, s.baseline, s.candidate, s.delta, s.ci_lo, s.ci_hi,
      s.p_adjusted, s.mde, EscapeControl(StatusText(s)));
}

std::string Title(const SuiteVerdict& v) {
  return fmt::format(
      "{} ({}, {}{}, {}, margin {:.3f}){}", EscapeControl(v.suite),
      EscapeControl(v.modality), v.metric,
      v.higher_is_better ? "" : " lower is better", v.test, v.thresholds.margin,
      v.condition.empty() ? "" : " " + EscapeControl(v.condition));
}

std::string Md(const std::string& s) {
  std::string out;
  for (char ch : EscapeControl(s)) {
    if (ch == '|' || ch == '<' || ch == '>' || ch == '`' || ch == '*' ||
        ch == '_' || ch == '[' || ch == ']') {
      out += '\\';
    }
    out += ch;
  }
  return out;
}

std::string Xml(const std::string& s) {
  std::string out;
  for (char ch : EscapeControl(s)) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// One line for every coverage gap (docs/gate.md): how many strata, how many
// of them required, in which suites, and the largest need. Needs are not
// summed: strata overlap, so items added for one count for others too.
std::string GapSummary(const GateResult& r) {
  if (r.coverage_gaps.empty()) return "";
  int64_t required = 0, most = 0;
  std::string most_label;
  std::vector<std::string> suites;
  for (const gate::StratumRef& g : r.coverage_gaps) {
    required += g.required;
    if (g.items_needed - g.n > most) {
      most = g.items_needed - g.n;
      most_label = g.label;
    }
    if (std::find(suites.begin(), suites.end(), g.suite) == suites.end())
      suites.push_back(g.suite);
  }
  // The required ones make the verdict inconclusive: name them (their own
  // lines are left out of the reasons, this line stands for every gap).
  std::vector<std::string> named;
  for (const gate::StratumRef& g : r.coverage_gaps) {
    if (g.required && named.size() < 6)
      named.push_back(fmt::format("{} (n={})", g.label, g.n));
  }
  return fmt::format(
      "coverage: {} {} too small to decide at the margin ({} required{}{}) "
      "in {}; the largest need is about {} more items ({}); see mmgate gate "
      "--plan",
      r.coverage_gaps.size(),
      r.coverage_gaps.size() == 1 ? "stratum" : "strata", required,
      named.empty() ? "" : ": ",
      fmt::format("{}{}", fmt::join(named, ", "),
                  required > static_cast<int64_t>(named.size()) ? ", ..." : ""),
      fmt::join(suites, ", "), most, most_label);
}

// What stands between the candidate and a pass: run-level reasons, the
// blocked strata that are causes, those they explain, then the inconclusive
// ones (the first `max_inconclusive`, the rest counted: the tables list them
// all), then one line for the coverage gaps.
std::vector<std::string> NonPassReasons(const GateResult& r,
                                        size_t max_inconclusive) {
  std::vector<std::string> out = r.reasons;
  std::vector<std::string> explained, inconclusive;
  auto take = [&](const auto& s, const std::string& blocked) {
    // A gap, required or not, is in the one coverage line below.
    if (!s.gated || s.verdict == Verdict::kPass ||
        s.status == gate::StratumStatus::kCoverageGap)
      return;
    for (const std::string& reason : s.reasons) {
      if (s.verdict == Verdict::kInconclusive) {
        inconclusive.push_back("inconclusive: " + reason);
      } else if (IsExplained(s)) {
        explained.push_back("explained: " + reason);
      } else {
        out.push_back(blocked + reason);
      }
    }
  };
  const std::string regression = "blocked (regression): ";
  for (const SuiteVerdict& v : r.suites) {
    take(v.total, regression);
    for (const Stratum& s : v.slices) take(s, regression);
    for (const Stratum& s : v.difficulty) take(s, regression);
    for (const gate::Curve& c : v.curves) {
      for (const gate::CurvePoint& p : c.points) {
        take(p, BaselineMissesToo(p, v.thresholds)
                    ? "blocked (SLO miss; the baseline misses it too): "
                    : "blocked (SLO miss; the baseline meets it): ");
      }
    }
    for (const gate::SloCheck& c : v.slos) {
      for (const std::string& reason : c.reasons) {
        if (c.verdict == Verdict::kBlock) {
          out.push_back("blocked (SLO miss; " + BaselineClause(c) +
                        "): " + reason);
        } else if (c.verdict == Verdict::kInconclusive) {
          inconclusive.push_back("inconclusive: " + reason);
        }
      }
    }
  }
  out.insert(out.end(), explained.begin(), explained.end());
  for (size_t i = 0; i < inconclusive.size() && i < max_inconclusive; ++i) {
    out.push_back(inconclusive[i]);
  }
  if (inconclusive.size() > max_inconclusive) {
    out.push_back(
        fmt::format("... and {} more inconclusive strata (see the tables)",
                    inconclusive.size() - max_inconclusive));
  }
  if (std::string gaps = GapSummary(r); !gaps.empty()) out.push_back(gaps);
  return out;
}

constexpr size_t kListedInconclusive = 8;

// What an ungated stratum measured, for JUnit: it is shown, not judged.
std::string Measured(const Stratum& s) {
  return fmt::format("delta {:+.3f}, CI {:+.3f}..{:+.3f}, p {:.2g}, n {}",
                     s.delta, s.ci_lo, s.ci_hi, s.p, s.n);
}

}  // namespace

std::string EscapeXml(const std::string& s) { return Xml(s); }

std::string RenderVerdictTerminal(const gate::GateOutcome& o) {
  std::string out;
  for (size_t i = 0; i < o.results.size(); ++i) {
    const GateResult& r = o.results[i];
    out += fmt::format(
        "VERDICT: {} ({})\n  candidate {} vs baseline {}, policy {}\n",
        Upper(r.verdict), Meaning(r), EscapeControl(r.candidate),
        EscapeControl(r.baseline), r.policy_hash);
    for (const std::string& reason : NonPassReasons(r, kListedInconclusive))
      out += "  - " + EscapeControl(reason) + "\n";
    out += fmt::format(
        "\n{:<32} {:>6} {:>9} {:>9} {:>8}  {:^17} {:>8} {:>6}  {}\n",
        "suite / stratum", "n", "baseline", "candidate", "delta", "CI", "p_adj",
        "mde", "status");
    for (const SuiteVerdict& v : r.suites) {
      out += Title(v) + "\n";
      out += Row(v, v.total, "  all");
      for (const Stratum& s : v.slices) {
        out += Row(v, s,
                   fmt::format("    {}={}", EscapeControl(s.key),
                               EscapeControl(s.value)));
      }
      for (const Stratum& s : v.difficulty) {
        out += Row(v, s,
                   fmt::format("    tier {} [{}]", s.value, v.residual.source));
      }
      out += fmt::format(
          "    latency p50: baseline {:.1f} ms, candidate {:.1f} ms\n",
          v.baseline_cost.p50_latency_ms, v.candidate_cost.p50_latency_ms);
      out += CurvesTerminal(v);
      out += BehaviourTerminal(v);
      out += SloTerminal(v);
      const gate::Residual& res = v.residual;
      if (!v.difficulty.empty()) {
        out += fmt::format(
            "    remaining failures: baseline {} ({:.0f}% hard), candidate {} "
            "({:.0f}% hard)\n",
            res.baseline_failures, 100 * res.baseline_hard_share,
            res.candidate_failures, 100 * res.candidate_hard_share);
      }
    }
    if (i + 1 < o.results.size()) out += "\n";
  }
  if (o.results.size() > 1) {
    out += "\nRanking of the candidates that passed:";
    if (o.ranking.empty()) out += " none passed";
    for (size_t k = 0; k < o.ranking.size(); ++k) {
      out += fmt::format(" {}. {}", k + 1,
                         EscapeControl(o.results[o.ranking[k]].candidate));
    }
    out += "\n" + RankingTerminal(o);
  }
  return out;
}

json Refs(const std::vector<gate::StratumRef>& refs,
          const std::string& kind = "") {
  json out = json::array();
  for (const gate::StratumRef& r : refs) {
    out.push_back(RefJson(r));
    if (!kind.empty()) out.back()["kind"] = kind;
  }
  return out;
}

json VerdictJson(const GateResult& r) {
  json suites = json::array();
  for (const SuiteVerdict& v : r.suites) {
    json j = StratumJson(v, v.total);
    j["suite"] = v.suite;
    j["modality"] = v.modality;
    j["metric"] = v.metric;
    j["higher_is_better"] = v.higher_is_better;
    j["test"] = v.test;
    j["margin"] = v.thresholds.margin;
    j["verdict"] = gate::VerdictName(v.verdict);
    // Additive: only when the candidate ran otherwise than the baseline.
    if (!v.condition.empty()) j["condition"] = v.condition;
    j["reasons"] = v.reasons;
    j["slices"] = json::array();
    for (const Stratum& s : v.slices) j["slices"].push_back(StratumJson(v, s));
    j["difficulty"] = json::array();
    for (const Stratum& s : v.difficulty)
      j["difficulty"].push_back(StratumJson(v, s));
    j["curves"] = CurvesJson(v);
    j["slo"] = SloJson(v);
    j["judge"] = JudgeCalibrationJson(v);
    j["behaviour"] = {{"baseline", BehaviourJson(v.baseline_behaviour)},
                      {"candidate", BehaviourJson(v.candidate_behaviour)}};
    j["residual_failures"] = {
        {"source", v.residual.source},
        {"baseline", v.residual.baseline_failures},
        {"candidate", v.residual.candidate_failures},
        {"baseline_hard_share", v.residual.baseline_hard_share},
        {"candidate_hard_share", v.residual.candidate_hard_share}};
    auto cost = [](const gate::RunCost& c) {
      return json{
          {"p50_latency_ms", c.p50_latency_ms},
          {"cost_per_query",
           c.cost_per_query < 0 ? json(nullptr) : json(c.cost_per_query)},
          {"judge_cost_per_query", c.judge_cost_per_query < 0
                                       ? json(nullptr)
                                       : json(c.judge_cost_per_query)}};
    };
    j["cost"] = {{"baseline", cost(v.baseline_cost)},
                 {"candidate", cost(v.candidate_cost)}};
    suites.push_back(std::move(j));
  }
  return {{"verdict", gate::VerdictName(r.verdict)},
          {"baseline", r.baseline},
          {"candidate", r.candidate},
          {"policy", r.policy_hash},
          {"suites", suites},
          {"reasons", r.reasons},
          {"meaning", Meaning(r)},
          {"summary", NonPassReasons(r, kListedInconclusive)},
          {"causes", Refs(r.causes, "regression")},
          {"slo_misses", SloMissesJson(r)},
          {"coverage_gaps", Refs(r.coverage_gaps)},
          {"unmatched", r.unmatched}};
}

json OutcomeJson(const gate::GateOutcome& o) {
  if (o.results.size() == 1) return VerdictJson(o.results[0]);
  json j = {{"verdict", gate::VerdictName(o.verdict)},
            {"baseline", o.results.empty() ? "" : o.results[0].baseline},
            {"policy", o.results.empty() ? "" : o.results[0].policy_hash},
            {"candidates", json::array()},
            {"ranking", json::array()}};
  for (const GateResult& r : o.results)
    j["candidates"].push_back(VerdictJson(r));
  for (size_t i : o.ranking) j["ranking"].push_back(o.results[i].candidate);
  j["ranking_table"] = RankingJson(o);
  return j;
}

std::string RenderVerdictMarkdown(const gate::GateOutcome& o) {
  std::string out;
  for (const GateResult& r : o.results) {
    out += fmt::format(
        "## mmgate: **{}** — {}\n\nCandidate `{}` vs baseline `{}` (policy "
        "`{}`)\n\n",
        Upper(r.verdict), Meaning(r), Md(r.candidate), Md(r.baseline),
        r.policy_hash);
    for (const std::string& reason : NonPassReasons(r, kListedInconclusive))
      out += "- " + Md(reason) + "\n";
    for (const SuiteVerdict& v : r.suites) {
      out += fmt::format("\n### {} — {}\n\n", Md(Title(v)),
                         gate::VerdictName(v.verdict));
      out +=
          "| stratum | n | baseline | candidate | delta | CI | p | p adj | "
          "MDE | status |\n";
      out += "|---|---:|---:|---:|---:|---|---:|---:|---:|---|\n";
      auto row = [&](const std::string& label, const Stratum& s) {
        std::string status = Md(StatusText(s));
        if (s.verdict != Verdict::kPass) status = "**" + status + "**";
        out += fmt::format(
            "| {} | {} | {:.3f} | {:.3f} | {:+.3f} | {:+.3f}..{:+.3f} | {:.2g} "
            "| {:.2g} | {:.3f} | {} |\n",
            label, s.n, s.baseline, s.candidate, s.delta, s.ci_lo, s.ci_hi, s.p,
            s.p_adjusted, s.mde, status);
      };
      row("all", v.total);
      for (const Stratum& s : v.slices) row(Md(s.key) + "=" + Md(s.value), s);
      for (const Stratum& s : v.difficulty) row("tier " + Md(s.value), s);
      out += CurvesMarkdown(v);
      out += BehaviourMarkdown(v);
      out += SloMarkdown(v);
    }
    out += "\n";
  }
  if (o.results.size() > 1) {
    out += "**Ranking** of the candidates that passed:";
    if (o.ranking.empty()) out += " none passed.";
    for (size_t k = 0; k < o.ranking.size(); ++k) {
      out += fmt::format(" {}. `{}`", k + 1,
                         Md(o.results[o.ranking[k]].candidate));
    }
    out += "\n\n" + RankingMarkdown(o);
  }
  return out;
}

std::string RenderJUnit(const gate::GateOutcome& o) {
  std::string body;
  int tests = 0, failures = 0, skipped = 0;
  for (const GateResult& r : o.results) {
    for (const SuiteVerdict& v : r.suites) {
      std::string cases;
      int st = 0, sf = 0, ss = 0;
      // An ungated stratum is a skipped case saying what it `measured`; an
      // ungated robustness point (no max_degradation) is only a curve.
      auto add = [&](const std::string& name, const auto& s,
                     const std::string& measured,
                     const char* kind = "regression") {
        if (!s.gated && measured.empty()) return;
        ++st;
        cases += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\">",
                             Xml(r.candidate), Xml(v.suite), Xml(name));
        std::string msg = s.reasons.empty() ? "" : s.reasons.front();
        if (!s.gated) {
          ++ss;
          cases += fmt::format("<skipped message=\"not gated: {}\"/>",
                               Xml(measured));
        } else if (s.verdict == Verdict::kBlock) {
          ++sf;
          cases += fmt::format("<failure message=\"{}\" type=\"{}\"/>",
                               Xml(msg), kind);
        } else if (s.verdict == Verdict::kInconclusive) {
          ++ss;
          cases +=
              fmt::format("<skipped message=\"inconclusive: {}\"/>", Xml(msg));
        }
        cases += "</testcase>\n";
      };
      add(v.metric + " all", v.total, Measured(v.total));
      for (const Stratum& s : v.slices)
        add(v.metric + " " + s.key + "=" + s.value, s, Measured(s));
      for (const Stratum& s : v.difficulty)
        add(v.metric + " tier " + s.value, s, Measured(s));
      for (const gate::Curve& c : v.curves) {
        for (const gate::CurvePoint& p : c.points)
          add(v.metric + " robustness " + p.value, p, "", "slo");
      }
      for (const gate::SloCheck& c : v.slos) {
        // An SLO check is always judged: `gated` stands for the shape.
        struct {
          bool gated = true;
          Verdict verdict;
          std::vector<std::string> reasons;
        } s{true, c.verdict, c.reasons};
        add("slo " + c.label.substr(v.suite.size() + 2), s, "", "slo");
      }
      body += fmt::format(
          "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" "
          "skipped=\"{}\">\n{}  </testsuite>\n",
          Xml(v.suite), st, sf, ss, cases);
      tests += st;
      failures += sf;
      skipped += ss;
    }
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mmgate\" "
      "tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n{}</testsuites>\n",
      tests, failures, skipped, body);
}

}  // namespace mmgate::report
