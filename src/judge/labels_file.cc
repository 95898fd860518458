#include "judge/labels_file.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

#include "common/files.h"
#include "common/hash.h"
#include "common/json_input.h"

namespace mmgate::judge {
namespace {

using nlohmann::json;

const std::set<std::string> kKeys = {
    "suite",  "item", "answer",   "grade",    "failure_modes",
    "grader", "note", "answer_a", "answer_b", "preferred"};

Result<std::string> Text(const json& j, const char* key, bool required) {
  if (!j.contains(key)) {
    if (required) return Status::Invalid(fmt::format("'{}' is missing", key));
    return std::string();
  }
  if (!j[key].is_string())
    return Status::Invalid(fmt::format("'{}' must be a string", key));
  return j[key].get<std::string>();
}

class LineReader {
 public:
  LineReader(const config::Config& cfg, const std::string& judge)
      : cfg_(cfg), judge_(judge) {
    for (const Suite& s : cfg.project.suites) suites_[s.name] = &s;
  }

  Result<HumanLabel> Read(const json& j) {
    if (!j.is_object()) return Status::Invalid("a label must be a JSON object");
    for (const auto& [k, v] : j.items())
      if (!kKeys.contains(k))
        return Status::Invalid(fmt::format("unknown key '{}'", k));
    HumanLabel l;
    auto suite = Text(j, "suite", true);
    if (!suite.ok()) return suite.status();
    auto s = suites_.find(*suite);
    if (s == suites_.end())
      return Status::Invalid(fmt::format("unknown suite '{}'", *suite));
    const Suite& st = *s->second;
    if (!st.judge || (!judge_.empty() && st.judge->model != judge_))
      return Status::Invalid(fmt::format(
          "suite '{}' is not graded by judge '{}'", *suite, judge_));
    l.suite = *suite;
    auto item = Text(j, "item", true);
    if (!item.ok()) return item.status();
    if (!HasItem(st, *item))
      return Status::Invalid(
          fmt::format("unknown item id '{}' in suite '{}'", *item, *suite));
    l.item_id = *item;
    l.pairwise = st.judge->mode == "pairwise";
    if (l.pairwise) {
      MMGATE_RETURN_IF_ERROR(ReadPreference(j, &l));
    } else {
      auto answer = Text(j, "answer", true);
      if (!answer.ok()) return answer.status();
      l.answer = *answer;
      MMGATE_RETURN_IF_ERROR(ReadGrade(j, cfg_.rubrics.at(st.name), &l));
    }
    auto grader = Text(j, "grader", true);
    if (!grader.ok()) return grader.status();
    if (grader->empty()) return Status::Invalid("'grader' is empty");
    l.grader = *grader;
    auto note = Text(j, "note", false);
    if (!note.ok()) return note.status();
    l.note = *note;
    return l;
  }

 private:
  static bool HasItem(const Suite& s, const std::string& id) {
    for (const Item& it : s.items)
      if (it.id == id) return true;
    return false;
  }

  static Status ReadPreference(const json& j, HumanLabel* l) {
    for (const char* k : {"answer", "grade", "failure_modes"})
      if (j.contains(k))
        return Status::Invalid(fmt::format(
            "'{}' does not apply: suite '{}' is judged pairwise (answer_a, "
            "answer_b, preferred)",
            k, l->suite));
    auto a = Text(j, "answer_a", true);
    if (!a.ok()) return a.status();
    auto b = Text(j, "answer_b", true);
    if (!b.ok()) return b.status();
    auto p = Text(j, "preferred", true);
    if (!p.ok()) return p.status();
    if (*p != "A" && *p != "B" && *p != "tie")
      return Status::Invalid("'preferred' must be \"A\", \"B\" or \"tie\"");
    l->answer = *a;
    l->answer_b = *b;
    l->grade = *p == "A" ? 2 : *p == "tie" ? 1 : 0;
    return Status::Ok();
  }

  static Status ReadGrade(const json& j, const Rubric& r, HumanLabel* l) {
    if (!j.contains("grade")) return Status::Invalid("'grade' is missing");
    const json& g = j["grade"];
    std::string grade = g.is_string() ? g.get<std::string>()
                        : g.is_number_integer()
                            ? std::to_string(g.get<int64_t>())
                            : g.dump();
    auto index = r.GradeIndex(grade);
    if (!index) {
      std::string scale;
      for (const auto& [name, d] : r.scale)
        scale += (scale.empty() ? "" : ", ") + name;
      return Status::Invalid(fmt::format(
          "grade {} is off the rubric's scale ({})", g.dump(), scale));
    }
    l->grade = *index;
    if (!j.contains("failure_modes")) return Status::Ok();
    if (!j["failure_modes"].is_array())
      return Status::Invalid("'failure_modes' must be a list of names");
    for (const json& m : j["failure_modes"]) {
      if (!m.is_string() || !r.HasFailureMode(m.get<std::string>()))
        return Status::Invalid(fmt::format(
            "failure mode {} is not in the rubric '{}'", m.dump(), r.name));
      l->failure_modes.push_back(m.get<std::string>());
    }
    return Status::Ok();
  }

  const config::Config& cfg_;
  std::string judge_;
  std::map<std::string, const Suite*> suites_;
};

}  // namespace

Result<LabelsFile> ReadLabels(const std::string& path,
                              const config::Config& cfg,
                              const std::string& judge) {
  auto text = ReadFile(path);
  if (!text.ok())
    return Status::IoError("cannot read labels: " + text.status().message());
  LabelsFile out;
  out.hash = Sha256Hex(*text);
  LineReader reader(cfg, judge);
  // (suite, item, grader, answer) -> the line that gave it first.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int>
      seen;
  size_t start = 0;
  for (int line = 1; start < text->size(); ++line) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string_view row(text->data() + start, end - start);
    start = end + 1;
    if (row.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto problem = [&](const std::string& why) {
      out.problems.push_back(fmt::format("{}:{}: {}", path, line, why));
    };
    auto j = ParseJsonInput(row);
    if (!j.ok()) {
      problem("not JSON: " + j.status().message());
      continue;
    }
    auto l = reader.Read(*j);
    if (!l.ok()) {
      problem(l.status().message());
      continue;
    }
    l->line = line;
    auto [it, fresh] =
        seen.emplace(std::tuple{l->suite, l->item_id, l->grader,
                                l->answer + '\x1f' + l->answer_b},
                     line);
    if (!fresh) {
      problem(
          fmt::format("duplicate of line {} (same suite, item, grader "
                      "and answer); the first is kept",
                      it->second));
      continue;
    }
    out.labels.push_back(std::move(*l));
  }
  return out;
}

}  // namespace mmgate::judge
