#include "score/abstention.h"

#include "common/json_input.h"
#include "score/json_schema.h"
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

PhraseMatcher::PhraseMatcher(const std::vector<std::string>& phrases) {
  for (const std::string& phrase : phrases) {
    std::u32string p = Canonical(phrase);
    // " " alone (a phrase of punctuation) would match every answer.
    if (p.size() > 2) canonical_.push_back(std::move(p));
  }
}

bool PhraseMatcher::Match(std::string_view answer) const {
  const std::u32string text = Canonical(answer);
  for (const std::u32string& p : canonical_) {
    if (text.find(p) != std::u32string::npos) return true;
  }
  return false;
}

bool Abstains(std::string_view answer,
              const std::vector<std::string>& phrases) {
  return PhraseMatcher(phrases).Match(answer);
}

}  // namespace mmgate::score

namespace mmgate::score {

Result<AbstainRule> ParseAbstainRule(const nlohmann::json& params) {
  Result<std::vector<std::string>> phrases = AbstainPhrases(params);
  if (!phrases.ok()) return phrases.status();
  AbstainRule rule{std::move(*phrases), ""};
  if (params.is_object() && params.contains("abstain_field")) {
    if (!params["abstain_field"].is_string())
      return Status::Invalid("params.abstain_field must be a string");
    rule.field = params["abstain_field"].get<std::string>();
  }
  return rule;
}

std::optional<nlohmann::json> JsonAnswer(std::string_view answer) {
  const std::string_view text = ExtractJsonText(answer);
  if (text.empty() || text.front() != '{') return std::nullopt;
  auto j = ParseJsonInput(text);
  if (!j.ok() || !j->is_object()) return std::nullopt;
  return std::move(*j);
}

bool Abstains(std::string_view answer, const AbstainRule& rule) {
  if (!rule.field.empty()) {
    if (auto j = JsonAnswer(answer); j && j->contains(rule.field)) {
      const nlohmann::json& v = (*j)[rule.field];
      if (v.is_boolean()) return v.get<bool>();
      if (v.is_number()) return v.get<double>() != 0;
      if (v.is_string()) {
        const std::string s = v.get<std::string>();
        return s == "true" || s == "yes" || s == "True" || s == "Yes";
      }
      return false;
    }
  }
  return rule.phrases.Match(answer);
}

std::string AnswerText(const std::string& answer,
                       const nlohmann::json& params) {
  if (!params.is_object() || !params.contains("answer_field") ||
      !params["answer_field"].is_string())
    return answer;
  auto j = JsonAnswer(answer);
  if (!j) return answer;
  auto it = j->find(params["answer_field"].get<std::string>());
  if (it == j->end()) return answer;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_null()) return "";
  return it->dump();
}

}  // namespace mmgate::score
