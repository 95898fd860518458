// Per-suite abstention and hallucination summary (gate.h's Behaviour), from
// the stored answers and behaviour scores of one run.
#ifndef MMGATE_GATE_BEHAVIOUR_H_
#define MMGATE_GATE_BEHAVIOUR_H_

#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gate/gate.h"
#include "score/abstention.h"
#include "store/gate_run.h"

namespace mmgate::gate {

// How one answered item behaved (items without an answer are not counted).
struct ItemBehaviour {
  bool counted = false;         // the item has an answer
  bool expect_abstain = false;  // `expect: abstain`
  bool abstains = false;        // the answer abstains
  // Answered an unanswerable item, or failed code_grounding or grounding
  // with a confident answer.
  bool hallucinated = false;
};

// The suite's abstention rule from its params (abstain_phrases,
// abstain_field); invalid params fall back to the default phrases.
score::AbstainRule AbstainRuleOf(const nlohmann::json& params);

// score::Abstains under one rule, remembered per distinct answer text: runs
// repeat their answers, and canonicalising each again was most of the
// summary's cost. Holds views of the answers, which must outlive it. Not
// thread-safe: one per loop.
class AbstainMemo {
 public:
  explicit AbstainMemo(score::AbstainRule rule) : rule_(std::move(rule)) {}
  bool Abstains(std::string_view answer);

 private:
  score::AbstainRule rule_;
  std::unordered_map<std::string_view, bool> seen_;
};

ItemBehaviour Classify(const store::GateItem& r, AbstainMemo* memo);

// `params` is the suite's params (abstain_phrases, abstain_field). Invalid
// params fall back to the default phrases: the runner already reported them.
Behaviour Summarize(const std::vector<const store::GateItem*>& items,
                    const nlohmann::json& params);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_BEHAVIOUR_H_
