// The per-suite abstention, hallucination, grounding and conflict summary
// (gate.h's Behaviour) in the verdict outputs.
//
// JSON, under each suite of the verdict JSON as "behaviour":
//   {"baseline": B, "candidate": B} with B =
//   {"abstain_items": 5, "hallucinated": 2, "hallucination_rate": 0.4 | null,
//    "answerable_items": 40, "over_refused": 1, "over_refusal_rate": 0.025,
//    "hallucination_types": {"object": {"n": 3, "hallucinated": 1, "rate":
//    0.33}}, "grounding": {"n": 6, "ungrounded": 2, "ungrounded_rate": 0.33},
//    "conflict": {"n": 4, "failed": 1, "failure_rate": 0.25},
//    "code": {"n": 3, "hallucinated": 1, "rate": 0.33}}
// A rate is null when its denominator is 0.
#ifndef MMGATE_REPORT_BEHAVIOUR_H_
#define MMGATE_REPORT_BEHAVIOUR_H_

#include <nlohmann/json.hpp>
#include <string>

#include "gate/gate.h"

namespace mmgate::report {

nlohmann::json BehaviourJson(const gate::Behaviour& b);
// Lines for the terminal and Markdown; empty when the suite has no
// abstention, grounding, conflict or code items.
std::string BehaviourTerminal(const gate::SuiteVerdict& v);
std::string BehaviourMarkdown(const gate::SuiteVerdict& v);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_BEHAVIOUR_H_
