#include "report/side_by_side.h"

#include <fmt/format.h>

#include <cmath>

namespace mmgate::report {
namespace {

using nlohmann::json;

json RowJson(const stats::SideBySide& s) {
  json j = {{"n", s.n},
            {"baseline", s.baseline},
            {"candidate", s.candidate},
            {"delta", s.delta},
            {"baseline_errors", s.baseline_errors},
            {"candidate_errors", s.candidate_errors}};
  if (!s.slice_key.empty()) {
    j["key"] = s.slice_key;
    j["value"] = s.slice_value;
  }
  return j;
}

std::string Signed(double d) { return fmt::format("{:+.3f}", d); }

}  // namespace

std::string EscapeControl(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // U+202A..U+202E and U+2066..U+2069 (bidi overrides) are E2 80 AA..AE / E2
    // 81 A6..A9.
    if (c == 0xE2 && i + 2 < text.size()) {
      unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
      unsigned char c2 = static_cast<unsigned char>(text[i + 2]);
      if ((c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) ||
          (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9)) {
        out += fmt::format("\\u{:04x}", c1 == 0x80 ? 0x2000 + (c2 - 0x80)
                                                   : 0x2040 + (c2 - 0x80));
        i += 2;
        continue;
      }
    }
    if (c < 0x20 || c == 0x7f) {
      out += c == '\n'   ? "\\n"
             : c == '\t' ? "\\t"
                         : fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string_view Direction(double delta, bool higher_is_better) {
  if (std::fabs(delta) < 1e-12) return "same";
  return (delta > 0) == higher_is_better ? "better" : "worse";
}

std::string RenderTerminal(const stats::Comparison& c) {
  std::string out = fmt::format("baseline  {}\ncandidate {}\n\n",
                                EscapeControl(c.baseline_run),
                                EscapeControl(c.candidate_run));
  out += fmt::format("{:<34} {:>6} {:>10} {:>10} {:>8}  {:<7} {:>9}\n",
                     "suite / slice", "n", "baseline", "candidate", "delta", "",
                     "errors");
  for (const stats::SuiteComparison& s : c.suites) {
    std::string title = fmt::format(
        "{} ({}, {}{})", EscapeControl(s.suite), EscapeControl(s.modality),
        s.metric, s.higher_is_better ? "" : ", lower is better");
    auto row = [&](const std::string& label, const stats::SideBySide& r) {
      out += fmt::format(
          "{:<34} {:>6} {:>10.3f} {:>10.3f} {:>8}  {:<7} {:>4}/{:<4}\n", label,
          r.n, r.baseline, r.candidate, Signed(r.delta),
          Direction(r.delta, s.higher_is_better), r.baseline_errors,
          r.candidate_errors);
    };
    out += title + "\n";
    row("  all", s.total);
    for (const stats::SideBySide& r : s.slices) {
      row(fmt::format("    {}={}", EscapeControl(r.slice_key),
                      EscapeControl(r.slice_value)),
          r);
    }
  }
  if (!c.unmatched.empty()) {
    out += fmt::format(
        "\n{} items are in one run only or changed between runs (not "
        "compared):",
        c.unmatched.size());
    for (size_t i = 0; i < c.unmatched.size() && i < 10; ++i) {
      out += " " + EscapeControl(c.unmatched[i]);
    }
    out += c.unmatched.size() > 10 ? " ...\n" : "\n";
  }
  return out;
}

json ToJson(const stats::Comparison& c) {
  json suites = json::array();
  for (const stats::SuiteComparison& s : c.suites) {
    json j = RowJson(s.total);
    j["suite"] = s.suite;
    j["modality"] = s.modality;
    j["metric"] = s.metric;
    j["higher_is_better"] = s.higher_is_better;
    j["slices"] = json::array();
    for (const stats::SideBySide& r : s.slices)
      j["slices"].push_back(RowJson(r));
    suites.push_back(std::move(j));
  }
  return {{"baseline", c.baseline_run},
          {"candidate", c.candidate_run},
          {"suites", suites},
          {"unmatched", c.unmatched}};
}

std::string RenderMarkdown(const stats::Comparison& c) {
  auto md = [](const std::string& s) {
    std::string out;
    for (char ch : EscapeControl(s)) {
      if (ch == '|' || ch == '<' || ch == '>' || ch == '`' || ch == '*' ||
          ch == '_')
        out += '\\';
      out += ch;
    }
    return out;
  };
  std::string out = fmt::format("**Baseline** `{}` vs **candidate** `{}`\n",
                                md(c.baseline_run), md(c.candidate_run));
  for (const stats::SuiteComparison& s : c.suites) {
    out += fmt::format("\n### {} ({}, {}{})\n\n", md(s.suite), md(s.modality),
                       s.metric, s.higher_is_better ? "" : ", lower is better");
    out += "| slice | n | baseline | candidate | delta | | errors b/c |\n";
    out += "|---|---:|---:|---:|---:|---|---:|\n";
    auto row = [&](const std::string& label, const stats::SideBySide& r) {
      out += fmt::format("| {} | {} | {:.3f} | {:.3f} | {} | {} | {}/{} |\n",
                         label, r.n, r.baseline, r.candidate, Signed(r.delta),
                         Direction(r.delta, s.higher_is_better),
                         r.baseline_errors, r.candidate_errors);
    };
    row("**all**", s.total);
    for (const stats::SideBySide& r : s.slices) {
      row(md(r.slice_key) + "=" + md(r.slice_value), r);
    }
  }
  return out;
}

}  // namespace mmgate::report
