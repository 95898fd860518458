// The HTML report of a gate evaluation: verdict, per-modality scorecards with
// intervals, slices, difficulty strata, latency percentiles, and the failure
// browser (items that got worse, with their image or audio inline).
#ifndef MMGATE_REPORT_HTML_REPORT_H_
#define MMGATE_REPORT_HTML_REPORT_H_

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "gate/evaluate.h"
#include "gate/gate.h"
#include "report/verdict.h"
#include "store/store.h"

namespace mmgate::report {

struct ReportOptions {
  // Items shown per blocked or inconclusive stratum (worst first); the rest
  // are counted ("N more"), so 10,000 items keep the file small.
  size_t per_stratum = 10;
  // Embedded media stop at this many bytes; later items name their files.
  size_t media_budget_bytes = 12u << 20;
  int thumbnail_px = 360;  // longest side of an image thumbnail
  int audio_rate = 8000;   // embedded audio: mono 16-bit WAV at this rate
  double audio_max_seconds = 20;
  // Suite name -> folder of its dataset file (media paths are relative to
  // it). A suite not listed shows its media as paths only.
  std::map<std::string, std::string> dataset_dirs;
  // The gold set's health (goldset::HtmlData), shown after the scorecard;
  // null: no such section.
  nlohmann::json goldset;
};

// The page's data block (see src/report/web/report.js for its use).
nlohmann::json ReportData(const gate::Evaluation& e, const ReportOptions& opt);
std::string RenderHtmlReport(const gate::Evaluation& e,
                             const ReportOptions& opt);

// Word-level difference of two answers: [["=", "same words"], ["-", "only
// in a"], ["+", "only in b"], ...] along the minimum edit path.
nlohmann::json WordDiff(const std::string& a, const std::string& b);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_HTML_REPORT_H_
