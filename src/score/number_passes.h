// The text passes around Whisper's number word pass: before it, "and a
// half" / "half a million" rewriting and splitting letters from digits;
// after it, cents and currency combined and a lone 1 written "one".
#ifndef MMGATE_SCORE_NUMBER_PASSES_H_
#define MMGATE_SCORE_NUMBER_PASSES_H_

#include <string>
#include <string_view>

namespace mmgate::score {

std::u32string PreprocessNumbers(std::u32string_view text);
std::u32string PostprocessNumbers(std::u32string_view text);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_NUMBER_PASSES_H_
