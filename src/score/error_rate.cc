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
  } else {
    rate.errors = aligned.min_edit_errors;
  }
  return rate;
}

}  // namespace mmgate::score
