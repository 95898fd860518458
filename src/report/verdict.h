// Renders gate verdicts: terminal (verdict first, evidence under it), the
// verdict JSON of DESIGN.md, Markdown for a pull-request comment, JUnit XML.
#ifndef MMGATE_REPORT_VERDICT_H_
#define MMGATE_REPORT_VERDICT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gate/evaluate.h"
#include "gate/gate.h"

namespace mmgate::report {

std::string RenderVerdictTerminal(const gate::GateOutcome& o);
nlohmann::json VerdictJson(const gate::GateResult& r);
nlohmann::json OutcomeJson(const gate::GateOutcome& o);
std::string RenderVerdictMarkdown(const gate::GateOutcome& o);
std::string RenderJUnit(const gate::GateOutcome& o);

// Text for XML or HTML: control characters escaped (EscapeControl), then
// & < > " '.
std::string EscapeXml(const std::string& s);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_VERDICT_H_
