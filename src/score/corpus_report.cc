#include "score/corpus_report.h"

#include <fmt/format.h>

#include <algorithm>

namespace mmgate::score {
namespace {

constexpr size_t kMissingIdsShown = 20;

const char* RateName(TrnUnit unit) {
  return unit == TrnUnit::kWord ? "WER" : "CER";
}
const char* TokenName(TrnUnit unit) {
  return unit == TrnUnit::kWord ? "words" : "chars";
}

std::string Row(std::string_view label, int64_t utts, int64_t tokens,
                const EditCounts& c, int64_t sentence_errors) {
  return fmt::format(
      "| {:<8} | {:>7} {:>9} | {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} |\n", label,
      utts, tokens, c.correct, c.substitutions, c.deletions, c.insertions,
      c.errors(), sentence_errors);
}

}  // namespace

ShownTotals Totals(const CorpusResult& r, bool sclite_view) {
  ShownTotals t{r.utterances, r.ref_tokens, r.counts, r.utterances_with_errors,
                r.min_edit_errors};
  if (!sclite_view) {
    const auto missing = static_cast<int64_t>(r.missing_ids.size());
    t.utterances += missing;
    t.ref_tokens += r.missing_ref_tokens;
    t.counts.deletions += r.missing_ref_tokens;
    t.min_edit_errors += r.missing_ref_tokens;
    // An utterance with no hypothesis is wrong unless it has no words.
    t.utterances_with_errors += r.missing_ref_tokens > 0 ? missing : 0;
  }
  return t;
}

double ErrorRateOf(int64_t errors, int64_t ref_tokens) {
  return static_cast<double>(errors) /
         static_cast<double>(std::max<int64_t>(ref_tokens, 1));
}

std::string FormatCorpusReport(const CorpusResult& r,
                               const CorpusReportOptions& o) {
  const ShownTotals t = Totals(r, o.sclite_view);
  const char* rate = RateName(o.unit);
  std::string out = fmt::format("{}: {} (reference) vs {} (hypothesis)\n", rate,
                                o.ref_name, o.hyp_name);
  out += fmt::format(
      "alignment: sclite's (weights: correct 0, substitution 4, deletion 3, "
      "insertion 3){}\n\n",
      o.unit == TrnUnit::kChar ? ", characters of words as sclite -c" : "");
  const std::string rule(90, '-');
  out += rule + "\n";
  out += fmt::format(
      "| {:<8} | {:>7} {:>9} | {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} |\n",
      o.sclite_view ? "SPKR" : "", "# Snt",
      fmt::format("# {}", TokenName(o.unit)), "Corr", "Sub", "Del", "Ins",
      "Err", "S.Err");
  out += rule + "\n";
  if (o.sclite_view) {
    for (const SpeakerTotals& s : r.speakers) {
      out += Row(s.speaker, s.utterances, s.ref_tokens, s.counts,
                 s.utterances_with_errors);
    }
    out += rule + "\n";
  }
  out += Row("Sum", t.utterances, t.ref_tokens, t.counts,
             t.utterances_with_errors);
  out += rule + "\n";
  out += fmt::format("{} = {} errors / {} reference {} = {:.2f}%\n", rate,
                     t.counts.errors(), t.ref_tokens, TokenName(o.unit),
                     100 * ErrorRateOf(t.counts.errors(), t.ref_tokens));
  if (r.utterances_above_min_edit > 0) {
    out += fmt::format(
        "minimum edit distance: {} errors ({} {:.2f}%); sclite's weighted "
        "alignment counts more "
        "errors than the minimum on {} utterance(s)\n",
        t.min_edit_errors, rate,
        100 * ErrorRateOf(t.min_edit_errors, t.ref_tokens),
        r.utterances_above_min_edit);
  } else {
    out += "minimum edit distance: the same error count on every utterance\n";
  }
  if (!r.missing_ids.empty()) {
    out += fmt::format(
        "missing from the hypothesis: {} utterance(s), {} reference {} {}:",
        r.missing_ids.size(), r.missing_ref_tokens, TokenName(o.unit),
        o.sclite_view ? "(left out above, as sclite does)"
                      : "(counted above as deletions)");
    for (size_t i = 0; i < std::min(r.missing_ids.size(), kMissingIdsShown);
         ++i) {
      out += " " + r.missing_ids[i];
    }
    if (r.missing_ids.size() > kMissingIdsShown) out += " ...";
    out += "\n";
  }
  return out;
}

nlohmann::json CorpusReportJson(const CorpusResult& r,
                                const CorpusReportOptions& o) {
  const ShownTotals t = Totals(r, o.sclite_view);
  nlohmann::json j;
  j["metric"] = o.unit == TrnUnit::kWord ? "wer" : "cer";
  j["ref"] = o.ref_name;
  j["hyp"] = o.hyp_name;
  j["alignment"] = "sclite";
  j["view"] = o.sclite_view ? "sclite" : "default";
  j["utterances"] = t.utterances;
  j["ref_tokens"] = t.ref_tokens;
  j["correct"] = t.counts.correct;
  j["substitutions"] = t.counts.substitutions;
  j["deletions"] = t.counts.deletions;
  j["insertions"] = t.counts.insertions;
  j["errors"] = t.counts.errors();
  j["sentence_errors"] = t.utterances_with_errors;
  j["rate"] = ErrorRateOf(t.counts.errors(), t.ref_tokens);
  j["min_edit_errors"] = t.min_edit_errors;
  j["min_edit_rate"] = ErrorRateOf(t.min_edit_errors, t.ref_tokens);
  j["utterances_above_min_edit"] = r.utterances_above_min_edit;
  j["missing"] = {{"utterances", r.missing_ids.size()},
                  {"ref_tokens", r.missing_ref_tokens},
                  {"counted_as_deletions", !o.sclite_view},
                  {"ids", r.missing_ids}};
  if (o.sclite_view) {
    nlohmann::json speakers = nlohmann::json::array();
    for (const SpeakerTotals& s : r.speakers) {
      speakers.push_back({{"speaker", s.speaker},
                          {"utterances", s.utterances},
                          {"ref_tokens", s.ref_tokens},
                          {"correct", s.counts.correct},
                          {"substitutions", s.counts.substitutions},
                          {"deletions", s.counts.deletions},
                          {"insertions", s.counts.insertions},
                          {"errors", s.counts.errors()},
                          {"sentence_errors", s.utterances_with_errors}});
    }
    j["speakers"] = std::move(speakers);
  }
  return j;
}

}  // namespace mmgate::score
