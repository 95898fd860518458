// provider: rules — a text step that answers by keyword rules, the
// reasoning stage of a voice pipeline on local engines: the first rule whose
// words all occur in the prompt gives the answer, else `otherwise`.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "adapter/engines.h"
#include "adapter/params.h"

namespace mmgate::adapter {
namespace {

struct Rule {
  std::vector<std::string> when;  // every word must occur
  std::string say;
};

// Lower-case words, punctuation dropped: how transcripts are written.
std::set<std::string> Words(const std::string& text) {
  std::set<std::string> out;
  std::string w;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
      w.push_back(
          static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!w.empty()) {
      out.insert(w);
      w.clear();
    }
  }
  return out;
}

class RulesModel final : public Model {
 public:
  RulesModel(std::vector<Rule> rules, std::string otherwise,
             std::string version)
      : rules_(std::move(rules)),
        otherwise_(std::move(otherwise)),
        version_(std::move(version)) {}

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    const std::set<std::string> words = Words(request.prompt);
    ModelResponse r;
    r.answer = otherwise_;
    for (const Rule& rule : rules_) {
      if (std::all_of(
              rule.when.begin(), rule.when.end(),
              [&](const std::string& w) { return words.contains(w); })) {
        r.answer = rule.say;
        break;
      }
    }
    return r;
  }

 private:
  std::vector<Rule> rules_;
  std::string otherwise_;
  std::string version_;
};

Result<Rule> ReadRule(const ModelSpec& spec, const nlohmann::json& j,
                      size_t i) {
  auto bad = [&](const std::string& why) {
    return Status::Invalid(
        fmt::format("{}: rules[{}]: {}", ModelLabel(spec), i, why));
  };
  if (!j.is_object() || !j.contains("when") || !j.contains("say"))
    return bad("a rule is {when: \"words\", say: \"answer\"}");
  if (!j["when"].is_string() || !j["say"].is_string())
    return bad("'when' and 'say' must be strings");
  Rule rule;
  std::istringstream in(j["when"].get<std::string>());
  for (std::string w; in >> w;) {
    for (const std::string& part : Words(w)) rule.when.push_back(part);
  }
  if (rule.when.empty()) return bad("'when' has no words");
  rule.say = j["say"].get<std::string>();
  return rule;
}

}  // namespace

Result<std::unique_ptr<Model>> CreateRulesModel(const ModelSpec& spec) {
  MMGATE_RETURN_IF_ERROR(CheckKeys(spec, {"rules", "otherwise"}));
  const nlohmann::json& list = spec.params.value("rules", nlohmann::json());
  if (!list.is_array() || list.empty()) {
    return Status::Invalid(
        fmt::format("{}: 'rules' must be a non-empty list of {{when, say}}",
                    ModelLabel(spec)));
  }
  std::vector<Rule> rules;
  for (size_t i = 0; i < list.size(); ++i) {
    Result<Rule> r = ReadRule(spec, list[i], i);
    if (!r.ok()) return r.status();
    rules.push_back(std::move(*r));
  }
  Result<std::string> otherwise = GetString(spec, "otherwise", "");
  if (!otherwise.ok()) return otherwise.status();
  nlohmann::json config = {{"rules", list}, {"otherwise", *otherwise}};
  return std::unique_ptr<Model>(new RulesModel(
      std::move(rules), *otherwise,
      fmt::format("rules {} cfg:{}", rules.size(), ConfigHash(config))));
}

}  // namespace mmgate::adapter
