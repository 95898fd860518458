// Small Unicode helpers for the text metrics. The project has no ICU, so the
// character classes and foldings below cover Latin, Greek and Cyrillic
// letters and the common punctuation and symbol blocks; other scripts pass
// through unchanged as letters (see docs/normalizer.md).
#ifndef MMGATE_SCORE_UNICODE_H_
#define MMGATE_SCORE_UNICODE_H_

#include <string>
#include <string_view>
#include <vector>

namespace mmgate::score {

// Invalid UTF-8 bytes decode to U+FFFD so that no input is ever rejected.
std::u32string DecodeUtf8(std::string_view s);
// Decodes the code point at byte offset *i and advances *i past it.
char32_t DecodeNext(std::string_view s, size_t* i);
std::string EncodeUtf8(std::u32string_view s);
void AppendUtf8(char32_t c, std::string* out);

// Simple (one to one) lower-casing for ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic.
char32_t ToLower(char32_t c);
std::u32string ToLower(std::u32string_view s);
std::string ToLowerUtf8(std::string_view s);

// Python's str.isspace() for the characters that occur in practice.
bool IsSpace(char32_t c);
inline bool IsAsciiDigit(char32_t c) { return c >= U'0' && c <= U'9'; }
inline bool IsAsciiLower(char32_t c) { return c >= U'a' && c <= U'z'; }
// Python's regex \w: letters, digits, marks and underscore.
bool IsWordChar(char32_t c);

// The first letter of the Unicode general category that matters here.
enum class CharCategory {
  kLetter,
  kNumber,
  kMark,
  kPunctuation,
  kSymbol,
  kSeparator,
  kOther
};
CharCategory Category(char32_t c);

// NFKD decomposition restricted to what matters for matching text: letters
// with diacritics become base letter plus combining mark, compatibility forms
// (full-width, ligatures, superscripts, vulgar fractions) their plain form.
// Appends that decomposition of c to out, leaving out combining marks (which
// is all the normalizers need).
void AppendNfkdWithoutMarks(char32_t c, std::u32string* out);

// Splits on runs of IsSpace characters, dropping empty pieces.
std::vector<std::u32string> SplitWhitespace(std::u32string_view s);
std::vector<std::string> SplitWhitespace(std::string_view s);

// Trims IsSpace characters at both ends.
std::string_view TrimWhitespace(std::string_view s);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_UNICODE_H_
