// The whole config read once: every section into its typed part, and every
// error, in mmgate.yaml or a suite file, naming the file and line.
#include "config/config.h"

#include <gmock/gmock.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "fixture.h"

namespace mmgate::config {
namespace {

namespace fs = std::filesystem;
using dataset::GoodLine;
using ::testing::HasSubstr;

// 1-based line of the first line of `text` containing `needle`.
int LineOf(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(needle) != std::string::npos) return n;
  }
  ADD_FAILURE() << needle << " not in:\n" << text;
  return 0;
}

class ConfigTest : public dataset::DatasetTest {
 protected:
  Result<Config> LoadText(const std::string& text) {
    return Load(Write("mmgate.yaml", text), opt_);
  }
  // Asserts the load fails with `file:line: ` + `what` in its message.
  void ExpectErrorAt(const std::string& text, const std::string& file, int line,
                     const std::string& what) {
    SCOPED_TRACE(text);
    auto cfg = LoadText(text);
    ASSERT_FALSE(cfg.ok());
    EXPECT_THAT(cfg.status().message(),
                HasSubstr(file + ":" + std::to_string(line) + ": " + what));
  }
};

constexpr char kModels[] = R"(models:
  ocr: {provider: tesseract, psm: 6}
  asr: {provider: pocketsphinx}
  gpt: {provider: openai, model: gpt-4.1, api_key_env: KEY}
  product: {provider: route, document: ocr, audio: asr, text: gpt}
)";

TEST_F(ConfigTest, EverySectionIsTyped) {
  WriteSuite("docs", "image", {GoodLine()},
             "gate:\n  margin: 0.03\n"
             "params: {abstain_phrases: [cannot tell]}\n");
  Write("data/clips/items.jsonl",
        R"({"id": "v1", "modality": "video", "reference": "r"})"
        "\n");
  auto cfg = LoadText(std::string(kModels) + R"(modalities: [video]
baseline: product
candidate: gpt
prices:
  gpt: {input_per_mtok: 2.5, output_per_mtok: 10}
  gpt-4.1-mini: {input_per_mtok: 0.4, output_per_mtok: 1.6}
gate:
  margin: 0.05
  alpha: 0.1
  power: 0.9
  min_n: 25
  robustness: {max_degradation: 0.2}
  modalities:
    video: {margin: 0.1, min_n: 5}
  correction: bh
  errors_as_failures: false
  allow_partial: true
  gated_slices: [accent, codec]
  bootstrap: {resamples: 2000, max_clusters: 500, seed: 7, interval: percentile}
  hard_tail: {max_drop: 0.04}
  rank: [cost, quality]
suites:
  - suites/docs.yaml
  - name: clips
    modality: video
    dataset: data/clips/items.jsonl
    metric: exact
    gate: {alpha: 0.01}
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();

  const ProjectConfig& p = cfg->project;
  EXPECT_EQ(p.path,
            fs::absolute(Path("mmgate.yaml")).lexically_normal().string());
  EXPECT_EQ(p.baseline, "product");
  EXPECT_EQ(p.candidate, "gpt");
  ASSERT_EQ(p.models.size(), 4u);
  EXPECT_EQ(p.models.at("gpt").provider, "openai");
  EXPECT_EQ(p.models.at("gpt").params,
            (nlohmann::json{{"model", "gpt-4.1"}, {"api_key_env", "KEY"}}));
  EXPECT_EQ(p.models.at("product").params["routes"]["text"]["name"], "gpt");
  ASSERT_EQ(p.prices.size(), 2u);
  EXPECT_EQ(p.prices.at("gpt").input_per_mtok, 2.5);
  EXPECT_EQ(p.prices.at("gpt").output_per_mtok, 10);
  EXPECT_EQ(p.prices.at("gpt-4.1-mini").input_per_mtok, 0.4);
  EXPECT_EQ(p.prices.at("gpt-4.1-mini").output_per_mtok, 1.6);
  ASSERT_EQ(p.suites.size(), 2u);
  EXPECT_EQ(p.suites[0].name, "docs");
  EXPECT_EQ(p.suites[0].items.size(), 1u);
  EXPECT_EQ(p.suites[1].name, "clips");
  EXPECT_EQ(p.suites[1].items.size(), 1u);

  const gate::Policy& g = cfg->policy;
  EXPECT_EQ(g.defaults.margin, 0.05);
  EXPECT_EQ(g.defaults.alpha, 0.1);
  EXPECT_EQ(g.defaults.power, 0.9);
  EXPECT_EQ(g.defaults.min_n, 25);
  EXPECT_EQ(g.defaults.max_degradation, 0.2);
  ASSERT_EQ(g.modalities.size(), 1u);
  const gate::Thresholds& video = g.modalities.at("video");
  EXPECT_EQ(video.margin, 0.1);
  EXPECT_EQ(video.min_n, 5);
  EXPECT_EQ(video.alpha, 0.1);  // the rest from the defaults
  EXPECT_EQ(g.correction, stats::Adjustment::kBenjaminiHochberg);
  EXPECT_FALSE(g.errors_as_failures);
  EXPECT_TRUE(g.allow_partial);
  EXPECT_EQ(g.gated_slices, (std::set<std::string>{"accent", "codec"}));
  EXPECT_EQ(g.bootstrap_resamples, 2000);
  EXPECT_EQ(g.bootstrap_max_clusters, 500);
  EXPECT_EQ(g.seed, 7u);
  EXPECT_EQ(g.interval, gate::IntervalMethod::kPercentile);
  EXPECT_EQ(g.hard_tail_max_drop, 0.04);
  EXPECT_EQ(g.rank, (std::vector<std::string>{"cost", "quality"}));

  // A suite's own thresholds start from its modality's, else the defaults.
  ASSERT_EQ(g.suites.size(), 2u);
  EXPECT_EQ(g.suites.at("docs").margin, 0.03);
  EXPECT_EQ(g.suites.at("docs").alpha, 0.1);
  EXPECT_EQ(g.suites.at("clips").alpha, 0.01);
  EXPECT_EQ(g.suites.at("clips").margin, 0.1);
  EXPECT_EQ(g.suites.at("clips").min_n, 5);
  ASSERT_EQ(g.suite_params.size(), 1u);
  EXPECT_EQ(g.suite_params.at("docs"),
            (nlohmann::json{{"abstain_phrases", {"cannot tell"}}}));
  // The gate's cost per query reads the same prices.
  ASSERT_EQ(g.prices.size(), 2u);
  EXPECT_EQ(g.prices.at("gpt"), (std::pair<double, double>{2.5, 10}));
}

TEST_F(ConfigTest, AbsentSectionsGiveTheDefaults) {
  auto cfg = LoadText(std::string(kModels) + "suites: []\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_TRUE(cfg->project.prices.empty());
  EXPECT_EQ(cfg->policy.Hash(), gate::Policy{}.Hash());
  EXPECT_TRUE(cfg->policy.prices.empty());
  EXPECT_FALSE(cfg->goldset.configured);
  EXPECT_EQ(cfg->goldset.cadence_days, 90);
}

// A goldset: section, even with the default cadence, puts the gold set's
// health in the gate's HTML report.
TEST_F(ConfigTest, GoldsetSectionIsNoted) {
  auto cfg = LoadText(std::string(kModels) + "suites: []\ngoldset: {}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_TRUE(cfg->goldset.configured);
  EXPECT_EQ(cfg->goldset.cadence_days, 90);
  cfg = LoadText(std::string(kModels) +
                 "suites: []\ngoldset: {cadence_days: 14}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_TRUE(cfg->goldset.configured);
  EXPECT_EQ(cfg->goldset.cadence_days, 14);
}

TEST_F(ConfigTest, UnknownTopLevelKeyNamesFileAndLine) {
  std::string text =
      std::string(kModels) + "suites: []\njudge: {model: gpt}\nbaseline: gpt\n";
  ExpectErrorAt(text, "mmgate.yaml", LineOf(text, "judge"),
                "unknown key 'judge' (known keys: modalities, models");
}

TEST_F(ConfigTest, GateErrorsNameFileAndLine) {
  struct Case {
    std::string gate;
    std::string where;  // the text on the line the error names
    std::string what;
  };
  const Case kCases[] = {
      {"gate: 3\n", "gate: 3", "gate: gate must be a map"},
      {"gate:\n  margin: 0.1\n  thresholds: 1\n", "thresholds",
       "gate.thresholds: unknown gate key"},
      {"gate:\n  bootstrap:\n    resamples: 2000\n    seed: -1\n", "seed",
       "gate.bootstrap.seed: seed must be a non-negative integer"},
      {"gate:\n  modalities:\n    audio: {margin: 0.1}\n    document:\n"
       "      margn: 0.1\n",
       "margn", "gate.modalities.document.margn: unknown threshold"},
      {"gate:\n  correction: bonferroni\n", "correction", "gate.correction: "},
      // A misspelled modality silently lost its stricter margin.
      {"gate:\n  modalities:\n    audoi: {margin: 0.01}\n", "audoi",
       "gate.modalities: unknown modality 'audoi' (known: audio, chart"},
      // SLO entries: the line of the bad field in the bad entry.
      {"gate:\n  slo:\n    - {figure: latency_p95, max: 2000}\n"
       "    - figure: hallucination\n      maxx: 0.01\n",
       "maxx", "gate.slo.1.maxx: unknown SLO key"},
      {"gate:\n  slo:\n    - figure: error_rate\n      max: 1.5\n", "max: 1.5",
       "gate.slo.0.max: error_rate is a rate"},
      {"gate:\n  slo:\n    - figure: mean\n      min: 0.9\n"
       "      modality: imgae\n",
       "imgae", "gate.slo.0.modality: unknown modality 'imgae'"},
  };
  for (const Case& c : kCases) {
    std::string text = std::string(kModels) + "suites: []\n" + c.gate;
    ExpectErrorAt(text, "mmgate.yaml", LineOf(text, c.where), c.what);
  }
}

TEST_F(ConfigTest, SuiteGateErrorsNameTheSuiteFileAndLine) {
  std::string suite = WriteSuite("s", "image", {GoodLine()},
                                 "gate:\n  margin: 0.1\n  alpha: 2\n");
  ExpectErrorAt(std::string(kModels) + "suites: [suites/s.yaml]\n", suite, 7,
                "gate.alpha: alpha must be in (0, 0.5)");

  Write("data/i/items.jsonl",
        std::string(R"({"id": "a", "reference": "r"})") + "\n");
  std::string text = std::string(kModels) + R"(suites:
  - name: inline
    modality: text
    dataset: data/i/items.jsonl
    metric: exact
    gate: {min_n: 0}
)";
  ExpectErrorAt(text, "mmgate.yaml", LineOf(text, "min_n"),
                "gate.min_n: min_n must be an integer >= 1");
}

TEST_F(ConfigTest, PriceErrorsNameFileAndLine) {
  // Model names may hold dots: the line is the entry's, not the section's.
  std::string text = std::string(kModels) +
                     "suites: []\nprices:\n"
                     "  gpt: {input_per_mtok: 2.5, output_per_mtok: 10}\n"
                     "  gpt-4.1: {input: 1}\n";
  ExpectErrorAt(text, "mmgate.yaml", LineOf(text, "gpt-4.1: {input"),
                "prices.gpt-4.1: expected {input_per_mtok: $, "
                "output_per_mtok: $}");
  text = std::string(kModels) + "suites: []\nprices: [gpt]\n";
  ExpectErrorAt(text, "mmgate.yaml", LineOf(text, "prices"),
                "prices: prices must be a map of models");
}

TEST_F(ConfigTest, WithoutItemsTheDatasetsAreNotRead) {
  WriteSuite("s", "image", {GoodLine()}, "gate: {margin: 0.2}\n");
  fs::remove(Path("data/s/items.jsonl"));
  std::string text = std::string(kModels) + "suites: [suites/s.yaml]\n";
  auto cfg = LoadText(text);
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("cannot read its dataset"));

  opt_.read_items = false;
  cfg = LoadText(text);
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  ASSERT_EQ(cfg->project.suites.size(), 1u);
  const Suite& s = cfg->project.suites[0];
  EXPECT_TRUE(s.items.empty());
  EXPECT_TRUE(s.version_hash.empty());
  EXPECT_EQ(cfg->policy.suites.at("s").margin, 0.2);
  // The suite file itself is still checked.
  Write("suites/s.yaml", "name: s\nmodality: image\nmetric: cer\n");
  cfg = LoadText(text);
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("missing required key"));
}

TEST_F(ConfigTest, DatasetDirsPerSuite) {
  WriteSuite("s", "image", {GoodLine()});
  Write("inline/items.jsonl",
        std::string(R"({"id": "a", "reference": "r"})") + "\n");
  auto cfg = LoadText(std::string(kModels) + R"(suites:
  - suites/s.yaml
  - {name: t, modality: text, dataset: inline/items.jsonl, metric: exact}
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  auto dirs = DatasetDirs(cfg->project);
  auto dir = [&](const std::string& rel) {
    return fs::absolute(root_ / rel).lexically_normal().string();
  };
  EXPECT_EQ(dirs, (std::map<std::string, std::string>{{"s", dir("data/s")},
                                                      {"t", dir("inline")}}));
}

// A judge-scored suite: its judge model and rubric are checked and read
// once, and the policy learns which judge must be calibrated (issue 11).
class JudgeConfigTest : public ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    auto known = opt_.metric_known;
    opt_.metric_known = [known](std::string_view m) {
      return m == "judge" || known(m);
    };
    Write("rubric.yaml",
          "name: r\ninstructions: grade\nscale: [1, 2, 3]\n"
          "failure_modes: {chart_misread: misread}\n");
  }
  std::string Project() {
    return std::string(kModels) + "suites: [suites/docs.yaml]\n";
  }
};

TEST_F(JudgeConfigTest, ReadsTheJudgeAndItsRubric) {
  WriteSuite("docs", "image", {GoodLine()},
             "metrics: [judge]\njudge: {model: gpt, rubric: ../rubric.yaml}\n");
  auto cfg = LoadText(Project() + "gate: {judge_kappa_floor: 0.7}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  const Suite& s = cfg->project.suites.at(0);
  ASSERT_TRUE(s.judge.has_value());
  EXPECT_EQ(s.judge->model, "gpt");
  EXPECT_EQ(s.judge->mode, "score");
  EXPECT_EQ(cfg->rubrics.at("docs").scale.size(), 3u);
  EXPECT_EQ(cfg->policy.judged_suites.at("docs").judge, "gpt");
  EXPECT_EQ(cfg->policy.judged_suites.at("docs").rubric_hash,
            cfg->rubrics.at("docs").hash);
  EXPECT_DOUBLE_EQ(cfg->policy.judge_kappa_floor, 0.7);
}

TEST_F(JudgeConfigTest, JudgeErrorsNameFileAndLine) {
  struct Case {
    std::string yaml;
    std::string file;
    std::string what;
  };
  const Case kCases[] = {
      {"metrics: [judge]\njudge: {model: nobody, rubric: ../rubric.yaml}\n",
       "docs.yaml", "judge model 'nobody' is not among the models"},
      {"metrics: [judge]\njudge: {model: gpt, rubric: ../rubric.yaml, "
       "mode: vibes}\n",
       "docs.yaml", "judge mode 'vibes': use score or pairwise"},
      {"judge: {model: gpt, rubric: ../rubric.yaml}\n", "docs.yaml",
       "a suite with a 'judge' must score with it"},
      {"metrics: [judge]\n", "docs.yaml", "metric 'judge' needs a 'judge:"},
      {"metrics: [judge]\njudge: {model: gpt, rubric: ../missing.yaml}\n",
       "docs.yaml", "cannot read rubric"},
      {"metrics: [judge]\njudge: {model: gpt}\n", "docs.yaml", "'rubric'"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.yaml);
    WriteSuite("docs", "image", {GoodLine()}, c.yaml);
    auto cfg = LoadText(Project());
    ASSERT_FALSE(cfg.ok());
    EXPECT_THAT(cfg.status().message(), HasSubstr(c.file + ":"));
    EXPECT_THAT(cfg.status().message(), HasSubstr(c.what));
  }
  Write("bad_rubric.yaml",
        "name: r\ninstructions: grade\nscale: [1, 2, 2]\n"
        "failure_modes: {a: b}\n");
  WriteSuite(
      "docs", "image", {GoodLine()},
      "metrics: [judge]\njudge: {model: gpt, rubric: ../bad_rubric.yaml}\n");
  auto cfg = LoadText(Project());
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("bad_rubric.yaml:3:"));
  WriteSuite("docs", "image", {GoodLine()},
             "metrics: [judge]\njudge: {model: gpt, rubric: ../rubric.yaml}\n");
  auto floor = LoadText(Project() + "gate: {judge_kappa_floor: 2}\n");
  ASSERT_FALSE(floor.ok());
  EXPECT_THAT(floor.status().message(), HasSubstr("judge_kappa_floor"));
}

}  // namespace
}  // namespace mmgate::config

namespace mmgate::config {
namespace {

class DatabaseSettingTest : public dataset::DatasetTest {};

TEST_F(DatabaseSettingTest, RelativePathsFromTheConfigUrlsAsGiven) {
  dataset::LoadOptions opt;
  opt.read_items = false;
  std::string file =
      Write("mmgate.yaml", "models: {}\nsuites: []\ndb: runs/results.db\n");
  std::string want =
      (fs::absolute(fs::path(file)).parent_path() / "runs/results.db")
          .lexically_normal()
          .string();
  auto cfg = Load(file, opt);
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->db, want);
  EXPECT_EQ(*DatabaseSetting(file), want);

  file = Write("mmgate.yaml", "db: sqlite:x.db\n");
  EXPECT_EQ(*DatabaseSetting(file),
            "sqlite:" + (fs::absolute(fs::path(file)).parent_path() / "x.db")
                            .lexically_normal()
                            .string());
  file = Write("mmgate.yaml", "db: postgresql://mmgate@db.internal/results\n");
  EXPECT_EQ(*DatabaseSetting(file), "postgresql://mmgate@db.internal/results");
  file = Write("mmgate.yaml", "models: {}\n");
  EXPECT_EQ(*DatabaseSetting(file), "");
  EXPECT_EQ(*DatabaseSetting(file + ".missing"), "");
  file = Write("mmgate.yaml", "db: [a, b]\n");
  auto bad = DatabaseSetting(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("mmgate.yaml:1"));
}

}  // namespace
}  // namespace mmgate::config
