// Gate-then-rank's table (gate/ranking.h) in the terminal, Markdown and
// JSON: each candidate ranked, or dropped with why.
//
// JSON, at the top level of a verdict over several candidates, as
// "ranking_table": [{"candidate", "rank": 1 | null, "verdict",
//   "dropped": null | "misses SLO" | "regression" | "inconclusive",
//   "why": [...], "quality", "cost_per_query" (null when unknown),
//   "p50_latency_ms"}] — ranked first, best first.
#ifndef MMGATE_REPORT_RANKING_H_
#define MMGATE_REPORT_RANKING_H_

#include <nlohmann/json.hpp>
#include <string>

#include "gate/evaluate.h"

namespace mmgate::report {

nlohmann::json RankingJson(const gate::GateOutcome& o);
std::string RankingTerminal(const gate::GateOutcome& o);
std::string RankingMarkdown(const gate::GateOutcome& o);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_RANKING_H_
