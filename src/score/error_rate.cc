#include "score/error_rate.h"

#include <unordered_map>

#include "score/english_normalizer.h"
#include "score/unicode.h"

namespace mmgate::score {

std::vector<std::u32string> ErrorRateTokens(std::string_view text,
                                            const ErrorRateOptions& options) {
  const std::string normalized =
      options.normalize ? NormalizeEnglishText(text) : std::string(text);
  std::vector<std::u32string> words = SplitWhitespace(DecodeUtf8(normalized));
  if (!options.characters) return words;
  std::vector<std::u32string> chars;
  for (size_t w = 0; w < words.size(); ++w) {
    if (w > 0 && options.count_spaces) chars.emplace_back(U" ");
    for (char32_t c : words[w]) chars.emplace_back(1, c);
  }
  return chars;
}

ErrorRate ComputeErrorRate(std::string_view reference, std::string_view answer,
                           const ErrorRateOptions& options) {
  const std::vector<std::u32string> ref = ErrorRateTokens(reference, options);
  const std::vector<std::u32string> hyp = ErrorRateTokens(answer, options);
  std::unordered_map<std::u32string, uint32_t> ids;
  auto intern = [&](const std::vector<std::u32string>& tokens) {
    std::vector<uint32_t> out;
    out.reserve(tokens.size());
    for (const std::u32string& t : tokens) {
      out.push_back(
          ids.emplace(t, static_cast<uint32_t>(ids.size())).first->second);
    }
    return out;
  };
  const std::vector<uint32_t> ref_ids = intern(ref);
  const std::vector<uint32_t> hyp_ids = intern(hyp);
  Aligner aligner;
  const AlignmentResult aligned = aligner.Align(ref_ids, hyp_ids);
  ErrorRate rate;
  rate.ref_length = static_cast<int64_t>(ref.size());
  if (options.alignment == Alignment::kSclite) {
    rate.counts = aligned.sclite;
    rate.errors = aligned.sclite.errors();
    if (rate.errors > 0) {
      size_t a = 0;
      size_t b = 0;
      for (EditOp op : SclitePath(ref_ids, hyp_ids)) {
        if (rate.first_errors.size() == kErrorsShown) break;
        switch (op) {
          case EditOp::kCorrect:
            break;
          case EditOp::kSubstitution:
            rate.first_errors.push_back(EncodeUtf8(ref[a]) + "->" +
                                        EncodeUtf8(hyp[b]));
            break;
          case EditOp::kDeletion:
            rate.first_errors.push_back("-" + EncodeUtf8(ref[a]));
            break;
          case EditOp::kInsertion:
            rate.first_errors.push_back("+" + EncodeUtf8(hyp[b]));
            break;
        }
        a += op != EditOp::kInsertion;
        b += op != EditOp::kDeletion;
      }
    }
  } else {
    rate.errors = aligned.min_edit_errors;
  }
  return rate;
}

}  // namespace mmgate::score
