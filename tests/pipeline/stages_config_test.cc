// A pipeline suite's `stages:` is read into typed stages, and a bad one is
// refused with the suite file and line named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dataset/load.h"

namespace mmgate::dataset {
namespace {

namespace fs = std::filesystem;

class StagesConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate_stages_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "items.jsonl")
        << R"({"id": "a", "modality": "pipeline", "prompt": "hi", "reference": "ok"})"
        << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<Suite> Load(const std::string& modality, const std::string& stages) {
    const fs::path p = dir_ / "s.yaml";
    std::ofstream(p) << "name: s\nmodality: " << modality
                     << "\ndataset: items.jsonl\nmetric: wer\n"
                     << stages;
    return LoadSuite(p.string(), {});
  }

  fs::path dir_;
};

TEST_F(StagesConfigTest, ReadsStages) {
  auto s = Load("pipeline",
                "stages:\n"
                "  - {name: reason, model: rules, kind: text, metric: exact}\n"
                "  - {name: say, model: tts, kind: tts, schema: {type: "
                "string}}\n"
                "  - {name: check, model: asr, kind: asr, metric: wer, "
                "threshold: 0.5, verifies: say}\n");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->stages.size(), 3u);
  EXPECT_EQ(s->stages[0].threshold, 1.0);
  EXPECT_EQ(s->stages[1].schema, nlohmann::json({{"type", "string"}}));
  EXPECT_EQ(s->stages[2].threshold, 0.5);
  EXPECT_EQ(s->stages[2].verifies, "say");
  EXPECT_NE(s->stages[2].where.find("s.yaml:8"), std::string::npos)
      << s->stages[2].where;
}

TEST_F(StagesConfigTest, RefusesBadStagesWithFileAndLine) {
  struct Case {
    std::string modality, stages, message;
  };
  for (const Case& c : std::vector<Case>{
           {"pipeline", "", "needs 'stages:'"},
           {"audio", "stages:\n  - {name: a, model: m, kind: asr}\n",
            "'stages' needs 'modality: pipeline'"},
           {"pipeline", "stages:\n  - {name: a, model: m, kind: video}\n",
            "s.yaml:6"},
           {"pipeline", "stages:\n  - {name: a, model: m, kind: video}\n",
            "unknown kind 'video'"},
           {"pipeline",
            "stages:\n  - {name: a, model: m, kind: asr, verifies: b}\n",
            "verifies 'b', which is no earlier stage"},
           {"pipeline",
            "stages:\n  - {name: a, model: m, kind: asr}\n"
            "  - {name: a, model: m, kind: asr}\n",
            "two stages named 'a'"},
           {"pipeline",
            "stages:\n  - {name: a, model: m, kind: asr, threshold: x}\n",
            "threshold 'x' is not a number"},
       }) {
    auto s = Load(c.modality, c.stages);
    ASSERT_FALSE(s.ok()) << c.stages;
    EXPECT_NE(s.status().message().find(c.message), std::string::npos)
        << s.status().message();
  }
}

}  // namespace
}  // namespace mmgate::dataset
