// Grounding (seed 003): does the evidence an answer cites appear in the
// input itself? The caller supplies the input's text (the OCR text of the
// image, the transcript of the audio, or the prompt for text items); each
// cited snippet is matched fuzzily, so OCR noise does not fail a true quote.
//
// Answer formats: a JSON object (bare or in a ``` fence) with an "evidence"
// array of strings (params.evidence_field renames it), else every quoted
// span ("...", “...”) of at least three characters.
#ifndef MMGATE_SCORE_GROUNDING_H_
#define MMGATE_SCORE_GROUNDING_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mmgate::score {

std::vector<std::string> CitedEvidence(std::string_view answer,
                                       const std::string& evidence_field);

// 1 - (edit distance of the snippet to its best-matching substring of the
// text) / snippet length, after lower-casing and turning punctuation into
// spaces (Sellers' approximate substring match, on code points). 1 = found
// verbatim; an empty snippet gives 0.
double FuzzyContainment(std::string_view snippet, std::string_view text);

struct GroundingCheck {
  bool grounded = false;
  int cited = 0;
  int found = 0;
  std::string detail;
};

// Grounded when the answer cites at least one snippet (or need not:
// `require_citation` false) and every cited snippet reaches `threshold`.
GroundingCheck CheckGrounding(std::string_view answer,
                              std::string_view input_text, double threshold,
                              bool require_citation,
                              const std::string& evidence_field);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_GROUNDING_H_
