// Per-item WER and CER: normalize (optionally), tokenize into words or
// characters, align with sclite's weights (or the minimum edit distance).
#ifndef MMGATE_SCORE_ERROR_RATE_H_
#define MMGATE_SCORE_ERROR_RATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "score/align.h"

namespace mmgate::score {

enum class Alignment { kSclite, kLevenshtein };

struct ErrorRateOptions {
  bool characters = false;  // CER instead of WER
  bool normalize = true;  // the English normalizer; off: raw tokens, case kept
  Alignment alignment = Alignment::kSclite;
  // CER only: spaces between words count as characters. Off by default, as
  // sclite -c splits words into characters and drops the spaces.
  bool count_spaces = false;
};

struct ErrorRate {
  EditCounts counts;       // sclite's split (all zero with kLevenshtein)
  int64_t errors = 0;      // errors under the chosen alignment
  int64_t ref_length = 0;  // reference words or characters
  // The first errors along sclite's alignment, as "ref->hyp", "-ref" or
  // "+hyp" (at most kErrorsShown; none with kLevenshtein).
  std::vector<std::string> first_errors;
};
constexpr size_t kErrorsShown = 3;

// The tokens scored: normalized words, or their characters.
std::vector<std::u32string> ErrorRateTokens(std::string_view text,
                                            const ErrorRateOptions& options);

ErrorRate ComputeErrorRate(std::string_view reference, std::string_view answer,
                           const ErrorRateOptions& options);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_ERROR_RATE_H_
