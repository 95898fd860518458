#include "report/slo.h"

#include <fmt/format.h>

#include "report/side_by_side.h"

namespace mmgate::report {
namespace {

using gate::SloCheck;
using gate::SloStatus;
using nlohmann::json;

json Ci(double lo, double hi) { return json::array({lo, hi}); }

std::string Num(const SloCheck& c, double x) {
  if (gate::SloFigureIsRate(c.slo.figure))
    return fmt::format("{:.2f}%", 100 * x);
  return fmt::format("{:.4g}", x);
}

std::string Status(const SloCheck& c) {
  std::string s(gate::SloStatusName(c.status));
  if (c.status == SloStatus::kInconclusive && c.items_needed > 0)
    s += fmt::format(" (needs ~{} items)", c.items_needed);
  return s;
}

std::string Baseline(const SloCheck& c) {
  if (c.baseline_status == SloStatus::kNoData) return "-";
  return fmt::format("{} {}", Num(c, c.baseline_estimate),
                     gate::SloStatusName(c.baseline_status));
}

}  // namespace

std::string BaselineClause(const SloCheck& c) {
  switch (c.baseline_status) {
    case SloStatus::kMet:
      return "the baseline meets it";
    case SloStatus::kMissed:
      return "the baseline misses it too";
    case SloStatus::kInconclusive:
      return "undecided for the baseline";
    case SloStatus::kNoData:
      return "not measured on the baseline";
  }
  return "";
}

json SloJson(const gate::SuiteVerdict& v) {
  json out = json::array();
  for (const SloCheck& c : v.slos) {
    json j = {{"kind", "slo"},
              {"slo", c.label},
              {"figure", gate::SloFigureName(c.slo.figure)},
              {"bound", c.slo.at_most ? "max" : "min"},
              {"threshold", c.slo.threshold},
              {"method", c.method},
              {"n", c.n},
              {"estimate", c.estimate},
              {"ci", Ci(c.lo, c.hi)},
              {"p", c.p},
              {"p_adjusted", c.p_adjusted},
              {"level", c.level},
              {"weight", c.weight},
              {"items_needed", c.items_needed},
              {"status", gate::SloStatusName(c.status)},
              {"verdict", gate::VerdictName(c.verdict)},
              {"reasons", c.reasons}};
    if (gate::SloFigureIsRate(c.slo.figure)) j["x"] = c.x;
    if (!c.key.empty()) {
      j["key"] = c.key;
      j["value"] = c.value;
    }
    if (!c.slo.metric.empty()) j["metric"] = c.slo.metric;
    if (!c.slo.hallucination_type.empty()) j["type"] = c.slo.hallucination_type;
    j["baseline"] =
        c.baseline_status == SloStatus::kNoData
            ? json(nullptr)
            : json{{"n", c.baseline_n},
                   {"estimate", c.baseline_estimate},
                   {"ci", Ci(c.baseline_lo, c.baseline_hi)},
                   {"status", gate::SloStatusName(c.baseline_status)}};
    out.push_back(std::move(j));
  }
  return out;
}

std::string SloTerminal(const gate::SuiteVerdict& v) {
  if (v.slos.empty()) return "";
  std::string out =
      fmt::format("    {:<44} {:>6} {:>10} {:>21} {:>16}  {}\n", "SLO", "n",
                  "candidate", "bounds", "baseline", "status");
  for (const SloCheck& c : v.slos) {
    out += fmt::format("    {:<44} {:>6} {:>10} {:>21} {:>16}  {}\n",
                       EscapeControl(c.label.substr(v.suite.size() + 2)), c.n,
                       Num(c, c.estimate),
                       c.n > 0 ? Num(c, c.lo) + ".." + Num(c, c.hi) : "-",
                       Baseline(c), Status(c));
  }
  return out;
}

std::string SloMarkdown(const gate::SuiteVerdict& v) {
  if (v.slos.empty()) return "";
  auto md = [](const std::string& s) {
    std::string out;
    for (char ch : EscapeControl(s)) {
      if (ch == '|' || ch == '<' || ch == '>' || ch == '`' || ch == '*' ||
          ch == '_' || ch == '[' || ch == ']')
        out += '\\';
      out += ch;
    }
    return out;
  };
  std::string out =
      "\n| SLO | n | candidate | bounds | baseline | status |\n"
      "|---|---:|---:|---|---|---|\n";
  for (const SloCheck& c : v.slos) {
    std::string status = md(Status(c));
    if (c.verdict != gate::Verdict::kPass) status = "**" + status + "**";
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n",
                       md(c.label.substr(v.suite.size() + 2)), c.n,
                       Num(c, c.estimate),
                       c.n > 0 ? Num(c, c.lo) + "..." + Num(c, c.hi) : "-",
                       md(Baseline(c)), status);
  }
  return out;
}

json SloMissesJson(const gate::GateResult& r) {
  json out = json::array();
  for (const gate::SuiteVerdict& v : r.suites) {
    for (const SloCheck& c : v.slos) {
      if (c.status != SloStatus::kMissed) continue;
      out.push_back({{"kind", "slo"},
                     {"slo", c.label},
                     {"suite", v.suite},
                     {"baseline", gate::SloStatusName(c.baseline_status)}});
    }
  }
  return out;
}

}  // namespace mmgate::report
