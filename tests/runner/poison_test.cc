// No exception ends a run: a model that throws (std::runtime_error, a JSON
// library exception), a metric whose input recognizer throws, and an answer
// the JSON library cannot encode each become that one item's error; every
// other item of the run is answered and scored.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "run_fixture.h"
#include "runner/executor.h"
#include "runner/runner.h"

namespace mmgate::runner {
namespace {

namespace fs = std::filesystem;

// Answers every item with its reference, except the poisoned ones. It
// reports one attempt per call, so the attempts of a call that threw can be
// checked.
class PoisonModel : public Model {
 public:
  explicit PoisonModel(std::map<std::string, std::string>* answers)
      : answers_(answers) {}
  std::string Version() const override { return "poison 1"; }
  Result<ModelResponse> Answer(const ModelRequest& r) override {
    pending_ = {AttemptInfo{}};
    if (r.item_id == "q3") throw std::runtime_error("engine handle lost");
    if (r.item_id == "q7") {
      // What an unfenced wire parser does with a truncated reply.
      nlohmann::json partial = nlohmann::json::parse("{\"choices\": [");
      return ModelResponse{partial.dump(), 1, 1};
    }
    if (r.item_id == "q9")
      return ModelResponse{nlohmann::json(42).get<std::string>(), 1, 1};
    return ModelResponse{answers_->at(r.item_id), 1, 1};
  }
  std::vector<AttemptInfo> TakeAttempts() override {
    return std::exchange(pending_, {});
  }

 private:
  std::map<std::string, std::string>* answers_;
  std::vector<AttemptInfo> pending_;
};

class PoisonTest : public testing::StoreTest {
 protected:
  PoisonTest() : StoreTest("poison", "poison") {}
  void SetUp() override {
    StoreTest::SetUp();
    Suite suite = testing::TextSuite(30);
    suite.extra_metrics = {"grounding"};
    suite.params = {{"require_evidence", false}};
    for (Item& it : suite.items) {
      // Items with media are grounded in their recognised text.
      if (it.id == "q12" || it.id == "q15")
        it.media = {{"image", it.id + ".png", "/nonexistent/" + it.id}};
      answers_[it.id] = it.references[0];
    }
    project_.suites.push_back(suite);
  }
  ModelMaker Maker() {
    return [this](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
      return std::unique_ptr<Model>(new PoisonModel(&answers_));
    };
  }
  RunOptions Options(const std::string& id) {
    RunOptions o;
    o.run_id = id;
    o.workers = 3;
    // The recognizer behind `grounding` throws for the two media items.
    o.score_context.input_text = [](const Item& item) -> Result<std::string> {
      if (item.id == "q12") throw std::runtime_error("ocr crashed");
      return nlohmann::json::parse("not json").get<std::string>();
    };
    return o;
  }
  std::map<std::string, const store::ItemResult*> ById(
      const std::vector<store::ItemResult>& results) {
    std::map<std::string, const store::ItemResult*> out;
    for (const store::ItemResult& r : results) out[r.item.item_id] = &r;
    return out;
  }

  std::map<std::string, std::string> answers_;
  FakeClock clock_;
};

TEST_F(PoisonTest, ThrowingModelAndMetricFailOnlyTheirItems) {
  auto s =
      runner::Run(project_, "m", Options("r"), store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->total, 30);
  EXPECT_EQ(s->done, 30);
  EXPECT_EQ(s->errors, 5);
  EXPECT_FALSE(s->interrupted);
  auto results = store_->LoadResults("r");
  ASSERT_TRUE(results.ok()) << results.status().message();
  auto by_id = ById(*results);
  const std::map<std::string, std::string> poisoned = {
      {"q3", "engine handle lost"},
      {"q7", "parse_error"},
      {"q9", "type_error"},
      {"q12", "ocr crashed"},
      {"q15", "parse_error"}};
  int answered = 0;
  for (const auto& [id, r] : by_id) {
    ASSERT_TRUE(r->response.has_value()) << id;
    auto p = poisoned.find(id);
    if (p == poisoned.end()) {
      EXPECT_FALSE(r->response->error) << id << ": " << *r->response->error;
      EXPECT_EQ(r->scores.at("exact").value, 1.0) << id;
      EXPECT_EQ(r->scores.count("grounding"), 1u) << id;
      ++answered;
      continue;
    }
    ASSERT_TRUE(r->response->error) << id;
    EXPECT_EQ(r->response->error_kind, "internal_error") << id;
    const std::string& msg = *r->response->error;
    EXPECT_NE(msg.find("item " + id + ": internal error: "), std::string::npos)
        << msg;
    EXPECT_NE(msg.find(p->second), std::string::npos) << msg;
    EXPECT_FALSE(r->response->answer) << id;
    EXPECT_TRUE(r->scores.empty()) << id;
  }
  EXPECT_EQ(answered, 25);
  // The call that threw still made its attempt; it is on record.
  auto attempts = store_->LoadAttempts("r");
  ASSERT_TRUE(attempts.ok());
  EXPECT_EQ(attempts->size(), 30u);
  EXPECT_EQ(s->attempts, 30);
  EXPECT_EQ(by_id.at("q3")->response->n_attempts, 1);
  EXPECT_EQ((*store_->GetRun("r"))->status, store::RunStatus::kFinished);
}

TEST_F(PoisonTest, AnswerTheJsonLibraryCannotEncodeFailsOnlyItsItem) {
  // With repeats the answers are kept as JSON; invalid UTF-8 makes the JSON
  // library throw while the item's response is assembled.
  answers_["q4"] = "a4\xff\xfe";
  RunOptions o = Options("rep");
  o.repeat = 2;
  auto s = runner::Run(project_, "m", o, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->done, 30);
  EXPECT_EQ(s->errors, 6);
  auto results = store_->LoadResults("rep");
  ASSERT_TRUE(results.ok());
  auto by_id = ById(*results);
  const store::ResponseRecord& q4 = *by_id.at("q4")->response;
  EXPECT_EQ(q4.error_kind, "internal_error");
  EXPECT_NE(q4.error->find("item q4"), std::string::npos) << *q4.error;
  const store::ResponseRecord& q5 = *by_id.at("q5")->response;
  EXPECT_FALSE(q5.error);
  EXPECT_EQ(q5.n_repeats, 2);
  EXPECT_EQ(by_id.at("q5")->scores.at("exact").value, 1.0);
}

TEST_F(PoisonTest, ScoringHookThatThrowsIsTheItemsError) {
  ExecutorConfig config;
  config.run_id = "direct";
  config.model_version = "poison 1";
  config.score =
      [](const Suite&, const Item& item,
         const std::string&) -> Result<std::vector<store::ScoreRecord>> {
    if (item.id == "q1") throw std::out_of_range("no such rubric");
    return std::vector<store::ScoreRecord>{{"exact", 1, 1, 1, "ok"}};
  };
  ItemExecutor executor(std::move(config), store_.get(), &clock_);
  PoisonModel model(&answers_);
  const Suite& suite = project_.suites[0];
  ItemOutcome bad = executor.Execute(suite, suite.items[1], &model);
  EXPECT_EQ(bad.response.error_kind, "internal_error");
  EXPECT_NE(bad.response.error->find("item q1: internal error: no such rubric"),
            std::string::npos);
  EXPECT_EQ(bad.provider_attempts, 1);
  EXPECT_EQ(bad.attempts.size(), 1u);
  ItemOutcome good = executor.Execute(suite, suite.items[2], &model);
  EXPECT_FALSE(good.response.error);
  ASSERT_EQ(good.scores.size(), 1u);
  EXPECT_EQ(*good.response.answer, "a2");
}

}  // namespace
}  // namespace mmgate::runner
