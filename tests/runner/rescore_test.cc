#include "runner/rescore.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "dataset/load.h"
#include "run_fixture.h"
#include "runner/runner.h"

namespace mmgate::runner {
namespace {

namespace fs = std::filesystem;

// A model with a response cache key and one billed attempt per call, so a
// run fills the attempts and cache tables. It counts its calls.
class CountingModel : public Model {
 public:
  CountingModel(const std::map<std::string, std::string>* answers, int* calls,
                std::mutex* mu)
      : answers_(answers), calls_(calls), mu_(mu) {}
  std::string Version() const override { return "counting 1"; }
  Result<ModelResponse> Answer(const ModelRequest& r) override {
    {
      std::lock_guard<std::mutex> lock(*mu_);
      ++*calls_;
    }
    pending_ = {AttemptInfo{1, 200, "", "", 5, -1, 0, 10, 2}};
    if (r.item_id == "broken") {
      pending_[0].http_status = 500;
      pending_[0].error_kind = "server_error";
      return Status::EngineError("item broken: HTTP 500");
    }
    return ModelResponse{answers_->at(r.item_id), 10, 2};
  }
  std::string CacheKey(const ModelRequest& r) const override {
    return "key-" + r.prompt;
  }
  std::vector<AttemptInfo> TakeAttempts() override {
    return std::exchange(pending_, {});
  }

 private:
  const std::map<std::string, std::string>* answers_;
  int* calls_;
  std::mutex* mu_;
  std::vector<AttemptInfo> pending_;
};

int64_t CountRows(const fs::path& db, const std::string& table) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string sql = "SELECT COUNT(*) FROM " + table;
  EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

class RescoreTest : public testing::StoreTest {
 protected:
  RescoreTest() : StoreTest("rescore", "counting") {}
  void SetUp() override {
    StoreTest::SetUp();
    Suite suite = testing::TextSuite(20);
    for (int i = 0; i < 20; ++i) {
      // Every fourth answer differs from its reference only in case and
      // punctuation: wrong for `exact`, right for `normalized_match`.
      answers_["q" + std::to_string(i)] =
          i % 4 == 0 ? "A" + std::to_string(i) + "." : "a" + std::to_string(i);
    }
    Item broken = suite.items[0];
    broken.id = "broken";
    broken.prompt = "say broken";
    broken.content_hash = "hbroken";
    broken.line = 21;
    suite.items.push_back(broken);
    suite.problems.push_back({22, "bad", "items.jsonl:22: item bad: no id"});
    project_.suites.push_back(suite);
    Suite other = suite;
    other.name = "other";
    other.problems.clear();
    for (Item& it : other.items) it.prompt = "tell " + it.id;
    project_.suites.push_back(other);
  }
  ModelMaker Maker() {
    return [this](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
      return std::unique_ptr<Model>(
          new CountingModel(&answers_, &calls_, &mu_));
    };
  }
  void RunSource(const std::string& id, int repeat = 1) {
    RunOptions o;
    o.run_id = id;
    o.workers = 2;
    o.repeat = repeat;
    auto s = runner::Run(project_, "m", o, store_.get(), &clock_, Maker());
    ASSERT_TRUE(s.ok()) << s.status().message();
  }
  std::map<std::string, store::ItemResult> Results(const std::string& run,
                                                   const std::string& suite) {
    auto results = store_->LoadResults(run);
    EXPECT_TRUE(results.ok()) << results.status().message();
    std::map<std::string, store::ItemResult> out;
    for (store::ItemResult& r : *results)
      if (r.item.suite == suite) out[r.item.item_id] = std::move(r);
    return out;
  }

  std::map<std::string, std::string> answers_;
  int calls_ = 0;
  std::mutex mu_;
  FakeClock clock_;
};

TEST_F(RescoreTest, AnotherMetricRescoresStoredAnswersWithoutAnyCall) {
  RunSource("src");
  const int calls = calls_;
  const int64_t attempts = CountRows(db(), "attempts");
  const int64_t cache = CountRows(db(), "cache");
  ASSERT_EQ(attempts, 42);
  ASSERT_EQ(cache, 40);  // every answer but the two failed calls

  RescoreOptions o;
  o.run_id = "norm";
  o.suites = {"qa"};
  o.metric = "normalized_match";
  auto s = Rescore(project_, "src", o, store_.get(), &clock_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->run_id, "norm");
  EXPECT_EQ(s->source_run, "src");
  EXPECT_EQ(s->suites, std::vector<std::string>{"qa"});
  EXPECT_EQ(s->items, 22);
  EXPECT_EQ(s->rescored, 20);
  EXPECT_EQ(s->errors, 2) << "the failed call and the invalid line";
  EXPECT_EQ(s->not_run, 0);

  EXPECT_EQ(calls_, calls);
  EXPECT_EQ(CountRows(db(), "attempts"), attempts);
  EXPECT_EQ(CountRows(db(), "cache"), cache);
  auto new_attempts = store_->LoadAttempts("norm");
  ASSERT_TRUE(new_attempts.ok());
  EXPECT_TRUE(new_attempts->empty());

  auto run = store_->GetRun("norm");
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->source_run, "src");
  EXPECT_EQ((*run)->model, "m");
  EXPECT_EQ((*run)->model_version, "counting 1");
  EXPECT_EQ((*run)->status, store::RunStatus::kFinished);
  auto suites = store_->GetSuites("norm");
  ASSERT_TRUE(suites.ok());
  ASSERT_EQ(suites->size(), 1u);
  EXPECT_EQ((*suites)[0].metric, "normalized_match");
  EXPECT_NE((*suites)[0].version_hash, "v1");

  auto before = Results("src", "qa");
  auto after = Results("norm", "qa");
  ASSERT_EQ(after.size(), 22u);
  EXPECT_EQ(before.at("q4").scores.at("exact").value, 0.0);
  EXPECT_EQ(after.at("q4").scores.at("normalized_match").value, 1.0);
  EXPECT_EQ(after.at("q4").scores.count("exact"), 0u);
  EXPECT_EQ(after.at("q4").item.metric, "normalized_match");
  for (auto& [id, r] : after) {
    const store::ResponseRecord& a = *before.at(id).response;
    const store::ResponseRecord& b = *r.response;
    EXPECT_EQ(a.answer, b.answer) << id;
    EXPECT_EQ(a.error, b.error) << id;
    EXPECT_EQ(a.error_kind, b.error_kind) << id;
    EXPECT_EQ(a.latency_ms, b.latency_ms) << id;
    EXPECT_EQ(a.input_tokens, b.input_tokens) << id;
    EXPECT_EQ(a.n_attempts, b.n_attempts) << id;
    EXPECT_EQ(a.cost_usd, b.cost_usd) << id;
    if (!b.error) {
      EXPECT_EQ(r.scores.at("normalized_match").value, 1.0) << id;
    }
  }
  EXPECT_EQ(after.at("broken").response->error_kind, "server_error");
  EXPECT_EQ(after.at("bad").response->error_kind, "invalid_item");
}

TEST_F(RescoreTest, SameMetricGivesTheSameScoresAndADefaultId) {
  RunSource("src");
  FakeClock frozen(1'700'000'000'000, std::chrono::nanoseconds(0));
  auto s = Rescore(project_, "src", {}, store_.get(), &frozen);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->run_id, "src-rescore-20231114-221320");
  EXPECT_EQ(s->suites, (std::vector<std::string>{"other", "qa"}));
  auto again = Rescore(project_, "src", {}, store_.get(), &frozen);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run_id, "src-rescore-20231114-221320-2");
  for (const char* suite : {"qa", "other"}) {
    auto before = Results("src", suite);
    auto after = Results(s->run_id, suite);
    ASSERT_EQ(before.size(), after.size());
    for (auto& [id, r] : before) {
      ASSERT_EQ(r.scores.size(), after.at(id).scores.size()) << id;
      for (auto& [m, sc] : r.scores) {
        EXPECT_EQ(sc.value, after.at(id).scores.at(m).value) << id;
        EXPECT_EQ(sc.detail, after.at(id).scores.at(m).detail) << id;
      }
    }
  }
  auto suites = store_->GetSuites(s->run_id);
  ASSERT_TRUE(suites.ok());
  EXPECT_EQ((*suites)[0].version_hash, "v1") << "same config, same version";
}

TEST_F(RescoreTest, RepeatsAreRescoredEachAndMalformedRowsFailOnlyTheirItem) {
  RunSource("rep", 3);
  // A stored row whose repeats JSON is malformed.
  auto results = store_->LoadResults("rep");
  ASSERT_TRUE(results.ok());
  for (const store::ItemResult& r : *results) {
    if (r.item.suite != "qa" || r.item.item_id != "q1") continue;
    store::ResponseRecord bad = *r.response;
    bad.repeats_json = "[{\"answer\": ";
    std::vector<store::ScoreRecord> scores;
    for (const auto& [m, sc] : r.scores) scores.push_back(sc);
    ASSERT_TRUE(store_->PutResult("rep", bad, scores).ok());
  }
  RescoreOptions o;
  o.run_id = "rep-norm";
  o.suites = {"qa"};
  o.metric = "normalized_match";
  auto s = Rescore(project_, "rep", o, store_.get(), &clock_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->errors, 3);
  auto after = Results("rep-norm", "qa");
  // The store fences the malformed row when loading it: q1 reaches rescore
  // as a corrupt-row error, which stays an error.
  EXPECT_EQ(after.at("q1").response->error_kind, "corrupt_row");
  EXPECT_NE(after.at("q1").response->error->find("responses.repeats_json"),
            std::string::npos);
  const store::ItemResult& q8 = after.at("q8");
  EXPECT_EQ(q8.response->n_repeats, 3);
  EXPECT_EQ(q8.scores.at("normalized_match").value, 1.0);
  EXPECT_EQ(q8.scores.at("normalized_match").detail.rfind("mean of 3", 0), 0u);
  auto reps = nlohmann::json::parse(q8.response->repeats_json);
  ASSERT_EQ(reps.size(), 3u);
  EXPECT_EQ(reps[0]["answer"], "A8.");
  EXPECT_EQ(reps[0]["value"], 1.0);
  EXPECT_FALSE(q8.response->flaky);
  EXPECT_EQ(after.at("q9").scores.at("normalized_match").value, 1.0);
}

TEST_F(RescoreTest, BadInputIsRefusedAndNothingIsWritten) {
  RunSource("src");
  auto runs_before = store_->ListRuns();
  ASSERT_TRUE(runs_before.ok());
  auto refused = [&](const std::string& source, RescoreOptions o,
                     const std::string& says) {
    auto s = Rescore(project_, source, o, store_.get(), &clock_);
    ASSERT_FALSE(s.ok()) << says;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(says), std::string::npos)
        << s.status().message();
  };
  refused("nope", {}, "no run named 'nope'");
  RescoreOptions metric;
  metric.metric = "bleu";
  refused("src", metric, "unknown metric 'bleu'");
  RescoreOptions suite;
  suite.suites = {"charts"};
  refused("src", suite, "no suite named 'charts'");
  RescoreOptions taken;
  taken.run_id = "src";
  refused("src", taken, "run 'src' exists");
  project_.suites[0].items[3].content_hash = "edited";
  refused("src", {}, "qa/q3");
  project_.suites.pop_back();
  project_.suites[0].items[3].content_hash = "hq3";
  refused("src", {}, "suite 'other' of run 'src' is not in mmgate.yaml");
  auto runs_after = store_->ListRuns();
  ASSERT_TRUE(runs_after.ok());
  EXPECT_EQ(runs_after->size(), runs_before->size());
}

// A config whose suite is streamed from its file (as `mmgate rescore` loads
// it) rescores alike: the stored items are paged, each config item read back
// from its place in the file, and the scores are those of the same suite
// loaded whole.
TEST_F(RescoreTest, AStreamedSuiteRescoresAsTheSuiteLoadedWhole) {
  fs::create_directories(dir_);
  {
    std::ofstream out(dir_ / "items.jsonl");
    for (int i = 0; i < 12; ++i) {
      out << R"({"id": "q)" << i << R"(", "modality": "text", "prompt": "p)"
          << i << R"(", "reference": "a)" << i << "\"}\n";
      if (i == 5) out << "{broken\n";
    }
    std::ofstream(dir_ / "qa.yaml")
        << "name: qa\nmodality: text\ndataset: items.jsonl\nmetric: exact\n";
  }
  auto load = [&](bool stream) {
    dataset::LoadOptions lo;
    lo.stream_items = stream;
    auto suite = dataset::LoadSuite((dir_ / "qa.yaml").string(), lo);
    EXPECT_TRUE(suite.ok()) << suite.status().message();
    ProjectConfig p = project_;
    p.suites = {*suite};
    return p;
  };
  ProjectConfig streamed = load(true), whole = load(false);
  ASSERT_TRUE(streamed.suites[0].streamed);
  ASSERT_FALSE(whole.suites[0].streamed);
  {
    RunOptions o;
    o.run_id = "src";
    auto s = runner::Run(whole, "m", o, store_.get(), &clock_, Maker());
    ASSERT_TRUE(s.ok()) << s.status().message();
  }
  RescoreOptions o;
  o.metric = "normalized_match";
  o.run_id = "from-stream";
  auto a = Rescore(streamed, "src", o, store_.get(), &clock_);
  ASSERT_TRUE(a.ok()) << a.status().message();
  o.run_id = "from-whole";
  auto b = Rescore(whole, "src", o, store_.get(), &clock_);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(a->items, 13) << "12 items and the invalid line";
  EXPECT_EQ(a->rescored, 12);
  EXPECT_EQ(a->errors, 1);
  EXPECT_EQ(a->items, b->items);
  auto x = Results("from-stream", "qa"), y = Results("from-whole", "qa");
  ASSERT_EQ(x.size(), 13u);
  ASSERT_EQ(x.size(), y.size());
  int right = 0;
  for (const auto& [id, r] : x) {
    const store::ItemResult& w = y.at(id);
    EXPECT_EQ(r.item.content_hash, w.item.content_hash) << id;
    EXPECT_EQ(r.item.prompt, w.item.prompt) << id;
    EXPECT_EQ(r.scores.size(), w.scores.size()) << id;
    for (const auto& [metric, score] : r.scores)
      EXPECT_DOUBLE_EQ(score.value, w.scores.at(metric).value) << id;
    if (r.scores.count("normalized_match"))
      right += r.scores.at("normalized_match").value == 1;
  }
  EXPECT_EQ(right, 12) << "q0, q4, q8 differ only in case and punctuation";
}

}  // namespace
}  // namespace mmgate::runner
