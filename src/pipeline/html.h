// The pipeline comparison as one self-contained HTML page (no script, no
// external resource): per stage, the failure rate of both runs side by side
// as bars, the blame counts of both rules, the stage's gate verdict, and
// every failing item of the candidate with both blames and its reason.
// All text is escaped. Pure function.
#ifndef MMGATE_PIPELINE_HTML_H_
#define MMGATE_PIPELINE_HTML_H_

#include <string>

#include "gate/evaluate.h"
#include "pipeline/summary.h"

namespace mmgate::pipeline {

std::string RenderStagesHtml(const RunSummaryView& baseline,
                             const RunSummaryView& candidate,
                             const gate::GateOutcome& outcome);

}  // namespace mmgate::pipeline

#endif  // MMGATE_PIPELINE_HTML_H_
