// Project config: models, route resolution, suites (files and inline), and
// the fatal errors that name file and line.
#include <gmock/gmock.h>

#include <filesystem>
#include <string>

#include "config/config.h"
#include "fixture.h"

namespace mmgate::dataset {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kModels[] = R"(models:
  ocr-base: {provider: tesseract, psm: 3}
  asr-base: {provider: pocketsphinx, beam: 1e-48}
  baseline: {provider: route, image: ocr-base, audio: asr-base}
  inhouse:  {provider: exec, command: ["./my-model", "--fast"]}
)";

class ProjectTest : public DatasetTest {
 protected:
  // Writes mmgate.yaml with the standard models and `rest`, then loads it.
  Result<ProjectConfig> Load(const std::string& rest,
                             const std::string& models = kModels) {
    auto cfg = config::Load(Write("mmgate.yaml", models + rest), opt_);
    if (!cfg.ok()) return cfg.status();
    return std::move(cfg->project);
  }
};

TEST_F(ProjectTest, ValidProjectLoads) {
  WriteSuite(
      "screens", "image",
      {GoodLine("a"),
       R"({"id": "b", "modality": "image", "reference": ["x", "y"], "slices": {"n": 2}})"});
  Write(
      "inline/items.jsonl",
      R"({"id": "t1", "modality": "text", "prompt": "2+2?", "reference": "4"})"
      "\n");
  auto cfg = Load(R"(suites:
  - suites/screens.yaml
  - name: arithmetic
    modality: text
    dataset: inline/items.jsonl
    metric: exact
    metrics: [normalized_match]
    rubric: {off_by_one: answer differs by one}
    gate: {margin: 0.02}
baseline: baseline
candidate: inhouse
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->base_dir, fs::absolute(root_).lexically_normal().string());
  EXPECT_EQ(cfg->baseline, "baseline");
  EXPECT_EQ(cfg->candidate, "inhouse");

  ASSERT_EQ(cfg->models.size(), 4u);
  const ModelSpec& asr = cfg->models.at("asr-base");
  EXPECT_EQ(asr.provider, "pocketsphinx");
  EXPECT_EQ(asr.base_dir, cfg->base_dir);
  ASSERT_TRUE(asr.params["beam"].is_number_float());
  EXPECT_DOUBLE_EQ(asr.params["beam"].get<double>(), 1e-48);
  EXPECT_EQ(cfg->models.at("inhouse").params,
            (nlohmann::json{{"command", {"./my-model", "--fast"}}}));
  EXPECT_EQ(
      cfg->models.at("baseline").params,
      (nlohmann::json{
          {"routes",
           {{"image",
             {{"name", "ocr-base"}, {"provider", "tesseract"}, {"psm", 3}}},
            {"audio",
             {{"name", "asr-base"},
              {"provider", "pocketsphinx"},
              {"beam", 1e-48}}}}}}));

  ASSERT_EQ(cfg->suites.size(), 2u);
  const Suite& screens = cfg->suites[0];
  EXPECT_EQ(screens.name, "screens");
  EXPECT_EQ(screens.path, Path("suites/screens.yaml"));
  EXPECT_EQ(screens.metric, "cer");
  ASSERT_EQ(screens.items.size(), 2u);
  EXPECT_EQ(screens.items[1].references, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(screens.items[1].slices[0].second, "2");
  EXPECT_EQ(screens.items[1].group, "b");
  EXPECT_EQ(screens.version_hash.size(), 64u);

  const Suite& arithmetic = cfg->suites[1];
  EXPECT_EQ(arithmetic.path, Path("mmgate.yaml"));
  EXPECT_EQ(
      arithmetic.dataset_path,
      fs::absolute(root_ / "inline/items.jsonl").lexically_normal().string());
  EXPECT_EQ(arithmetic.extra_metrics,
            std::vector<std::string>{"normalized_match"});
  EXPECT_EQ(arithmetic.rubric.at("off_by_one"), "answer differs by one");
  EXPECT_EQ(arithmetic.gate, (nlohmann::json{{"margin", 0.02}}));
  ASSERT_EQ(arithmetic.items.size(), 1u);
  EXPECT_EQ(arithmetic.items[0].prompt, "2+2?");
}

TEST_F(ProjectTest, RouteToUnknownModelIsAnError) {
  auto cfg = Load("suites: []\n",
                  "models:\n  a: {provider: tesseract}\n"
                  "  r: {provider: route, image: a, audio: missing}\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(),
              HasSubstr("mmgate.yaml:3: route model 'r'"));
  EXPECT_THAT(cfg.status().message(), HasSubstr("unknown model 'missing'"));
}

TEST_F(ProjectTest, RouteToRouteIsAnError) {
  auto cfg = Load("suites: []\n",
                  "models:\n  a: {provider: tesseract}\n"
                  "  r1: {provider: route, image: a}\n"
                  "  r2:\n    provider: route\n    image: r1\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(),
              HasSubstr("mmgate.yaml:6: route model 'r2'"));
  EXPECT_THAT(cfg.status().message(), HasSubstr("another route model"));
}

TEST_F(ProjectTest, RouteKeyMustBeAModality) {
  auto cfg = Load("suites: []\n",
                  "models:\n  a: {provider: tesseract}\n"
                  "  r: {provider: route, imgae: a}\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("'imgae' is not a modality"));
}

TEST_F(ProjectTest, UnknownBaselineOrCandidateIsAnError) {
  auto cfg = Load("suites: []\nbaseline: baseline\ncandidate: nobody\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(
      cfg.status().message(),
      HasSubstr("mmgate.yaml:8: 'candidate' names unknown model 'nobody'"));
}

TEST_F(ProjectTest, ModelWithoutProviderIsAnError) {
  auto cfg = Load("suites: []\n", "models:\n  a:\n    psm: 3\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(
      cfg.status().message(),
      HasSubstr("mmgate.yaml:2: model 'a': missing required key 'provider'"));
}

TEST_F(ProjectTest, MissingRequiredKeys) {
  auto cfg = Load("", "suites: []\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(),
              HasSubstr("missing required key 'models'"));
  cfg = Load("");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(),
              HasSubstr("missing required key 'suites'"));
}

TEST_F(ProjectTest, MalformedYamlNamesTheLine) {
  auto cfg = Load("suites: [a.yaml\nbaseline: x\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("mmgate.yaml:7:"));
  EXPECT_THAT(cfg.status().message(), HasSubstr("malformed YAML"));
}

TEST_F(ProjectTest, DuplicateYamlKeyIsAnError) {
  auto cfg = Load("suites: []\nbaseline: inhouse\nbaseline: baseline\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(
      cfg.status().message(),
      HasSubstr("mmgate.yaml:8: duplicate key 'baseline' (first on line 7)"));
}

TEST_F(ProjectTest, DuplicateSuiteNamesAreAnError) {
  WriteSuite("one", "image", {GoodLine()});
  std::string two = WriteSuite("two", "image", {GoodLine()});
  Write("suites/two.yaml",
        "name: one\nmodality: image\n"
        "dataset: ../data/two/items.jsonl\nmetric: cer\n");
  auto cfg = Load("suites: [suites/one.yaml, suites/two.yaml]\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("duplicate suite name 'one'"));
  EXPECT_THAT(cfg.status().message(), HasSubstr("suites/one.yaml and "));
  EXPECT_THAT(cfg.status().message(), HasSubstr("suites/two.yaml"));
}

TEST_F(ProjectTest, MissingSuiteFileNamesTheReference) {
  auto cfg = Load("suites:\n  - suites/nowhere.yaml\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("mmgate.yaml:7:"));
  EXPECT_THAT(cfg.status().message(), HasSubstr("nowhere.yaml"));
}

TEST_F(ProjectTest, SuiteErrorsNameTheSuiteFileAndLine) {
  WriteSuite("s", "image", {GoodLine()}, "metrics: [anls, bleu]\n");
  auto cfg = Load("suites: [suites/s.yaml]\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(),
              HasSubstr("s.yaml:5: unknown metric 'bleu' in 'metrics'"));
}

TEST_F(ProjectTest, DeclaredModalityIsAccepted) {
  WriteSuite("v", "video",
             {R"({"id": "v1", "modality": "video", "reference": "r"})"});
  auto cfg = Load("suites: [suites/v.yaml]\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(),
              HasSubstr("v.yaml:2: unknown modality 'video'"));
  cfg = Load("suites: [suites/v.yaml]\nmodalities: [video]\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  ASSERT_EQ(cfg->suites[0].items.size(), 1u);
}

}  // namespace
}  // namespace mmgate::dataset
