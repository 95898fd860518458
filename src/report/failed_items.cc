#include "report/failed_items.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/side_by_side.h"

namespace mmgate::report {
namespace {

std::string Name(const FailedItem& f) {
  const std::string id =
      f.item_id.empty() ? fmt::format("line {}", f.line) : f.item_id;
  return EscapeControl(f.suite + "/" + id);
}

// One table cell: no line breaks, and a '|' would end the cell.
std::string MarkdownCell(const std::string& text) {
  std::string out;
  for (char c : EscapeControl(text)) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<FailedItem> FailedItems(const std::vector<store::GateItem>& items) {
  std::vector<FailedItem> out;
  for (const store::GateItem& r : items) {
    if (!r.has_error) continue;
    out.push_back({std::string(r.suite), std::string(r.item_id), r.line,
                   std::string(r.error_kind), std::string(r.error)});
  }
  return out;
}

std::string FailedItemsText(const std::vector<FailedItem>& failed,
                            size_t limit) {
  std::string out;
  const size_t shown =
      limit == 0 ? failed.size() : std::min(limit, failed.size());
  for (size_t i = 0; i < shown; ++i) {
    out += fmt::format("  {} ({}): {}\n", Name(failed[i]),
                       EscapeControl(failed[i].kind),
                       EscapeControl(failed[i].reason));
  }
  if (shown < failed.size())
    out += fmt::format("  ... and {} more\n", failed.size() - shown);
  return out;
}

std::string FailedItemsMarkdown(const std::string& run_id,
                                const std::vector<FailedItem>& failed) {
  if (failed.empty()) return "";
  std::string out = fmt::format("\n### Failed items in {} ({})\n\n",
                                MarkdownCell(run_id), failed.size());
  out += "| item | kind | reason |\n|---|---|---|\n";
  for (const FailedItem& f : failed) {
    out += fmt::format("| {} | {} | {} |\n", MarkdownCell(Name(f)),
                       MarkdownCell(f.kind), MarkdownCell(f.reason));
  }
  return out;
}

nlohmann::json FailedItemsJson(const std::vector<FailedItem>& failed) {
  nlohmann::json out = nlohmann::json::array();
  for (const FailedItem& f : failed) {
    out.push_back({{"suite", f.suite},
                   {"id", f.item_id},
                   {"line", f.line},
                   {"kind", f.kind},
                   {"reason", f.reason}});
  }
  return out;
}

}  // namespace mmgate::report
