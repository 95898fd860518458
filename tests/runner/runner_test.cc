#include "runner/runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "run_fixture.h"

namespace mmgate::runner {
namespace {

namespace fs = std::filesystem;

// A scripted model: answers from a table, fails where told, counts calls.
struct Script {
  std::mutex mu;
  std::map<std::string, std::string> answers;
  std::map<std::string, int> calls;
  std::string version = "scripted 1";
  std::atomic<bool>* stop_after = nullptr;
  int stop_count = 0;
  int total_calls = 0;
};

class ScriptedModel : public Model {
 public:
  explicit ScriptedModel(Script* s) : s_(s) {}
  std::string Version() const override { return s_->version; }
  Result<ModelResponse> Answer(const ModelRequest& r) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    ++s_->calls[r.item_id];
    if (s_->stop_after && ++s_->total_calls == s_->stop_count)
      *s_->stop_after = true;
    if (r.item_id == "broken")
      return Status::Corrupt("media/broken.png: not an image");
    return ModelResponse{s_->answers[r.item_id], 3, 1};
  }

 private:
  Script* s_;
};

Item MakeItem(const std::string& id, const std::string& ref, int line) {
  Item it;
  it.id = id;
  it.modality = "text";
  it.prompt = "q " + id;
  it.references = {ref};
  it.group = id;
  it.slices = {{"difficulty", line % 2 ? "hard" : "easy"}};
  it.content_hash = "h-" + id + "-" + ref;
  it.line = line;
  return it;
}

class RunnerTest : public testing::StoreTest {
 protected:
  RunnerTest() : StoreTest("runner", "scripted") {}
  void SetUp() override {
    StoreTest::SetUp();
    Suite suite;
    suite.name = "qa";
    suite.modality = "text";
    suite.metric = "exact";
    suite.version_hash = "v1";
    for (int i = 0; i < 40; ++i) {
      std::string id = "q" + std::to_string(i);
      suite.items.push_back(MakeItem(id, "a" + std::to_string(i), i + 1));
      script_.answers[id] = i % 3 ? "a" + std::to_string(i) : "wrong";
    }
    suite.items.push_back(MakeItem("broken", "x", 41));
    suite.problems.push_back(
        {42, "bad", "items.jsonl:42: item bad: missing media"});
    project_.suites.push_back(suite);
  }
  ModelMaker Maker() {
    return [this](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
      return std::unique_ptr<Model>(new ScriptedModel(&script_));
    };
  }
  RunOptions Options(const std::string& id) {
    RunOptions o;
    o.run_id = id;
    o.workers = 2;
    return o;
  }

  Script script_;
  FakeClock clock_;
};

TEST_F(RunnerTest, ScoresEveryItemAndRecordsFailuresAsData) {
  auto s =
      runner::Run(project_, "m", Options("r1"), store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->total, 42);
  EXPECT_EQ(s->done, 41);
  EXPECT_EQ(s->errors, 2) << "the corrupt item and the invalid line";
  EXPECT_FALSE(s->interrupted);
  auto results = store_->LoadResults("r1");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 42u);
  int correct = 0;
  for (const store::ItemResult& r : *results) {
    ASSERT_TRUE(r.response.has_value()) << r.item.item_id;
    if (r.item.item_id == "broken") {
      EXPECT_EQ(r.response->error_kind, "corrupt_media");
      EXPECT_NE(r.response->error->find("not an image"), std::string::npos);
    } else if (r.item.item_id == "bad") {
      EXPECT_EQ(r.response->error_kind, "invalid_item");
    } else {
      ASSERT_EQ(r.scores.count("exact"), 1u) << r.item.item_id;
      correct += r.scores.at("exact").value == 1.0;
      EXPECT_EQ(r.response->model_version, "scripted 1");
      EXPECT_EQ(r.response->input_tokens, 3);
    }
  }
  EXPECT_EQ(correct, 26);
  EXPECT_EQ((*store_->GetRun("r1"))->status, store::RunStatus::kFinished);
}

// `caps:` per modality: an item over its modality's cap fails before any
// request, naming the item, the medium, its size and the cap; the others
// (the text items, and an image under the cap) are answered.
TEST_F(RunnerTest, ItemOverAnInputCapFailsWithoutAModelCall) {
  fs::create_directories(dir_);
  const auto write = [&](const std::string& name, size_t bytes) {
    std::ofstream(dir_ / name) << std::string(bytes, 'x');
    return MediaRef{"image", "media/" + name, (dir_ / name).string()};
  };
  Suite& suite = project_.suites[0];
  for (auto [id, bytes] : {std::pair<std::string, size_t>{"big", 100},
                           {"small", 20},
                           {"edge", 50}}) {
    Item it = MakeItem(id, "a", 50);
    it.modality = "image";
    it.media = {write(id + ".png", bytes)};
    suite.items.push_back(it);
    script_.answers[id] = "a";
  }
  project_.caps["image"].image_bytes = 50;
  project_.caps["text"].image_bytes = 1;  // no text item has an image
  auto s = runner::Run(project_, "m", Options("caps"), store_.get(), &clock_,
                       Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->total, 45);
  EXPECT_EQ(s->errors, 3) << "the corrupt item, the invalid line, big";
  EXPECT_EQ(script_.calls.count("big"), 0u)
      << "no request for an over-cap item";
  EXPECT_EQ(script_.calls["small"], 1);
  EXPECT_EQ(script_.calls["edge"], 1) << "a cap is inclusive";
  EXPECT_EQ(script_.calls["q1"], 1);
  auto results = store_->LoadResults("caps");
  ASSERT_TRUE(results.ok());
  int over = 0;
  for (const store::ItemResult& r : *results) {
    if (r.response && r.response->error_kind == "over_cap") {
      ++over;
      EXPECT_EQ(*r.response->error,
                "item big: image media/big.png is 100 bytes, over the "
                "image_bytes cap of 50");
    }
  }
  EXPECT_EQ(over, 1);
}

TEST_F(RunnerTest, InterruptedRunResumesWithoutRedoingFinishedItems) {
  // Reference: one uninterrupted run.
  ASSERT_TRUE(runner::Run(project_, "m", Options("full"), store_.get(), &clock_,
                          Maker())
                  .ok());
  script_.calls.clear();

  std::atomic<bool> stop{false};
  script_.stop_after = &stop;
  script_.stop_count = 15;
  RunOptions o = Options("part");
  o.stop = &stop;
  auto first = runner::Run(project_, "m", o, store_.get(), &clock_, Maker());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->interrupted);
  EXPECT_EQ((*store_->GetRun("part"))->status, store::RunStatus::kInterrupted);
  auto done_before = store_->FinishedItems("part");
  ASSERT_TRUE(done_before.ok());
  EXPECT_GE(done_before->size(), 14u);
  EXPECT_LT(done_before->size(), 41u);

  stop = false;
  script_.stop_after = nullptr;
  std::map<std::string, int> calls_before = script_.calls;
  auto second = runner::Run(project_, "m", Options("part"), store_.get(),
                            &clock_, Maker());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->resumed);
  EXPECT_FALSE(second->interrupted);
  EXPECT_EQ(second->skipped, static_cast<int64_t>(done_before->size()));
  for (const auto& [key, hash] : *done_before) {
    EXPECT_EQ(script_.calls[key.second], calls_before[key.second])
        << key.second << " was finished and must not be asked again";
  }

  auto full = store_->LoadResults("full");
  auto resumed = store_->LoadResults("part");
  ASSERT_EQ(full->size(), resumed->size());
  for (size_t i = 0; i < full->size(); ++i) {
    const store::ItemResult& a = (*full)[i];
    const store::ItemResult& b = (*resumed)[i];
    EXPECT_EQ(a.item.item_id, b.item.item_id);
    EXPECT_EQ(a.response->answer, b.response->answer);
    EXPECT_EQ(a.response->error_kind, b.response->error_kind);
    ASSERT_EQ(a.scores.size(), b.scores.size());
    for (const auto& [m, s] : a.scores)
      EXPECT_EQ(s.value, b.scores.at(m).value);
  }
}

TEST_F(RunnerTest, ChangedItemIsRedoneOnResume) {
  ASSERT_TRUE(
      runner::Run(project_, "m", Options("r"), store_.get(), &clock_, Maker())
          .ok());
  project_.suites[0].items[5].content_hash = "changed";
  script_.calls.clear();
  auto s =
      runner::Run(project_, "m", Options("r"), store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok());
  // q5 changed; "broken" failed before, so it is tried again.
  EXPECT_EQ(s->done, 2);
  EXPECT_EQ(script_.calls["q5"], 1);
  EXPECT_EQ(script_.calls["q6"], 0);
}

TEST_F(RunnerTest, RefusesToResumeWithAnotherModelVersion) {
  ASSERT_TRUE(
      runner::Run(project_, "m", Options("r"), store_.get(), &clock_, Maker())
          .ok());
  script_.version = "scripted 2";
  auto s =
      runner::Run(project_, "m", Options("r"), store_.get(), &clock_, Maker());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("scripted 1"), std::string::npos);
}

TEST_F(RunnerTest, UnknownModelOrSuiteIsAConfigError) {
  auto a = runner::Run(project_, "nope", Options("x"), store_.get(), &clock_,
                       Maker());
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("no model named 'nope'"),
            std::string::npos);
  RunOptions o = Options("y");
  o.suites = {"charts"};
  auto b = runner::Run(project_, "m", o, store_.get(), &clock_, Maker());
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("no suite named 'charts'"),
            std::string::npos);
}

TEST_F(RunnerTest, GeneratedRunIdsAreUnique) {
  FakeClock frozen(1'700'000'000'000, std::chrono::nanoseconds(0));
  auto a =
      runner::Run(project_, "m", Options(""), store_.get(), &frozen, Maker());
  auto b =
      runner::Run(project_, "m", Options(""), store_.get(), &frozen, Maker());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->run_id, "m-20231114-221320");
  EXPECT_EQ(b->run_id, "m-20231114-221320-2");
}

}  // namespace
}  // namespace mmgate::runner
