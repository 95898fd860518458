// The English text normalizer applied before WER/CER, following the rules of
// OpenAI Whisper's EnglishTextNormalizer so that "Mr. Smith's twenty-five
// colours" and "mister smith is 25 colors" score as the same words. Every rule
// is listed, in order, in docs/normalizer.md.
#ifndef MMGATE_SCORE_ENGLISH_NORMALIZER_H_
#define MMGATE_SCORE_ENGLISH_NORMALIZER_H_

#include <string>
#include <string_view>

namespace mmgate::score {

// Returns the normalized text: lower-case words separated by single spaces,
// no leading or trailing space.
std::string NormalizeEnglishText(std::string_view text);

// The American spelling of a British-spelled word ("colour" -> "color"), or
// the word itself when the built-in list does not have it.
std::u32string_view AmericanSpelling(std::u32string_view word);

// Number of British -> American pairs in the built-in list.
size_t AmericanSpellingCount();

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_ENGLISH_NORMALIZER_H_
