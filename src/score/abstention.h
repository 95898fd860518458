// Detects answers that abstain ("cannot determine from the input"). A phrase
// list decides; suites override it with params["abstain_phrases"].
#ifndef MMGATE_SCORE_ABSTENTION_H_
#define MMGATE_SCORE_ABSTENTION_H_

#include <nlohmann/json.hpp>
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

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_ABSTENTION_H_
