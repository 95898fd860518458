// One run's score per suite and metric, printed by `mmgate run` when it ends
// so a user sees where the model stands without a second command.
// Pure functions of their argument; thread-compatible.
#ifndef MMGATE_REPORT_RUN_SCORES_H_
#define MMGATE_REPORT_RUN_SCORES_H_

#include <nlohmann/json.hpp>
#include <string>

#include "stats/compare.h"

namespace mmgate::report {

// `self` is the run compared with itself (stats::Compare with the same run
// on both sides), so the figures are the side-by-side report's: one row per
// suite and metric with the items scored, the items that failed and the
// score (sum of numerators over sum of denominators). Control characters in
// names are escaped.
std::string RunScoresText(const stats::Comparison& self);
nlohmann::json RunScoresJson(const stats::Comparison& self);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_RUN_SCORES_H_
