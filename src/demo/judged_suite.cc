// The demo's judge-scored suite: the first documents items, graded by the
// local evidence judge (provider rules-judge), with the rubric and the
// reference labels its calibration reads. The labels are made here from the
// gold set's references by fixed edits, not by people.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "demo/judged.h"

namespace mmgate::demo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Ordered = nlohmann::ordered_json;

constexpr const char* kRubric =
    R"(# Written by `mmgate demo`: the rubric of the documents-judged suite.
name: document-evidence-v1
modality: document
instructions: |
  Look at the attached document. Grade whether the answer gives the value
  the document prints for the field asked about, using the reference as the
  expected value. Name every failure mode the answer shows.
scale:
  1: wrong, empty, or a value the document does not show
  2: mostly wrong; a fragment of the value is right
  3: a load-bearing character or digit of the value is wrong
  4: right with a format slip (punctuation, spacing)
  5: exactly the printed value
failure_modes:
  ocr_drift: characters of the value misread
  wrong_field: the value of another field printed on the page
  hallucinated_value: a value the document does not show
  dropped_text: part of the value is missing
  missed_field: no value given for a field that is printed
)";

constexpr const char* kLabelsReadme =
    R"(# Reference labels of the documents-judged suite

`reference_labels.jsonl` is written by `mmgate demo` from the gold set: for
each item, the reference itself (grade 5), the reference with a trailing
period (4, a format slip), with one character changed (3, ocr_drift), cut to
its first two fifths (2, dropped_text), another document's value (1,
hallucinated_value) and, for every other item, "cannot determine" (1,
missed_field). The grades follow from those edits by construction. **No
person graded these answers**: they are derived from the gold set, so a
calibration against them shows that the judge grades edits the way the
rubric describes, not that it agrees with people. Replace them with labels
from `mmgate label` before trusting a judge with a real release.
)";

// One character of `v` changed: its last digit, else a letter near the
// middle, so the edit touches the value itself.
std::string OneCharChanged(std::string v) {
  for (size_t i = v.size(); i-- > 0;) {
    if (std::isdigit(static_cast<unsigned char>(v[i]))) {
      v[i] = static_cast<char>('0' + (v[i] - '0' + 1) % 10);
      return v;
    }
  }
  for (size_t k = 0; k < v.size(); ++k) {
    size_t i = (v.size() / 2 + k) % v.size();
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (std::isalpha(c)) {
      v[i] = c == 'z' ? 'a' : c == 'Z' ? 'A' : static_cast<char>(c + 1);
      return v;
    }
  }
  return v + "x";
}

std::string Truncated(const std::string& v) {
  size_t n = std::max<size_t>(1, v.size() * 2 / 5);
  std::string out = v.substr(0, n);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

json Label(const json& item, const std::string& answer, int grade,
           std::vector<std::string> modes, const char* edit) {
  return json{{"suite", kJudgedSuite},
              {"item", item["id"]},
              {"answer", answer},
              {"grade", grade},
              {"failure_modes", std::move(modes)},
              {"grader", "gold-set-derived"},
              {"note", fmt::format("derived from the gold set by an edit "
                                   "({}), not graded by a person",
                                   edit)}};
}

std::string LabelLines(const std::vector<json>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    const json& it = items[i];
    const std::string ref = it["reference"].get<std::string>();
    // A value of a document from another source: never this page's.
    std::string other;
    for (size_t k = 1; k <= items.size() && other.empty(); ++k) {
      const json& o = items[(i + k) % items.size()];
      if (o["group"] != it["group"] && o["reference"] != ref)
        other = o["reference"].get<std::string>();
    }
    std::vector<json> labels = {
        Label(it, ref, 5, {}, "the reference"),
        Label(it, ref + ".", 4, {}, "a trailing period"),
        Label(it, OneCharChanged(ref), 3, {"ocr_drift"}, "one character"),
        Label(it, Truncated(ref), 2, {"dropped_text"}, "cut short")};
    if (!other.empty())
      labels.push_back(Label(it, other, 1, {"hallucinated_value"},
                             "another document's value"));
    if (i % 2 == 1)
      labels.push_back(
          Label(it, "cannot determine", 1, {"missed_field"}, "no value"));
    for (const json& l : labels) out += l.dump() + "\n";
  }
  return out;
}

}  // namespace

Result<int> BuildJudgedSuite(const std::string& out_dir,
                             const std::vector<std::string>& documents,
                             int max_items) {
  const fs::path root(out_dir);
  const fs::path data = root / "data" / kJudgedSuite;
  const fs::path docs = root / "data" / "documents";
  std::vector<json> items;
  std::string jsonl;
  for (const std::string& line : documents) {
    if (static_cast<int>(items.size()) >= max_items) break;
    Ordered it = Ordered::parse(line);
    it["metric"] = "judge";
    for (const auto& m : it["media"]) {
      const std::string rel = m["path"].get<std::string>();
      std::error_code ec;
      fs::copy_file(docs / rel, data / rel,
                    fs::copy_options::overwrite_existing, ec);
      if (ec)
        return Status::IoError(
            fmt::format("copy {}: {}", (docs / rel).string(), ec.message()));
    }
    jsonl += it.dump() + "\n";
    items.push_back(json::parse(it.dump()));
  }
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((data / "items.jsonl").string(), jsonl));
  MMGATE_RETURN_IF_ERROR(WriteFileAtomic(
      (data / "reference_labels.jsonl").string(), LabelLines(items)));
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((data / "README.md").string(), kLabelsReadme));
  MMGATE_RETURN_IF_ERROR(WriteFileAtomic(
      (root / "suites" / "document_rubric.yaml").string(), kRubric));
  return static_cast<int>(items.size());
}

}  // namespace mmgate::demo
