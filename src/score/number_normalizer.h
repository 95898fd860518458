// Spelled-out English numbers to digits, following the rules of OpenAI
// Whisper's EnglishNumberNormalizer ("twenty five" -> "25", "one hundred and
// two" -> "102", "five percent" -> "5%", "two dollars and seventy cents" ->
// "$2.70"). The rules are listed in docs/normalizer.md.
#ifndef MMGATE_SCORE_NUMBER_NORMALIZER_H_
#define MMGATE_SCORE_NUMBER_NORMALIZER_H_

#include <string>
#include <string_view>

namespace mmgate::score {

// `text` is lower-case; words are separated by whitespace. Returns the words
// joined by single spaces.
std::u32string NormalizeEnglishNumbers(std::u32string_view text);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_NUMBER_NORMALIZER_H_
