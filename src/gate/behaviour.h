// Per-suite abstention and hallucination summary (gate.h's Behaviour), from
// the stored answers and behaviour scores of one run.
#ifndef MMGATE_GATE_BEHAVIOUR_H_
#define MMGATE_GATE_BEHAVIOUR_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "gate/gate.h"
#include "store/store.h"

namespace mmgate::gate {

// `params` is the suite's params (abstain_phrases, abstain_field). Invalid
// params fall back to the default phrases: the runner already reported them.
Behaviour Summarize(const std::vector<const store::ItemResult*>& items,
                    const nlohmann::json& params);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_BEHAVIOUR_H_
