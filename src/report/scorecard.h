// The production scorecard: for the baseline and every candidate, seed 002's
// dimensions side by side, per suite (one modality each) and never pooled
// into one number — the score per modality, degradation per perturbation
// kind (the worst level), hallucination and over-refusal, tail latency
// (p50/p95/p99 of the stored per-item latencies) and the run's throughput,
// cost per query and per correct answer, integration friction (first-pass
// schema validity, retries per item, prompt template hashes and how many
// items changed template against the baseline) and SLO fit.
//
// JSON ("scorecard" in the HTML report's data): {"runs": [{"role":
// "baseline" | "candidate", "run", "model", "throughput_items_per_s" |
// null, "slo": {"met", "missed", "inconclusive", "no_data"}, "suites":
// [{"suite", "modality", "metric", "higher_is_better", "score", "latency":
// {"n", "p50", "p95", "p99"}, "cost_per_query", "cost_per_correct",
// "hallucination_rate", "over_refusal_rate", "schema_valid_rate",
// "retries_per_item", "template_hashes", "template_changes",
// "degradation": {KIND: worst relative loss}}]}]}; a figure nothing
// measures is null.
#ifndef MMGATE_REPORT_SCORECARD_H_
#define MMGATE_REPORT_SCORECARD_H_

#include <nlohmann/json.hpp>
#include <string>

#include "gate/evaluate.h"

namespace mmgate::report {

nlohmann::json ScorecardJson(const gate::Evaluation& e);
std::string ScorecardTerminal(const gate::Evaluation& e);
std::string ScorecardMarkdown(const gate::Evaluation& e);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_SCORECARD_H_
