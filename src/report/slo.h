// SLO checks of a suite (gate/slo.h) in the verdict's outputs: JSON, the
// terminal, Markdown and JUnit test cases. Every block of the verdict names
// its kind: "regression" (a stratum against the baseline) or "slo" (an SLO
// the candidate misses, a robustness point included), and an SLO says
// whether the baseline meets it.
//
// JSON shape, under each suite of the verdict JSON as "slo":
//   [{"kind": "slo", "slo": "qa: hallucination <= 0.01", "figure":
//     "hallucination", "bound": "max", "threshold": 0.01, "key", "value"
//     (slice scope, if any), "type" / "metric" (if set), "method":
//     "clopper-pearson" | "cluster-bootstrap-bca" | ...,
//     "n", "x" (rates), "estimate", "ci": [lo, hi] (each end one-sided at
//     "level"), "p", "p_adjusted", "level", "weight", "items_needed",
//     "status": "met" | "missed" | "inconclusive" | "no_data", "verdict",
//     "baseline": {"n", "estimate", "ci", "status"} | null, "reasons"}]
#ifndef MMGATE_REPORT_SLO_H_
#define MMGATE_REPORT_SLO_H_

#include <nlohmann/json.hpp>
#include <string>

#include "gate/gate.h"

namespace mmgate::report {

nlohmann::json SloJson(const gate::SuiteVerdict& v);
// Empty when the suite has no SLO check.
std::string SloTerminal(const gate::SuiteVerdict& v);
std::string SloMarkdown(const gate::SuiteVerdict& v);

// "the baseline meets it", "the baseline misses it too", ...
std::string BaselineClause(const gate::SloCheck& c);

// The run's SLO misses, for the verdict's top level: [{"kind": "slo",
// "slo", "suite", "baseline": status}].
nlohmann::json SloMissesJson(const gate::GateResult& r);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_SLO_H_
