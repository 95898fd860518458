// A judge-scored suite's judge and calibration as the reports show it beside
// the suite (terminal, Markdown, JSON, HTML): kappa with its 95% interval,
// the number of labels and the policy's floor. Pure functions: thread-safe.
#ifndef MMGATE_REPORT_JUDGE_INFO_H_
#define MMGATE_REPORT_JUDGE_INFO_H_

#include <nlohmann/json.hpp>
#include <string>

#include "gate/gate.h"

namespace mmgate::report {

// null for a suite without a judge.
nlohmann::json JudgeCalibrationJson(const gate::SuiteVerdict& v);

// "judge evidence-judge: quadratic kappa 0.979 (95% 0.947..1.000), n 33,
// floor 0.60: gated"; "" for a suite without a judge.
std::string JudgeCalibrationLine(const gate::SuiteVerdict& v);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_JUDGE_INFO_H_
