#include "demo/gold_set.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <future>
#include <utility>

#include "common/files.h"
#include "demo/judged.h"
#include "demo/render.h"
#include "demo/suites.h"

namespace mmgate::demo {
namespace {

namespace fs = std::filesystem;

struct SuiteText {
  const char* name;
  const char* modality;
  const char* description;
  const char* metric;
  std::vector<std::pair<const char*, const char*>> rubric;
  std::vector<std::pair<const char*, const char*>> params = {};
  bool judged = false;  // metric judge, graded by the rules judge
};

const std::vector<SuiteText>& Suites() {
  static const auto* suites = new std::vector<SuiteText>{
      {"documents",
       "document",
       "Invoices, receipts and forms rendered at 200 dpi with DejaVu and "
       "Liberation fonts, clean "
       "and rotated, downscaled, blurred or JPEG-compressed; questions ask for "
       "the value of a "
       "named field.",
       "anls",
       {{"misread_value", "the right field, its value read wrongly"},
        {"wrong_field", "the value of another field or line"},
        {"missed_field", "no answer for a field that is printed"}}},
      {"tables",
       "table",
       "Tables with column and row headers (grid or rules only), clean and "
       "degraded; questions "
       "ask for one cell, or to extract the whole table.",
       "anls",
       {{"wrong_cell", "a value from a neighbouring row or column"},
        {"misread_cell", "the right cell, its text read wrongly"},
        {"lost_structure",
         "rows or columns merged, split or dropped in an extraction"}}},
      {"charts",
       "chart",
       "Bar charts with axes and gridlines; most print values above the bars, "
       "some only on the "
       "y axis; questions ask for one bar's value.",
       "relaxed_accuracy",
       {{"misread_number", "a bar value read wrongly"},
        {"wrong_bar", "the value of another bar"},
        {"axis_estimate",
         "a value estimated from the axis outside tolerance"}}},
      {"screenshots",
       "image",
       "Screenshot-like text: terminal sessions, UI dialogs, browser error "
       "pages and signs; "
       "the answer is all the text, line by line.",
       "cer",
       {{"dropped_line", "a line of text missing from the answer"},
        {"misread_characters",
         "characters substituted, e.g. in codes and numbers"},
        {"inverted_text", "light text on a dark background misread"}}},
      {"speech",
       "audio",
       "Everyday and voice-assistant sentences from eSpeak NG and Flite voices "
       "in six accents, "
       "and human read speech from pocketsphinx-testdata; clean, through GSM, "
       "mu-law and MP3 "
       "codecs, or with white noise.",
       "wer",
       {{"substitution", "a word recognised as another word"},
        {"deletion", "words missing from the transcript"},
        {"accent", "errors that follow the speaker's accent"},
        {"codec_artifact", "errors on narrowband or compressed audio only"}}},
      {"robustness",
       "document",
       "Invoices, receipts and forms, each clean and rotated by 3, 6 and 12 "
       "degrees and blurred with sigma 1, 2 and 3: the degradation curves.",
       "anls",
       {{"misread_value", "the right field, its value read wrongly"},
        {"lost_text", "the field no longer found on the degraded page"}}},
      {"behaviour",
       "document",
       "Rendered documents asked what they cannot show (the answer is to "
       "abstain; tagged object, action or relation), answerable controls, "
       "questions that must quote their evidence line, and questions whose "
       "covering note contradicts the document (the image wins).",
       "abstention",
       {{"hallucination", "a confident answer to an unanswerable question"},
        {"over_refusal", "an abstention on an answerable question"},
        {"ungrounded", "a quoted line the document does not contain"},
        {"conflict", "the note's value, or a blend, instead of the image's"}},
       {{"conflict_policy", "image_wins"}, {"answer_field", "answer"}}},
      {kJudgedSuite,
       "document",
       "The first documents items, graded by a local evidence judge "
       "(evidence-judge, provider rules-judge: rules over Tesseract's reading "
       "of the page, not a language model) on document_rubric.yaml; it is "
       "calibrated against reference labels derived from the gold set, not "
       "from people (data/documents-judged/README.md).",
       "judge",
       {},
       {},
       true},
  };
  return *suites;
}

std::string SuiteYaml(const SuiteText& s, const BuildOptions& opt) {
  YAML::Emitter e;
  e << YAML::Comment("Written by " +
                     fmt::format(fmt::runtime(opt.written_by), opt.seed))
    << YAML::Newline;
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << s.name;
  e << YAML::Key << "modality" << YAML::Value << s.modality;
  e << YAML::Key << "description" << YAML::Value << s.description;
  e << YAML::Key << "dataset" << YAML::Value
    << fmt::format("../data/{}/items.jsonl", s.name);
  e << YAML::Key << "metric" << YAML::Value << s.metric;
  if (s.judged) {
    e << YAML::Key << "judge" << YAML::Value << YAML::Flow << YAML::BeginMap
      << YAML::Key << "model" << YAML::Value << "evidence-judge" << YAML::Key
      << "rubric" << YAML::Value << "document_rubric.yaml" << YAML::Key
      << "mode" << YAML::Value << "score" << YAML::EndMap;
  } else {
    e << YAML::Key << "rubric" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : s.rubric) e << YAML::Key << k << YAML::Value << v;
    e << YAML::EndMap;
  }
  if (!s.params.empty()) {
    e << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : s.params) e << YAML::Key << k << YAML::Value << v;
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

Result<std::vector<std::string>> BuildSuite(const std::string& name,
                                            const std::string& data_dir,
                                            const BuildOptions& opt) {
  const int n = opt.small ? kImageSourcesSmall : kImageSourcesFull;
  if (name == "speech") return BuildSpeechSuite(data_dir, opt.seed, opt.small);
  if (name == "robustness")
    return BuildRobustnessSuite(data_dir, opt.seed, opt.small);
  if (name == "behaviour")
    return BuildBehaviourSuite(data_dir, opt.seed, opt.small);
  ImageSuiteSpec spec;
  if (name == "documents") {
    spec = {name, "doc", "document", "anls", MakeDocument, n};
  } else if (name == "tables") {
    spec = {name, "table", "table", "anls", MakeTable, n};
  } else if (name == "charts") {
    spec = {name, "chart", "chart", "relaxed_accuracy", MakeChart, n};
  } else {
    spec = {name, "screen", "image", "cer", MakeScreenshot, n};
  }
  return BuildImageSuite(spec, data_dir, opt.seed);
}

}  // namespace

Result<BuildSummary> BuildGoldSet(const std::string& out_dir,
                                  const BuildOptions& opt) {
  MMGATE_RETURN_IF_ERROR(CheckFonts());
  const fs::path root(out_dir);
  std::error_code ec;
  fs::create_directories(root / "suites", ec);
  if (ec)
    return Status::IoError(
        fmt::format("create {}: {}", (root / "suites").string(), ec.message()));
  for (const SuiteText& s : Suites()) {
    const fs::path data = root / "data" / s.name;
    fs::remove_all(data, ec);
    if (!ec) fs::create_directories(data / "media", ec);
    if (ec)
      return Status::IoError(
          fmt::format("prepare {}: {}", data.string(), ec.message()));
  }

  // Speech (synthesis and codecs) runs beside the image suites: the two
  // halves share no state but libsox's lock, and each writes its own files.
  auto speech = std::async(std::launch::async, [&] {
    return BuildSuite("speech", (root / "data" / "speech").string(), opt);
  });
  std::map<std::string, std::vector<std::string>> lines;
  Status first_error;
  for (const SuiteText& s : Suites()) {
    if (std::string(s.name) == "speech" || s.judged) continue;
    auto built = BuildSuite(s.name, (root / "data" / s.name).string(), opt);
    if (!built.ok()) {
      first_error = built.status().WithContext(fmt::format("suite {}", s.name));
      break;
    }
    lines[s.name] = std::move(*built);
  }
  auto speech_lines = speech.get();
  MMGATE_RETURN_IF_ERROR(first_error);
  if (!speech_lines.ok())
    return speech_lines.status().WithContext("suite speech");
  lines["speech"] = std::move(*speech_lines);

  BuildSummary summary;
  auto judged = BuildJudgedSuite(out_dir, lines["documents"], kJudgedItems);
  if (!judged.ok()) return judged.status().WithContext(kJudgedSuite);
  summary.judge_labels =
      (root / "data" / kJudgedSuite / "reference_labels.jsonl").string();
  for (const SuiteText& s : Suites()) {
    if (s.judged) {
      summary.items += *judged;
      summary.items_per_suite[s.name] = *judged;
      const std::string file =
          (root / "suites" / (std::string(s.name) + ".yaml")).string();
      MMGATE_RETURN_IF_ERROR(WriteFileAtomic(file, SuiteYaml(s, opt)));
      summary.suite_files.push_back(file);
      continue;
    }
    std::string jsonl;
    for (const std::string& l : lines[s.name]) jsonl += l + "\n";
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic(
        (root / "data" / s.name / "items.jsonl").string(), jsonl));
    const std::string suite_file =
        (root / "suites" / (std::string(s.name) + ".yaml")).string();
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic(suite_file, SuiteYaml(s, opt)));
    const int n = static_cast<int>(lines[s.name].size());
    summary.items += n;
    summary.items_per_suite[s.name] = n;
    summary.suite_files.push_back(suite_file);
  }
  return summary;
}

}  // namespace mmgate::demo
