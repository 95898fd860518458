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

Behaviour Summarize(const std::vector<const store::ItemResult*>& items,
                    const nlohmann::json& params) {
  auto parsed = score::ParseAbstainRule(params);
  const score::AbstainRule rule =
      parsed.ok() ? *parsed
                  : score::AbstainRule{score::DefaultAbstainPhrases(), ""};
  Behaviour b;
  for (const store::ItemResult* r : items) {
    if (!r->response || !r->response->answer) continue;
    const bool abstains = score::Abstains(*r->response->answer, rule);
    const bool expect_abstain = r->item.expect == "abstain";
    bool hallucinated = false;
    if (expect_abstain) {
      ++b.abstain_items;
      hallucinated = !abstains;
      b.hallucinated += hallucinated;
    } else {
      ++b.answerable_items;
      b.over_refused += abstains;
    }
    if (const int g = Score(*r, "grounding"); g >= 0) {
      ++b.grounding_items;
      b.ungrounded += g == 0;
      hallucinated |= g == 0 && !abstains;
    }
    if (const int c = Score(*r, "conflict"); c >= 0) {
      ++b.conflict_items;
      b.conflict_failed += c == 0;
    }
    if (const int c = Score(*r, "code_grounding"); c >= 0) {
      ++b.code_items;
      b.code_hallucinated += c == 0;
      hallucinated |= c == 0;
    }
    for (const auto& [k, v] : r->item.slices) {
      if (k != "hallucination_type") continue;
      auto& [n, h] = b.types[v];
      ++n;
      h += hallucinated;
    }
  }
  return b;
}

}  // namespace mmgate::gate
