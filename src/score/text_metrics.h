// Single-reference string and number metrics: exact, normalized_match, ANLS,
// relaxed accuracy and numeric. metrics.cc picks the best over references.
#ifndef MMGATE_SCORE_TEXT_METRICS_H_
#define MMGATE_SCORE_TEXT_METRICS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mmgate::score {

// Edit distance between code point sequences (unit costs).
size_t Levenshtein(std::u32string_view a, std::u32string_view b);

// exact: equality after trimming whitespace at both ends.
bool ExactMatch(std::string_view reference, std::string_view answer);

// normalized_match's normalization: lower-case, whitespace runs to one
// space, and the characters . , ; : ! ? " ' ` ( ) [ ] { } and typographic
// quotes stripped from both ends.
std::string LightNormalize(std::string_view text);

// DocVQA's ANLS for one reference: both strings trimmed, lower-cased and
// whitespace-collapsed; NL = edit distance / max(length); the score is 1 - NL
// when NL < threshold, else 0.
double AnlsScore(std::string_view reference, std::string_view answer,
                 double threshold);

// A number written as a whole string: "41.5", "-3", "1,234", "$12",
// "41.5%", "€ 3.50". nullopt when anything else is in the string.
struct ParsedNumber {
  double value = 0;
  bool percent = false;
};
std::optional<ParsedNumber> ParseNumber(std::string_view text);

// The first number in free text ("about 1,234.5 units" -> 1234.5). A '-' is
// a sign only when it does not follow a letter or digit ("COVID-19" -> 19).
std::optional<double> FirstNumber(std::string_view text);

// ChartQA's relaxed accuracy for one reference: when both strings are
// numbers, |answer - reference| / |reference| <= tolerance (a zero reference
// needs a zero answer; a percent sign on one side only may be read either as
// written or divided by 100); otherwise case-insensitive equality of the
// trimmed strings.
bool RelaxedMatch(std::string_view reference, std::string_view answer,
                  double tolerance);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_TEXT_METRICS_H_
