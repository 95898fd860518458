// Corpus WER/CER of a reference and a hypothesis trn file, as `sctk sclite`
// computes it: utterances paired by id, words (or characters, as `sclite -c`)
// compared ignoring ASCII case unless asked, aligned with sclite's weights.
//
// Built for size: files are streamed through one buffer each, words are
// interned to integer ids (no allocation per word), both files are parsed at
// the same time, and utterances are aligned in parallel with reused DP rows
// (src/score/README.md, "Speed").
#ifndef MMGATE_SCORE_CORPUS_H_
#define MMGATE_SCORE_CORPUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "score/align.h"

namespace mmgate::score {

enum class TrnUnit { kWord, kChar };

struct CorpusOptions {
  TrnUnit unit = TrnUnit::kWord;
  bool case_sensitive = false;  // sclite folds case unless run with -s
  int threads = 0;              // 0: one per hardware thread
};

struct SpeakerTotals {
  std::string speaker;
  int64_t utterances = 0;
  int64_t ref_tokens = 0;
  EditCounts counts;
  int64_t utterances_with_errors = 0;
};

// Totals over the utterances present in both files (what sclite reports),
// and, separately, the reference utterances the hypothesis lacks.
struct CorpusResult {
  int64_t utterances = 0;
  int64_t ref_tokens = 0;
  EditCounts counts;  // along sclite's alignments
  int64_t utterances_with_errors = 0;
  int64_t min_edit_errors = 0;
  // Utterances where sclite's weighted alignment counts more errors than the
  // minimum edit distance.
  int64_t utterances_above_min_edit = 0;
  std::vector<std::string> missing_ids;  // in reference file order
  int64_t missing_ref_tokens = 0;
  std::vector<SpeakerTotals> speakers;  // TrnSpeaker groups, first-seen order
};

// Input errors (malformed lines, duplicate ids, a hypothesis id that is not
// in the reference) name the file and line.
Result<CorpusResult> ScoreTrnTexts(std::string ref_text,
                                   std::string_view ref_name,
                                   std::string hyp_text,
                                   std::string_view hyp_name,
                                   const CorpusOptions& options);
Result<CorpusResult> ScoreTrnFiles(const std::string& ref_path,
                                   const std::string& hyp_path,
                                   const CorpusOptions& options);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_CORPUS_H_
