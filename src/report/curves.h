// Degradation curves of a suite (gate/robustness.h) in the terminal,
// Markdown and JSON outputs of the verdict.
//
// JSON shape, under each suite of the verdict JSON as "curves":
//   [{"kind": "rotate", "metric": "anls", "higher_is_better": true,
//     "max_degradation": 0.1 | null,
//     "points": [{"value": "rotate:2", "level": "2", "rank": 2 | null,
//                 "n": 12, "groups": 12,
//                 "baseline":  {"clean": 0.91, "perturbed": 0.85,
//                 "degradation": 0.066}, "candidate": {"clean": 0.95,
//                 "perturbed": 0.93, "degradation": 0.021,
//                               "ci": [lo, hi], "p": 0.9, "p_adjusted": 1},
//                 "gated": true, "kind": "slo" (gated points: the
//                 degradation SLO), "verdict": "pass", "reasons": [...]},
//                 ...]}]
// "verdict" is null for points the rule does not gate (no rule, or nothing
// to degrade). Points run from the least to the most severe level;
// "degradation" is the relative loss from clean on an accuracy scale (the
// metric, or 1 - it for error rates such as WER).
#ifndef MMGATE_REPORT_CURVES_H_
#define MMGATE_REPORT_CURVES_H_

#include <nlohmann/json.hpp>
#include <string>

#include "gate/gate.h"

namespace mmgate::report {

nlohmann::json CurvesJson(const gate::SuiteVerdict& v);
// Empty when the suite has no perturbation curves.
std::string CurvesTerminal(const gate::SuiteVerdict& v);
std::string CurvesMarkdown(const gate::SuiteVerdict& v);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_CURVES_H_
