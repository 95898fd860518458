#include "report/run_scores.h"

#include <fmt/format.h>

#include "report/side_by_side.h"

namespace mmgate::report {

std::string RunScoresText(const stats::Comparison& self) {
  if (self.suites.empty()) return "";
  std::string out =
      fmt::format("scores of {}:\n  {:<24} {:<18} {:>6} {:>7} {:>8}\n",
                  EscapeControl(self.baseline_run), "suite", "metric", "scored",
                  "failed", "score");
  for (const stats::SuiteComparison& s : self.suites) {
    out += fmt::format("  {:<24} {:<18} {:>6} {:>7} {:>8.3f}{}\n",
                       EscapeControl(s.suite), EscapeControl(s.metric),
                       s.total.n, s.total.baseline_errors, s.total.baseline,
                       s.higher_is_better ? "" : "  (lower is better)");
  }
  return out;
}

nlohmann::json RunScoresJson(const stats::Comparison& self) {
  nlohmann::json out = nlohmann::json::array();
  for (const stats::SuiteComparison& s : self.suites) {
    out.push_back({{"suite", s.suite},
                   {"modality", s.modality},
                   {"metric", s.metric},
                   {"higher_is_better", s.higher_is_better},
                   {"scored", s.total.n},
                   {"failed", s.total.baseline_errors},
                   {"score", s.total.baseline}});
  }
  return out;
}

}  // namespace mmgate::report
