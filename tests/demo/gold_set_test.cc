#include "demo/gold_set.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/files.h"
#include "perturb/audio.h"
#include "perturb/image.h"

namespace mmgate::demo {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const std::map<std::string, std::string> kModalities = {
    {"documents", "document"},
    {"tables", "table"},
    {"charts", "chart"},
    {"screenshots", "image"},
    {"speech", "audio"}};

fs::path TempDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("demo_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p;
}

std::vector<Json> ReadItems(const fs::path& jsonl) {
  std::vector<Json> items;
  std::ifstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) items.push_back(Json::parse(line));
  return items;
}

// Relative path -> bytes of every file under `root`.
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    files[fs::relative(e.path(), root).string()] = *ReadFile(e.path().string());
  }
  return files;
}

// One small build shared by the read-only checks.
class SmallGoldSet : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(TempDir("small"));
    BuildOptions opt;
    opt.small = true;
    auto r = BuildGoldSet(dir_->string(), opt);
    ASSERT_TRUE(r.ok()) << r.status().message();
    summary_ = new BuildSummary(*r);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete summary_;
  }
  static fs::path* dir_;
  static BuildSummary* summary_;
};
fs::path* SmallGoldSet::dir_ = nullptr;
BuildSummary* SmallGoldSet::summary_ = nullptr;

TEST_F(SmallGoldSet, SummaryMatchesTheFiles) {
  ASSERT_EQ(summary_->items_per_suite.size(), 8u);
  int total = 0;
  for (const auto& [suite, n] : summary_->items_per_suite) {
    EXPECT_EQ(static_cast<size_t>(n),
              ReadItems(*dir_ / "data" / suite / "items.jsonl").size())
        << suite;
    EXPECT_GE(n, 6) << suite;
    total += n;
  }
  EXPECT_EQ(summary_->items, total);
  EXPECT_EQ(summary_->suite_files.size(), 8u);
}

// The judge-scored suite: the first documents items with metric judge, the
// rules judge of mmgate.yaml, its rubric, and reference labels that say they
// were derived from the gold set, not graded by people.
TEST_F(SmallGoldSet, JudgedSuiteHasRubricAndGoldDerivedLabels) {
  YAML::Node y =
      YAML::LoadFile((*dir_ / "suites" / "documents-judged.yaml").string());
  EXPECT_EQ(y["metric"].as<std::string>(), "judge");
  EXPECT_EQ(y["judge"]["model"].as<std::string>(), "evidence-judge");
  EXPECT_TRUE(
      fs::exists(*dir_ / "suites" / y["judge"]["rubric"].as<std::string>()));
  const auto judged =
      ReadItems(*dir_ / "data" / "documents-judged" / "items.jsonl");
  const auto docs = ReadItems(*dir_ / "data" / "documents" / "items.jsonl");
  ASSERT_EQ(judged.size(), 6u);  // every documents item of a small build
  for (size_t i = 0; i < judged.size(); ++i) {
    EXPECT_EQ(judged[i]["id"], docs[i]["id"]);
    EXPECT_EQ(judged[i]["metric"], "judge");
    EXPECT_TRUE(fs::exists(*dir_ / "data" / "documents-judged" /
                           judged[i]["media"][0]["path"].get<std::string>()));
  }
  EXPECT_EQ(summary_->judge_labels,
            (*dir_ / "data" / "documents-judged" / "reference_labels.jsonl")
                .string());
  const auto labels = ReadItems(summary_->judge_labels);
  // Five edits per item and "cannot determine" on every other one.
  EXPECT_EQ(labels.size(), 6u * 5 + 3);
  std::map<int, int> grades;
  for (const auto& l : labels) {
    EXPECT_EQ(l["grader"], "gold-set-derived");
    EXPECT_NE(l["note"].get<std::string>().find("not graded by a person"),
              std::string::npos);
    ++grades[l["grade"].get<int>()];
  }
  EXPECT_EQ(grades,
            (std::map<int, int>{{1, 9}, {2, 6}, {3, 6}, {4, 6}, {5, 6}}));
  std::ifstream readme(*dir_ / "data" / "documents-judged" / "README.md");
  std::string text((std::istreambuf_iterator<char>(readme)), {});
  EXPECT_NE(text.find("No\nperson graded these answers"), std::string::npos);
}

TEST_F(SmallGoldSet, SuiteFilesFollowTheSharedFormat) {
  for (const auto& [suite, modality] : kModalities) {
    const fs::path file = *dir_ / "suites" / (suite + ".yaml");
    ASSERT_TRUE(fs::exists(file)) << file;
    YAML::Node y = YAML::LoadFile(file.string());
    EXPECT_EQ(y["name"].as<std::string>(), suite);
    EXPECT_EQ(y["modality"].as<std::string>(), modality);
    EXPECT_FALSE(y["description"].as<std::string>().empty());
    const fs::path dataset =
        file.parent_path() / y["dataset"].as<std::string>();
    EXPECT_TRUE(fs::exists(dataset)) << dataset;
    EXPECT_TRUE(y["rubric"].IsMap());
    EXPECT_GE(y["rubric"].size(), 2u);
    EXPECT_FALSE(y["gate"]) << "thresholds come from mmgate.yaml's policy";
    const std::string metric = y["metric"].as<std::string>();
    EXPECT_TRUE(metric == "anls" || metric == "relaxed_accuracy" ||
                metric == "cer" || metric == "wer")
        << metric;
  }
}

TEST_F(SmallGoldSet, ItemsAreValidAndMediaStaysInside) {
  const std::vector<std::string> kKeys = {"id",     "modality",  "prompt",
                                          "media",  "reference", "metric",
                                          "expect", "slices"};
  const std::set<std::string> kMetrics = {"anls", "table_cells",
                                          "relaxed_accuracy", "cer", "wer"};
  std::set<std::string> ids;
  for (const auto& [suite, modality] : kModalities) {
    const fs::path folder = fs::weakly_canonical(*dir_ / "data" / suite);
    std::map<std::string, int> clean_per_group, items_per_group;
    for (const Json& it : ReadItems(folder / "items.jsonl")) {
      size_t k = 0;
      for (const auto& [key, value] : it.items()) {
        if (k < kKeys.size()) {
          EXPECT_EQ(key, kKeys[k]) << it.dump();
        }
        ++k;
      }
      const std::string id = it["id"];
      EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
      EXPECT_EQ(it["modality"], modality);
      EXPECT_EQ(it["expect"], "answer");
      EXPECT_TRUE(kMetrics.contains(it["metric"].get<std::string>())) << id;
      ASSERT_TRUE(it["reference"].is_string()) << id;
      EXPECT_FALSE(it["reference"].get<std::string>().empty()) << id;
      ASSERT_EQ(it["media"].size(), 1u) << id;
      const std::string rel = it["media"][0]["path"];
      EXPECT_EQ(it["media"][0]["type"],
                modality == "audio" ? "audio" : "image");
      EXPECT_FALSE(fs::path(rel).is_absolute()) << rel;
      const fs::path abs = fs::weakly_canonical(folder / rel);
      EXPECT_TRUE(fs::is_regular_file(abs)) << abs;
      EXPECT_GT(fs::file_size(abs), 0u) << abs;
      const auto [end, _] =
          std::mismatch(folder.begin(), folder.end(), abs.begin());
      EXPECT_EQ(end, folder.end()) << abs << " leaves " << folder;
      for (const auto& [key, value] : it["slices"].items()) {
        EXPECT_TRUE(value.is_string()) << id << " slice " << key;
      }
      const std::string group = it["group"];
      EXPECT_EQ(id.rfind(group, 0), 0u) << id << " not in group " << group;
      ++items_per_group[group];
      if (it["slices"]["perturbation"] == "none") ++clean_per_group[group];
    }
    for (const auto& [group, n] : items_per_group) {
      EXPECT_EQ(clean_per_group[group], 1) << group;
      // Clean plus two variants; a human recording has one variant.
      EXPECT_EQ(n, group.starts_with("speech-h") ? 2 : 3) << group;
    }
  }
}

TEST_F(SmallGoldSet, RobustnessSuitePairsEveryLevelWithItsCleanSource) {
  std::map<std::string, std::set<std::string>> levels;
  for (const Json& it :
       ReadItems(*dir_ / "data" / "robustness" / "items.jsonl")) {
    EXPECT_EQ(it["modality"], "document");
    levels[it["group"]].insert(it["slices"]["perturbation"]);
  }
  ASSERT_EQ(levels.size(), 1u);  // one source in the small build
  EXPECT_EQ(levels.begin()->second,
            (std::set<std::string>{"none", "rotate:3", "rotate:6", "rotate:12",
                                   "blur:1", "blur:2", "blur:3"}));
}

TEST_F(SmallGoldSet, BehaviourSuiteHasAbstentionGroundingAndConflictItems) {
  std::map<std::string, int> by_metric;
  std::set<std::string> types;
  for (const Json& it :
       ReadItems(*dir_ / "data" / "behaviour" / "items.jsonl")) {
    const std::string metric = it["metric"];
    ++by_metric[metric];
    if (it["expect"] == "abstain") {
      EXPECT_EQ(metric, "abstention");
      types.insert(it["slices"]["hallucination_type"].get<std::string>());
    }
    if (metric == "grounding") {
      EXPECT_NE(it["prompt"].get<std::string>().find("Quote the line"),
                std::string::npos);
      EXPECT_FALSE(it["evidence"].empty());
    }
    if (metric == "conflict") {
      ASSERT_TRUE(it.contains("conflict"));
      EXPECT_EQ(it["conflict"]["image"], it["reference"]);
      EXPECT_NE(it["prompt"].get<std::string>().find(
                    it["conflict"]["text"].get<std::string>()),
                std::string::npos);
    }
  }
  EXPECT_EQ(types, (std::set<std::string>{"object", "action", "relation"}));
  EXPECT_EQ(by_metric["abstention"], 4);  // three traps and one control
  EXPECT_EQ(by_metric["grounding"], 1);
  EXPECT_EQ(by_metric["conflict"], 1);
  YAML::Node y = YAML::LoadFile((*dir_ / "suites" / "behaviour.yaml").string());
  EXPECT_EQ(y["params"]["conflict_policy"].as<std::string>(), "image_wins");
}

TEST_F(SmallGoldSet, PromptsFollowTheTemplates) {
  const std::map<std::string, std::regex> kPrompt = {
      {"documents", std::regex(R"(What is the [^?]+\?)")},
      {"tables", std::regex(R"(What is the .+ for .+\?|Extract the table\.)")},
      {"charts", std::regex(R"(What is the value for [^?]+\?)")},
      {"screenshots", std::regex(R"(Read all the text in the image\.)")},
      {"speech", std::regex(R"(Transcribe the audio\.)")},
  };
  for (const auto& [suite, modality] : kModalities) {
    for (const Json& it : ReadItems(*dir_ / "data" / suite / "items.jsonl")) {
      const std::string prompt = it["prompt"], ref = it["reference"];
      EXPECT_TRUE(std::regex_match(prompt, kPrompt.at(suite))) << prompt;
      if (suite == "documents") {
        const std::string key = prompt.substr(12, prompt.size() - 13);
        const std::string line = it["evidence"][0];
        EXPECT_TRUE(line == key + ": " + ref || line == key + " ... " + ref)
            << line;
      }
      if (suite == "tables" && prompt == "Extract the table.") {
        EXPECT_EQ(it["metric"], "table_cells");
        std::istringstream rows(ref);
        std::string row;
        size_t cols = 0, n = 0;
        while (std::getline(rows, row)) {
          const size_t c = std::count(row.begin(), row.end(), '|') + 1;
          if (n++ == 0) cols = c;
          EXPECT_EQ(c, cols) << ref;
        }
        EXPECT_GE(n, 4u);
        EXPECT_GE(cols, 3u);
      }
      if (suite == "charts") {
        EXPECT_TRUE(std::regex_match(ref, std::regex(R"(\d+(\.\d)?)"))) << ref;
      }
      if (suite == "speech") {
        EXPECT_TRUE(std::regex_match(ref, std::regex(R"([a-z' ]+)"))) << ref;
      }
    }
  }
}

TEST_F(SmallGoldSet, ImagesHaveTheExpectedSizes) {
  for (const char* suite : {"documents", "tables", "charts", "screenshots"}) {
    const fs::path folder = *dir_ / "data" / suite;
    std::map<std::string, std::pair<int, int>> clean;  // group -> size
    for (const Json& it : ReadItems(folder / "items.jsonl")) {
      auto pix = perturb::ReadImage(
          (folder / it["media"][0]["path"].get<std::string>()).string());
      ASSERT_TRUE(pix.ok()) << pix.status().message();
      const int w = perturb::Width(**pix), h = perturb::Height(**pix);
      const std::string group = it["group"];
      const std::string p = it["slices"]["perturbation"];
      if (p == "none") {
        EXPECT_GE(w, 760) << group;
        EXPECT_LE(w, 1200) << group;
        EXPECT_GE(h, 300) << group;
        EXPECT_EQ(perturb::Dpi(**pix), 200) << group;
        clean[group] = {w, h};
        continue;
      }
      ASSERT_TRUE(clean.contains(group))
          << "variant before its clean item: " << it["id"];
      const auto [cw, ch] = clean[group];
      if (p.starts_with("dpi:")) {
        const double f = std::stod(p.substr(4)) / 200.0;
        EXPECT_NEAR(w, cw * f, 1.0) << it["id"];
        EXPECT_NEAR(h, ch * f, 1.0) << it["id"];
        EXPECT_EQ(it["slices"]["dpi"], p.substr(4));
      } else if (p.starts_with("rotate:")) {
        const double a = std::stod(p.substr(7)) * M_PI / 180;
        EXPECT_NEAR(w, cw * std::cos(a) + ch * std::sin(a), 3.0) << it["id"];
        EXPECT_NEAR(h, cw * std::sin(a) + ch * std::cos(a), 3.0) << it["id"];
      } else {
        EXPECT_EQ(w, cw) << it["id"];
        EXPECT_EQ(h, ch) << it["id"];
      }
      const std::string path = it["media"][0]["path"];
      EXPECT_EQ(path.ends_with(".jpg"), p.starts_with("jpeg:")) << path;
    }
  }
}

TEST_F(SmallGoldSet, AudioIsAtItsRateAndNotSilent) {
  const fs::path folder = *dir_ / "data" / "speech";
  std::set<std::string> sources;
  for (const Json& it : ReadItems(folder / "items.jsonl")) {
    const std::string path =
        (folder / it["media"][0]["path"].get<std::string>()).string();
    auto audio = media::ReadAudioMono(path, media::kFileRate);
    ASSERT_TRUE(audio.ok()) << audio.status().message();
    const std::string codec = it["slices"]["codec"];
    EXPECT_EQ(audio->sample_rate,
              (codec == "gsm8k" || codec == "mulaw8k") ? 8000 : 16000)
        << path;
    const double seconds =
        static_cast<double>(audio->samples.size()) / audio->sample_rate;
    EXPECT_GT(seconds, 0.8) << path;
    EXPECT_LT(seconds, 10.0) << path;
    double power = 0;
    for (int16_t s : audio->samples) power += static_cast<double>(s) * s;
    const double rms =
        std::sqrt(power / static_cast<double>(audio->samples.size()));
    EXPECT_GT(rms, 300.0) << path;  // about -40 dBFS: speech, not silence
    sources.insert(it["slices"]["source"]);
  }
  EXPECT_EQ(sources, (std::set<std::string>{"human", "synthetic"}));
}

TEST(GoldSetTest, SameSeedGivesByteIdenticalFiles) {
  const fs::path a = TempDir("det_a"), b = TempDir("det_b"),
                 c = TempDir("det_c");
  BuildOptions opt;
  opt.small = true;
  ASSERT_TRUE(BuildGoldSet(a.string(), opt).ok());
  ASSERT_TRUE(BuildGoldSet(b.string(), opt).ok());
  const auto files_a = Snapshot(a), files_b = Snapshot(b);
  ASSERT_GT(files_a.size(), 40u);
  ASSERT_EQ(files_a.size(), files_b.size());
  for (const auto& [name, bytes] : files_a) {
    ASSERT_TRUE(files_b.contains(name)) << name;
    EXPECT_TRUE(files_b.at(name) == bytes)
        << name << " differs between two builds";
  }
  // Another seed changes the content; a rebuild over an old folder leaves no
  // stale media behind.
  opt.seed = 7;
  ASSERT_TRUE(BuildGoldSet(c.string(), opt).ok());
  EXPECT_NE(*ReadFile((c / "data/documents/items.jsonl").string()),
            files_a.at("data/documents/items.jsonl"));
  ASSERT_TRUE(
      WriteFileAtomic((a / "data/charts/media/stale.png").string(), "x").ok());
  opt.seed = BuildOptions{}.seed;
  ASSERT_TRUE(BuildGoldSet(a.string(), opt).ok());
  const auto rebuilt = Snapshot(a);
  EXPECT_FALSE(rebuilt.contains("data/charts/media/stale.png"));
  EXPECT_EQ(rebuilt.size(), files_a.size());
  for (const auto& [name, bytes] : rebuilt) {
    EXPECT_TRUE(files_a.contains(name) && files_a.at(name) == bytes)
        << name << " changed";
  }
  for (const auto& d : {a, b, c}) fs::remove_all(d);
}

}  // namespace
}  // namespace mmgate::demo
