// Renders gate verdicts: terminal (verdict first, evidence under it), the
// verdict JSON of DESIGN.md, Markdown for a pull-request comment, JUnit XML.
#ifndef MMGATE_REPORT_VERDICT_H_
#define MMGATE_REPORT_VERDICT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gate/gate.h"

namespace mmgate::report {

// Several candidates (gate-then-rank): `ranking` holds indices of the ones
// that passed, best first. With one candidate it is empty or {0}.
struct GateOutcome {
  std::vector<gate::GateResult> results;
  std::vector<size_t> ranking;
  gate::Verdict verdict = gate::Verdict::kPass;
};

gate::Verdict OverallVerdict(const std::vector<gate::GateResult>& results);

std::string RenderVerdictTerminal(const GateOutcome& o);
nlohmann::json VerdictJson(const gate::GateResult& r);
nlohmann::json OutcomeJson(const GateOutcome& o);
std::string RenderVerdictMarkdown(const GateOutcome& o);
std::string RenderJUnit(const GateOutcome& o);

// Text for XML or HTML: control characters escaped (EscapeControl), then
// & < > " '.
std::string EscapeXml(const std::string& s);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_VERDICT_H_
