#include "pipeline/html.h"

#include <fmt/format.h>

#include <algorithm>

namespace mmgate::pipeline {
namespace {

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&#39;";
        break;
      default:
        o.push_back(c);
    }
  }
  return o;
}

double Rate(const StageSummary& s) {
  return s.checked ? static_cast<double>(s.failed) / s.checked : 0;
}

const StageSummary* Find(const RunSummaryView& v, const std::string& stage) {
  for (const StageSummary& s : v.stages)
    if (s.stage == stage) return &s;
  return nullptr;
}

// The gate verdict of one stage's stratum ("SUITE/STAGE").
std::string StageVerdict(const gate::GateOutcome& o, const std::string& name) {
  for (const gate::GateResult& r : o.results)
    for (const gate::SuiteVerdict& v : r.suites)
      if (v.suite == name) return std::string(gate::VerdictName(v.verdict));
  return "not gated";
}

// Grouped bars: per stage, the baseline's and the candidate's failure rate.
std::string Bars(const RunSummaryView& b, const RunSummaryView& c) {
  const int row = 46, label = 120, width = 360;
  const int h = static_cast<int>(c.stages.size()) * row + 30;
  std::string svg = fmt::format(
      "<svg role=\"img\" aria-label=\"failure rate per stage\" "
      "width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">",
      label + width + 140, h, label + width + 140, h);
  int y = 10;
  for (const StageSummary& cs : c.stages) {
    const StageSummary* bs = Find(b, cs.stage);
    const double rb = bs ? Rate(*bs) : 0, rc = Rate(cs);
    svg += fmt::format("<text x=\"0\" y=\"{}\" class=\"stage\">{}</text>",
                       y + 22, Esc(cs.stage));
    svg += fmt::format(
        "<rect class=\"bar base\" data-stage=\"{}\" x=\"{}\" y=\"{}\" "
        "width=\"{:.1f}\" height=\"16\"/><text x=\"{:.1f}\" y=\"{}\">{:.0f}% "
        "baseline</text>",
        Esc(cs.stage), label, y, std::max(1.0, rb * width),
        label + std::max(1.0, rb * width) + 4, y + 13, 100 * rb);
    svg += fmt::format(
        "<rect class=\"bar cand\" data-stage=\"{}\" x=\"{}\" y=\"{}\" "
        "width=\"{:.1f}\" height=\"16\"/><text x=\"{:.1f}\" y=\"{}\">{:.0f}% "
        "candidate</text>",
        Esc(cs.stage), label, y + 18, std::max(1.0, rc * width),
        label + std::max(1.0, rc * width) + 4, y + 31, 100 * rc);
    y += row;
  }
  return svg + "</svg>";
}

std::string FailingList(const RunSummaryView& c) {
  if (c.failing.empty()) return "<p>No failing items.</p>";
  std::string out =
      "<table class=\"failing\"><tr><th>item</th><th>first failing "
      "boundary</th><th>substitution</th><th>agree</th><th>why</th></tr>";
  for (const StoredItem* it : c.failing) {
    const ItemVerdict& v = it->verdict;
    std::string why = v.error;
    for (const Boundary& b : v.boundaries)
      if (why.empty() && b.checked && !b.pass) why = b.unit + ": " + b.detail;
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
        Esc(it->item_id), Esc(v.first_failing), Esc(v.blamed),
        v.by_elimination ? " (by elimination)" : "", v.Agree() ? "yes" : "no",
        Esc(why));
  }
  return out + "</table>";
}

}  // namespace

std::string RenderStagesHtml(const RunSummaryView& b, const RunSummaryView& c,
                             const gate::GateOutcome& outcome) {
  std::string rows;
  for (const StageSummary& cs : c.stages) {
    const StageSummary* bs = Find(b, cs.stage);
    rows += fmt::format(
        "<tr data-stage=\"{}\"><td>{}</td><td>{}/{}</td><td>{}/{}</td>"
        "<td>{} / {}</td><td>{} / {}</td><td class=\"verdict\">{}</td></tr>",
        Esc(cs.stage), Esc(cs.stage), bs ? bs->failed : 0, bs ? bs->checked : 0,
        cs.failed, cs.checked, bs ? bs->first_failing : 0, bs ? bs->blamed : 0,
        cs.first_failing, cs.blamed,
        Esc(StageVerdict(outcome, c.suite + "/" + cs.stage)));
  }
  return fmt::format(
      R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>mmgate pipeline: {suite}</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; }}
.bar.base {{ fill: #8aa4c8; }} .bar.cand {{ fill: #d9822b; }}
svg text {{ font-size: 12px; }}
.verdict-{verdict} {{ font-weight: bold; }}
</style></head><body>
<h1>Pipeline {suite}: <span class="verdict-{verdict}" id="verdict">{verdict}</span></h1>
<p>baseline <code>{base}</code> ({bpass} of {bn} items pass end to end),
candidate <code>{cand}</code> ({cpass} of {cn}).
Blame rules agree on {agree} of {nfail} failing candidate items.</p>
<h2>Failure rate per stage</h2>
<div class="chart">{bars}</div>
<h2>Per stage</h2>
<table class="stages"><tr><th>stage</th><th>baseline failed</th>
<th>candidate failed</th><th>baseline blame (first failing / substitution)</th>
<th>candidate blame (first failing / substitution)</th><th>gate</th></tr>
{rows}</table>
<h2>Failing candidate items</h2>
{failing}
</body></html>
)",
      fmt::arg("suite", Esc(c.suite)),
      fmt::arg("verdict", std::string(gate::VerdictName(outcome.verdict))),
      fmt::arg("base", Esc(b.run_id)), fmt::arg("cand", Esc(c.run_id)),
      fmt::arg("bpass", b.passed), fmt::arg("bn", b.items),
      fmt::arg("cpass", c.passed), fmt::arg("cn", c.items),
      fmt::arg("agree", c.agree), fmt::arg("nfail", c.agree + c.disagree),
      fmt::arg("bars", Bars(b, c)), fmt::arg("rows", rows),
      fmt::arg("failing", FailingList(c)));
}

}  // namespace mmgate::pipeline
