// mmgate score wer|cer --ref REF.trn --hyp HYP.trn [--sclite] [--json]:
// standalone scoring of sclite trn transcripts.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "project.h"
#include "score/corpus.h"
#include "score/corpus_report.h"

namespace mmgate::cli {
namespace {

struct ScoreFlags {
  std::string metric;
  std::string ref;
  std::string hyp;
  bool sclite = false;
  bool json = false;
  bool case_sensitive = false;
  int threads = 0;
};

int ScoreCommand(const ScoreFlags& f) {
  score::CorpusOptions options;
  options.unit =
      f.metric == "cer" ? score::TrnUnit::kChar : score::TrnUnit::kWord;
  options.case_sensitive = f.case_sensitive;
  options.threads = f.threads;
  Result<score::CorpusResult> result =
      score::ScoreTrnFiles(f.ref, f.hyp, options);
  if (!result.ok()) {
    std::fprintf(stderr, "mmgate score: %s\n",
                 TerminalSafe(result.status().message()).c_str());
    return kExitUsage;
  }
  score::CorpusReportOptions report;
  report.unit = options.unit;
  report.sclite_view = f.sclite;
  report.ref_name = f.ref;
  report.hyp_name = f.hyp;
  if (f.json) {
    std::printf("%s\n",
                score::CorpusReportJson(*result, report).dump(2).c_str());
  } else {
    // Speaker and utterance ids come from the transcripts.
    std::fputs(TerminalSafe(score::FormatCorpusReport(*result, report)).c_str(),
               stdout);
  }
  return kExitOk;
}

}  // namespace

void AddScoreCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<ScoreFlags>();
  sub->add_option("metric", f->metric,
                  "wer (words) or cer (characters, as sclite -c)")
      ->required()
      ->check(CLI::IsMember({"wer", "cer"}));
  sub->add_option("--ref", f->ref,
                  "reference transcripts, sclite trn: 'words (utt_id)' lines")
      ->required();
  sub->add_option("--hyp", f->hyp, "hypothesis transcripts, same format")
      ->required();
  sub->add_flag("--sclite", f->sclite,
                "sclite's view: leave out utterances missing from --hyp (they "
                "are listed) and "
                "show sclite's per-speaker table");
  sub->add_flag("--json", f->json, "print one JSON object");
  sub->add_flag("--case-sensitive", f->case_sensitive,
                "compare words with case (sclite -s); the default folds ASCII "
                "case as sclite does");
  sub->add_option("--threads", f->threads,
                  "alignment threads (0: one per core)")
      ->capture_default_str();
  sub->callback([f, exit_code] { *exit_code = ScoreCommand(*f); });
}

}  // namespace mmgate::cli
