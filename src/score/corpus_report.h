// Human and JSON reports of a CorpusResult, for `mmgate score wer|cer`.
//
// Default view: utterances missing from the hypothesis count as deletions of
// all their reference words, and the minimum edit distance is shown next to
// sclite's count. sclite view (--sclite): exactly sclite's numbers, which
// leave missing utterances out, with its per-speaker table.
#ifndef MMGATE_SCORE_CORPUS_REPORT_H_
#define MMGATE_SCORE_CORPUS_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "score/corpus.h"

namespace mmgate::score {

struct CorpusReportOptions {
  TrnUnit unit = TrnUnit::kWord;
  bool sclite_view = false;
  std::string ref_name;
  std::string hyp_name;
};

// Totals as shown: sclite's, or with missing utterances added as deletions.
struct ShownTotals {
  int64_t utterances = 0;
  int64_t ref_tokens = 0;
  EditCounts counts;
  int64_t utterances_with_errors = 0;
  int64_t min_edit_errors = 0;
};
ShownTotals Totals(const CorpusResult& r, bool sclite_view);

// errors / reference tokens; 0 when both are 0, and errors per token with
// an empty reference counted as one token.
double ErrorRateOf(int64_t errors, int64_t ref_tokens);

std::string FormatCorpusReport(const CorpusResult& r,
                               const CorpusReportOptions& options);
nlohmann::json CorpusReportJson(const CorpusResult& r,
                                const CorpusReportOptions& options);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_CORPUS_REPORT_H_
