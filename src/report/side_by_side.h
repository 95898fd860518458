// Renders a two-run comparison: a terminal table, JSON and Markdown. Every
// row belongs to one suite (one modality); nothing is averaged across them.
#ifndef MMGATE_REPORT_SIDE_BY_SIDE_H_
#define MMGATE_REPORT_SIDE_BY_SIDE_H_

#include <nlohmann/json.hpp>
#include <string>

#include "stats/compare.h"

namespace mmgate::report {

// Replaces control characters (ANSI escapes, bidi overrides, newlines) in
// text that came from a dataset or a model, so it cannot rewrite the terminal.
std::string EscapeControl(const std::string& text);

// "better", "worse" or "same" for a delta on a metric.
std::string_view Direction(double delta, bool higher_is_better);

std::string RenderTerminal(const stats::Comparison& c);
nlohmann::json ToJson(const stats::Comparison& c);
std::string RenderMarkdown(const stats::Comparison& c);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_SIDE_BY_SIDE_H_
