#include "score/abstention.h"

#include "score/unicode.h"

namespace mmgate::score {
namespace {

// Lower-case words separated by single spaces, with a space at both ends so
// that phrases match whole words only. Apostrophes inside words are kept
// ("don't"); quotes around words are not.
std::u32string Canonical(std::string_view text) {
  std::u32string s = ToLower(DecodeUtf8(text));
  std::u32string out = U" ";
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t c = s[i];
    if (c == U'\u2019' || c == U'\u02BC') c = U'\'';
    const bool inner_apostrophe = c == U'\'' && i > 0 && i + 1 < s.size() &&
                                  IsWordChar(s[i - 1]) && IsWordChar(s[i + 1]);
    if (IsWordChar(c) || inner_apostrophe) {
      out.push_back(c);
    } else if (out.back() != U' ') {
      out.push_back(U' ');
    }
  }
  if (out.back() != U' ') out.push_back(U' ');
  return out;
}

}  // namespace

const std::vector<std::string>& DefaultAbstainPhrases() {
  static const auto* phrases = new std::vector<std::string>{
      "cannot determine",
      "can't determine",
      "can not determine",
      "cannot be determined",
      "can't be determined",
      "unable to determine",
      "impossible to determine",
      "not enough information",
      "insufficient information",
      "unanswerable",
      "cannot answer",
      "can't answer",
      "unable to answer",
      "I don't know",
      "I do not know",
      "not visible",
      "cannot tell",
      "can't tell",
      "cannot read",
      "can't read",
      "illegible",
      "unreadable",
      "not legible",
      "not mentioned",
      "not stated",
      "not specified",
  };
  return *phrases;
}

Result<std::vector<std::string>> AbstainPhrases(const nlohmann::json& params) {
  if (!params.is_object() || !params.contains("abstain_phrases")) {
    return DefaultAbstainPhrases();
  }
  const nlohmann::json& list = params["abstain_phrases"];
  if (!list.is_array()) {
    return Status::Invalid(
        "params.abstain_phrases must be an array of strings");
  }
  std::vector<std::string> phrases;
  for (const nlohmann::json& p : list) {
    if (!p.is_string()) {
      return Status::Invalid(
          "params.abstain_phrases must be an array of strings");
    }
    phrases.push_back(p.get<std::string>());
  }
  return phrases;
}

bool Abstains(std::string_view answer,
              const std::vector<std::string>& phrases) {
  const std::u32string text = Canonical(answer);
  for (const std::string& phrase : phrases) {
    const std::u32string p = Canonical(phrase);
    if (p.size() > 2 && text.find(p) != std::u32string::npos) return true;
  }
  return false;
}

}  // namespace mmgate::score
