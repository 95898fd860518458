// Code hallucination (seed 002): identifiers a code answer uses that exist
// in neither the prompt nor the provided context (an API method, a variable
// or a module the model made up). Language keywords and a short list of
// common builtins are always allowed; suites add their own with
// params.code_allow.
#ifndef MMGATE_SCORE_CODE_GROUNDING_H_
#define MMGATE_SCORE_CODE_GROUNDING_H_

#include <string>
#include <string_view>
#include <vector>

namespace mmgate::score {

// The code of an answer: its ``` fences joined, else the whole answer.
std::string CodeOf(std::string_view answer);

// Identifiers of `code` (string literals and # or // comments skipped),
// each once, in first-seen order, that are not keywords or builtins, not in
// `allowed`, and not a word of `prompt` or of any `context` text.
std::vector<std::string> InventedIdentifiers(
    std::string_view code, std::string_view prompt,
    const std::vector<std::string>& context,
    const std::vector<std::string>& allowed);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_CODE_GROUNDING_H_
