// Detects answers that abstain ("cannot determine from the input"). A phrase
// list decides; suites override it with params["abstain_phrases"]. JSON
// answers can abstain through a boolean field named by
// params["abstain_field"] (e.g. {"answer": null, "abstain": true}).
#ifndef MMGATE_SCORE_ABSTENTION_H_
#define MMGATE_SCORE_ABSTENTION_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mmgate::score {

const std::vector<std::string>& DefaultAbstainPhrases();

// params["abstain_phrases"] (an array of strings) when present, else the
// default list.
Result<std::vector<std::string>> AbstainPhrases(const nlohmann::json& params);

// True when the answer contains one of the phrases as whole words, ignoring
// case, punctuation and the apostrophe style. An empty answer does not
// abstain: it is a failure to answer, not a statement that the input lacks
// the answer.
bool Abstains(std::string_view answer, const std::vector<std::string>& phrases);

// A phrase list canonicalised once, so that matching many answers (the gate
// reads every stored answer of a run) canonicalises only the answers.
// Immutable after construction; safe to share between threads.
class PhraseMatcher {
 public:
  PhraseMatcher(const std::vector<std::string>& phrases);  // NOLINT: implicit
  // As Abstains(answer, phrases) above.
  bool Match(std::string_view answer) const;

 private:
  std::vector<std::u32string> canonical_;
};

struct AbstainRule {
  PhraseMatcher phrases;
  std::string field;  // empty: phrases only
};
// params.abstain_phrases and params.abstain_field (a string).
Result<AbstainRule> ParseAbstainRule(const nlohmann::json& params);
// A JSON object answer (bare or fenced) holding `field` decides by that
// field's truth (true, "true", "yes", 1); any other answer by the phrases.
bool Abstains(std::string_view answer, const AbstainRule& rule);

// The JSON object of a structured answer (bare or in a ``` fence), if any.
std::optional<nlohmann::json> JsonAnswer(std::string_view answer);

// The text to score: params.answer_field's string value when the answer is
// a JSON object holding it ({"answer": "41.5", "evidence": [...]}), else the
// answer as given.
std::string AnswerText(const std::string& answer, const nlohmann::json& params);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_ABSTENTION_H_
