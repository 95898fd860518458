// Calibration against people's labels: bad label lines get file:line
// problems and lose none of the good ones; the stored figures are the
// agreement of the judge's grades with people's; unparsable verdicts are
// counted, not compared. The judge here is a scripted in-process model (the
// HTTP path is judge_http_test's): it grades by a table keyed on the answer
// it finds in the prompt's answer block.
#include "judge/calibrate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/clock.h"
#include "judge/labels_file.h"

namespace mmgate::judge {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kRubric =
    "name: cal\ninstructions: grade it\nscale: [1, 2, 3, 4, 5]\n"
    "failure_modes: {chart_misread: misread, dropped_rows: missing}\n";

// Grades the answer in the prompt's answer block: "g<N>..." gets grade N;
// "garbled" gets a reply with no verdict.
class ScriptedJudge final : public Model {
 public:
  std::string Version() const override { return "scripted-judge 1"; }
  Result<ModelResponse> Answer(const ModelRequest& req) override {
    if (req.prompt.find("<<ANSWER_A ") != std::string::npos)
      return Pairwise(req.prompt);
    size_t open = req.prompt.find("<<ANSWER ");
    size_t body = req.prompt.find('\n', open) + 1;
    size_t close = req.prompt.find("<</ANSWER ", body);
    std::string answer = json::parse(req.prompt.substr(body, close - body - 1))
                             .get<std::string>();
    ModelResponse r;
    if (answer == "garbled") {
      r.answer = "no idea";
      return r;
    }
    r.answer = json{{"grade", answer.substr(1, 1)},
                    {"failure_modes", json::array()},
                    {"rationale", "scripted"}}
                   .dump();
    return r;
  }

 private:
  static std::string Block(const std::string& prompt, const std::string& name) {
    size_t open = prompt.find("<<" + name + " ");
    size_t body = prompt.find('\n', open) + 1;
    size_t close = prompt.find("<</" + name + " ", body);
    return json::parse(prompt.substr(body, close - body - 1))
        .get<std::string>();
  }
  // The answer holding "good" wins; a pair with "biased" in it is always
  // won by whichever answer is shown first (position bias).
  static Result<ModelResponse> Pairwise(const std::string& prompt) {
    std::string a = Block(prompt, "ANSWER_A"), b = Block(prompt, "ANSWER_B");
    bool ga = a.find("good") != std::string::npos;
    bool gb = b.find("good") != std::string::npos;
    std::string winner = ga == gb ? "tie" : ga ? "A" : "B";
    if ((a + b).find("biased") != std::string::npos) winner = "A";
    ModelResponse r;
    r.answer = json{{"winner", winner}, {"rationale", "scripted"}}.dump();
    return r;
  }
};

class CalibrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-calibrate-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    cfg_.project.path = (dir_ / "mmgate.yaml").string();
    cfg_.project.base_dir = dir_.string();
    cfg_.project.models["grader"] = ModelSpec{"grader", "exec", {}, ""};
    Suite s;
    s.name = "charts";
    s.modality = "chart";
    s.metric = "judge";
    s.judge = JudgeSpec{"grader", "rubric.yaml", "score", "s.yaml:2"};
    for (int i = 0; i < 12; ++i) {
      Item it;
      it.id = "c" + std::to_string(i);
      it.slices = {{"chart_type", i % 2 ? "bar" : "line"}};
      s.items.push_back(it);
    }
    cfg_.project.suites.push_back(s);
    cfg_.rubrics["charts"] = *ParseRubric("rubric.yaml", kRubric);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& text) {
    std::string path = (dir_ / "labels.jsonl").string();
    std::ofstream(path) << text;
    return path;
  }

  fs::path dir_;
  config::Config cfg_;
};

std::string Label(int item, const std::string& answer, int grade,
                  const std::string& grader = "ana") {
  return json{{"suite", "charts"},
              {"item", "c" + std::to_string(item)},
              {"answer", answer},
              {"grade", grade},
              {"grader", grader}}
             .dump() +
         "\n";
}

TEST_F(CalibrateTest, BadLabelLinesAreNamedAndGoodOnesKept) {
  std::string text = Label(0, "g5", 5);  // 1
  text += Label(99, "g5", 5);            // 2
  text += Label(1, "g5", 7);             // 3
  text += Label(0, "g5", 4);             // 4 dup
  text += "{not json\n";                 // 5
  text +=
      R"({"suite": "other", "item": "c1", "answer": "a", "grade": 1, "grader": "x"})"
      "\n";  // 6
  text +=
      R"({"suite": "charts", "item": "c1", "answer": "a", "grade": 1, "grader": "x", "failure_modes": ["nope"]})"
      "\n";                          // 7
  text += "\n";                      // 8
  text += Label(2, "g2", 2, "ben");  // 9
  auto file = ReadLabels(Write(text), cfg_, "grader");
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_EQ(file->labels.size(), 2u);
  EXPECT_EQ(file->labels[0].line, 1);
  EXPECT_EQ(file->labels[1].line, 9);
  EXPECT_EQ(file->labels[1].grade, 1) << "grade 2 is index 1";
  ASSERT_EQ(file->problems.size(), 6u);
  const char* expected[] = {
      ":2: unknown item id 'c99'", ":3: grade 7 is off the rubric's scale",
      ":4: duplicate of line 1",   ":5: not JSON",
      ":6: unknown suite 'other'", ":7: failure mode \"nope\""};
  for (size_t i = 0; i < 6; ++i)
    EXPECT_NE(file->problems[i].find(std::string("labels.jsonl") + expected[i]),
              std::string::npos)
        << file->problems[i];
}

TEST_F(CalibrateTest, StoresAgreementPerModalityAndSliceWithJudgeVersion) {
  // People's grades and the answers that make the judge grade them.
  const int people[] = {5, 4, 1, 2, 3, 5, 1, 4, 2, 3, 5, 1};
  const int judge[] = {5, 4, 2, 2, 3, 4, 1, 5, 2, 3, 5, 1};
  std::string text;
  for (int i = 0; i < 12; ++i)
    text += Label(i, "g" + std::to_string(judge[i]) + " #" + std::to_string(i),
                  people[i]);
  text += Label(0, "garbled", 3, "ben");
  auto store = store::OpenStore((dir_ / "results.db").string());
  ASSERT_TRUE(store.ok());
  FakeClock clock;
  CalibrateOptions opt;
  opt.judge = "grader";
  opt.labels_path = Write(text);
  opt.workers = 3;
  auto make = [](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
    return std::unique_ptr<Model>(new ScriptedJudge);
  };
  auto r = Calibrate(cfg_, opt, store->get(), &clock, make);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->labels, 13);
  EXPECT_EQ(r->unscored, 1);
  EXPECT_EQ(r->judge_version, "scripted-judge 1");

  std::vector<int> a, b;
  for (int i = 0; i < 12; ++i) {
    a.push_back(people[i] - 1);
    b.push_back(judge[i] - 1);
  }
  auto stored = (*store)->ListCalibrations("grader");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u) << "chart, chart_type=bar, chart_type=line";
  const store::CalibrationRecord& all = (*stored)[0];
  EXPECT_EQ(all.modality, "chart");
  EXPECT_TRUE(all.slice_key.empty());
  EXPECT_EQ(all.n, 12);
  EXPECT_EQ(all.unscored, 1);
  EXPECT_EQ(all.kappa_kind, "quadratic");
  EXPECT_EQ(all.judge_version, "scripted-judge 1");
  EXPECT_EQ(all.rubric_hash, cfg_.rubrics["charts"].hash);
  EXPECT_NEAR(*all.kappa, *CohenKappa(a, b, 5, KappaWeights::kQuadratic),
              1e-12);
  ASSERT_TRUE(all.kappa_lo.has_value());
  EXPECT_LE(*all.kappa_lo, *all.kappa);
  json detail = json::parse(all.detail_json);
  EXPECT_NEAR(detail["kappa"].get<double>(),
              *CohenKappa(a, b, 5, KappaWeights::kNone), 1e-12);
  EXPECT_NEAR(detail["raw_agreement"].get<double>(), 9.0 / 12, 1e-12);
  EXPECT_EQ(detail["confusion"][0][1], 1) << "people 1, judge 2";
  EXPECT_EQ((*stored)[1].slice_key, "chart_type");
  EXPECT_EQ((*stored)[1].n + (*stored)[2].n, 12);

  // Seeded: the same labels give the same interval.
  auto again = Calibrate(cfg_, opt, store->get(), &clock, make);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->strata[0].record.kappa_lo, *all.kappa_lo);
}

TEST_F(CalibrateTest, NoUsableLabelIsAnError) {
  CalibrateOptions opt;
  opt.judge = "grader";
  opt.labels_path = Write(Label(77, "g1", 1));
  auto store = store::OpenStore((dir_ / "results.db").string());
  FakeClock clock;
  auto r = Calibrate(cfg_, opt, store->get(), &clock,
                     [](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
                       return std::unique_ptr<Model>(new ScriptedJudge);
                     });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no usable label"), std::string::npos);
}

TEST_F(CalibrateTest, PairwiseLabelsCountPositionFlipsAsTies) {
  Suite s = cfg_.project.suites[0];
  s.name = "pairs";
  s.judge->mode = "pairwise";
  cfg_.project.suites.push_back(s);
  cfg_.rubrics["pairs"] = cfg_.rubrics["charts"];
  auto pair = [](int item, const std::string& a, const std::string& b,
                 const std::string& preferred) {
    return json{{"suite", "pairs"},       {"item", "c" + std::to_string(item)},
                {"answer_a", a},          {"answer_b", b},
                {"preferred", preferred}, {"grader", "ana"}}
               .dump() +
           "\n";
  };
  std::string text;
  text += pair(0, "good 1", "bad 1", "A");
  text += pair(1, "bad 2", "good 2", "B");
  text += pair(2, "good 3", "good 3b", "tie");
  text += pair(3, "bad 4", "good 4", "B");
  text += pair(4, "good 5", "bad 5", "A");
  text += pair(5, "biased bad", "good 6", "B");  // the judge flips: a tie
  text += pair(6, "good 7", "bad 7", "A");
  text += pair(7, "bad 8", "bad 8b", "tie");
  text += pair(8, "x", "y", "A");
  text += Label(9, "g3", 3);  // a score label on a pairwise suite: refused
  text.replace(text.rfind("\"charts\""), 8, "\"pairs\"");
  auto store = store::OpenStore((dir_ / "results.db").string());
  FakeClock clock;
  CalibrateOptions opt;
  opt.judge = "grader";
  opt.labels_path = Write(text);
  auto r = Calibrate(cfg_, opt, store->get(), &clock,
                     [](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
                       return std::unique_ptr<Model>(new ScriptedJudge);
                     });
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_NE(r->problems[0].find(":10: 'answer' does not apply"),
            std::string::npos)
      << r->problems[0];
  const store::CalibrationRecord& all = r->strata[0].record;
  EXPECT_EQ(all.kappa_kind, "pairwise-quadratic");
  EXPECT_EQ(all.n, 9);
  json detail = json::parse(all.detail_json);
  EXPECT_NEAR(detail["position_bias_rate"].get<double>(), 1.0 / 9, 1e-12);
  // People: A B tie B A B A tie A; judge: A B tie B A tie A tie tie.
  EXPECT_NEAR(detail["raw_agreement"].get<double>(), 7.0 / 9, 1e-12);
}

}  // namespace
}  // namespace mmgate::judge
