#include "gate/behaviour.h"

#include "score/abstention.h"

namespace mmgate::gate {
namespace {

// 1 / 0 for a stored binary score, -1 when the item was not scored with it.
int Score(const store::GateItem& r, std::string_view metric) {
  const store::GateScore* s = r.Score(metric);
  if (s == nullptr) return -1;
  return s->value >= 0.5 ? 1 : 0;
}

}  // namespace

score::AbstainRule AbstainRuleOf(const nlohmann::json& params) {
  auto parsed = score::ParseAbstainRule(params);
  return parsed.ok() ? *parsed
                     : score::AbstainRule{score::DefaultAbstainPhrases(), ""};
}

bool AbstainMemo::Abstains(std::string_view answer) {
  if (auto it = seen_.find(answer); it != seen_.end()) return it->second;
  const bool abstains = score::Abstains(answer, rule_);
  seen_.emplace(answer, abstains);
  return abstains;
}

namespace {

// The behaviour of an answered item that does or does not abstain.
ItemBehaviour Answered(const store::GateItem& r, bool abstains) {
  ItemBehaviour b;
  b.counted = true;
  b.abstains = abstains;
  b.expect_abstain = r.expect == "abstain";
  b.hallucinated = b.expect_abstain && !b.abstains;
  if (const int g = Score(r, "grounding"); g >= 0)
    b.hallucinated |= g == 0 && !b.abstains;
  if (const int c = Score(r, "code_grounding"); c >= 0)
    b.hallucinated |= c == 0;
  return b;
}

}  // namespace

ItemBehaviour Classify(const store::GateItem& r, AbstainMemo* memo) {
  if (!r.has_response || !r.has_answer) return {};
  return Answered(r, memo->Abstains(r.answer));
}

Behaviour Summarize(const std::vector<const store::GateItem*>& items,
                    const nlohmann::json& params) {
  AbstainMemo memo(AbstainRuleOf(params));
  Behaviour b;
  for (const store::GateItem* r : items) {
    const ItemBehaviour ib = Classify(*r, &memo);
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
    for (const store::GateSlice& s : r->slices) {
      if (s.key != "hallucination_type") continue;
      auto& [n, h] = b.types[std::string(s.value)];
      ++n;
      h += ib.hallucinated;
    }
  }
  return b;
}

}  // namespace mmgate::gate
