#include "gate/behaviour.h"

#include "score/abstention.h"

namespace mmgate::gate {
namespace {

// 1 / 0 for a stored binary score, -1 when the item was not scored with it.
int Score(const store::ItemResult& r, const char* metric) {
  auto it = r.scores.find(metric);
  if (it == r.scores.end()) return -1;
  return it->second.value >= 0.5 ? 1 : 0;
}

}  // namespace

score::AbstainRule AbstainRuleOf(const nlohmann::json& params) {
  auto parsed = score::ParseAbstainRule(params);
  return parsed.ok() ? *parsed
                     : score::AbstainRule{score::DefaultAbstainPhrases(), ""};
}

ItemBehaviour Classify(const store::ItemResult& r,
                       const score::AbstainRule& rule) {
  ItemBehaviour b;
  if (!r.response || !r.response->answer) return b;
  b.counted = true;
  b.abstains = score::Abstains(*r.response->answer, rule);
  b.expect_abstain = r.item.expect == "abstain";
  b.hallucinated = b.expect_abstain && !b.abstains;
  if (const int g = Score(r, "grounding"); g >= 0)
    b.hallucinated |= g == 0 && !b.abstains;
  if (const int c = Score(r, "code_grounding"); c >= 0)
    b.hallucinated |= c == 0;
  return b;
}

Behaviour Summarize(const std::vector<const store::ItemResult*>& items,
                    const nlohmann::json& params) {
  const score::AbstainRule rule = AbstainRuleOf(params);
  Behaviour b;
  for (const store::ItemResult* r : items) {
    const ItemBehaviour ib = Classify(*r, rule);
    if (!ib.counted) continue;
    if (ib.expect_abstain) {
      ++b.abstain_items;
      b.hallucinated += !ib.abstains;
    } else {
      ++b.answerable_items;
      b.over_refused += ib.abstains;
    }
    if (const int g = Score(*r, "grounding"); g >= 0) {
      ++b.grounding_items;
      b.ungrounded += g == 0;
    }
    if (const int c = Score(*r, "conflict"); c >= 0) {
      ++b.conflict_items;
      b.conflict_failed += c == 0;
    }
    if (const int c = Score(*r, "code_grounding"); c >= 0) {
      ++b.code_items;
      b.code_hallucinated += c == 0;
    }
    for (const auto& [k, v] : r->item.slices) {
      if (k != "hallucination_type") continue;
      auto& [n, h] = b.types[v];
      ++n;
      h += ib.hallucinated;
    }
  }
  return b;
}

}  // namespace mmgate::gate
