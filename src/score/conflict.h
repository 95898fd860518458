// Conflicting inputs (seed 003): the image shows one value and the text (a
// caption, the question) another. A precedence policy says which should
// win, or that the answer must surface the conflict; an answer that blends
// the two (a number between them) never follows any policy.
//
// Items declare the conflict as {"conflict": {"image": "41.5", "text": "45"}}
// (optionally "policy"); suites set params.conflict_policy.
#ifndef MMGATE_SCORE_CONFLICT_H_
#define MMGATE_SCORE_CONFLICT_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::score {

enum class ConflictPolicy { kImageWins, kTextWins, kSurface };
// "image_wins" | "text_wins" | "surface".
Result<ConflictPolicy> ParseConflictPolicy(std::string_view name);
std::string_view ConflictPolicyName(ConflictPolicy p);

struct ConflictCheck {
  bool followed = false;
  bool mentions_image = false;
  bool mentions_text = false;
  bool names_conflict =
      false;             // "conflict", "contradicts", "does not match"...
  bool blended = false;  // a number strictly between the two values
  std::string detail;
};

// Numbers compare within `tolerance` (relative); other values as whole words,
// ignoring case and punctuation.
ConflictCheck CheckConflict(std::string_view answer, std::string_view image,
                            std::string_view text, ConflictPolicy policy,
                            double tolerance);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_CONFLICT_H_
