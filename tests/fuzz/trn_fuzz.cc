// libFuzzer target: sclite trn text through the utterance parser and the
// corpus scorer's loader (score/trn.h, score/corpus.h). The input is split at
// its first NUL byte (or in half) into a reference and a hypothesis.
#include <string>
#include <string_view>

#include "score/corpus.h"
#include "score/trn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)mmgate::score::ParseTrn(in, "in.trn");
  size_t cut = in.find('\0');
  if (cut == std::string_view::npos) cut = in.size() / 2;
  const std::string ref(in.substr(0, cut));
  const std::string hyp(in.substr(cut == in.size() ? cut : cut + 1));
  for (auto unit :
       {mmgate::score::TrnUnit::kWord, mmgate::score::TrnUnit::kChar}) {
    mmgate::score::CorpusOptions options;
    options.unit = unit;
    (void)mmgate::score::ScoreTrnTexts(ref, "ref.trn", hyp, "hyp.trn", options);
  }
  return 0;
}
