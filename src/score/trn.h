// sclite `trn` transcripts: one utterance per line, "words words (utt_id)".
// Blank lines are skipped; every other line must end with a parenthesised,
// non-empty id. sclite's alternations ("{ a / b }") are not supported and
// are reported as errors rather than scored as words.
#ifndef MMGATE_SCORE_TRN_H_
#define MMGATE_SCORE_TRN_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mmgate::score {

struct TrnUtterance {
  std::string id;
  std::vector<std::string> words;
  int line = 0;  // 1-based line in the file (0: not read from a file)
};

// One line split into its words part and id. `line` has no '\n'. The error
// message has no location; callers add "file:line".
struct TrnLine {
  std::string_view words;
  std::string_view id;
};
Result<TrnLine> SplitTrnLine(std::string_view line);

// True for the characters sclite splits words on.
inline bool IsTrnSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Errors name `source` and the line.
Result<std::vector<TrnUtterance>> ParseTrn(std::string_view text,
                                           std::string_view source);
Result<std::vector<TrnUtterance>> ReadTrn(const std::string& path);

std::string FormatTrn(std::span<const TrnUtterance> utterances);
Status WriteTrn(const std::string& path,
                std::span<const TrnUtterance> utterances);

// The speaker of an utterance id as `sclite -i rm` groups it: the part before
// the first '_' or '-' ("spk1_u7" -> "spk1"); empty when there is none.
std::string_view TrnSpeaker(std::string_view id);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_TRN_H_
