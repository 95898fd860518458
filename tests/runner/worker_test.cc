// Shared-database workers (runner/worker.h) on SQLite with an injected clock
// and wait: batches run once, an abandoned batch is taken over after its
// lease with its finished items left alone, and the stale holder's write is
// refused.
#include "runner/worker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "common/clock.h"
#include "dataset/load.h"
#include "run_fixture.h"
#include "runner/plan.h"

namespace mmgate::runner {
namespace {

namespace fs = std::filesystem;

// Answers "aN" for item qN and counts calls per item.
class CountingModel : public Model {
 public:
  explicit CountingModel(std::map<std::string, int>* calls) : calls_(calls) {}
  std::string Version() const override { return "counting 1"; }
  Result<ModelResponse> Answer(const ModelRequest& r) override {
    ++(*calls_)[r.item_id];
    return ModelResponse{"a" + r.item_id.substr(1), 1, 1};
  }

 private:
  std::map<std::string, int>* calls_;
};

class WorkerTest : public testing::StoreTest {
 protected:
  WorkerTest() : StoreTest("worker", "scripted") {}
  void SetUp() override {
    StoreTest::SetUp();
    project_.suites.push_back(testing::TextSuite(20));
    options_.run_id = "shared";
    options_.owner = "w1";
    options_.batch_size = 8;
    options_.lease_ms = 1000;
    options_.poll_ms = 100;
    options_.wait = [this](int64_t ms) {
      ++waits_;
      clock_.Advance(ms);
    };
  }
  ModelMaker Maker() {
    return [this](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
      return std::unique_ptr<Model>(new CountingModel(&calls_));
    };
  }

  WorkerOptions options_;
  ManualClock clock_;
  std::map<std::string, int> calls_;
  int waits_ = 0;
};

TEST_F(WorkerTest, OneWorkerRunsEveryBatchOnceAndFinishesTheRun) {
  auto s = RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->batches, 3) << "20 items in batches of 8";
  EXPECT_EQ(s->items, 20);
  EXPECT_TRUE(s->run_finished);
  EXPECT_EQ(calls_.size(), 20u);
  for (const auto& [item, n] : calls_) EXPECT_EQ(n, 1) << item;
  auto run = store_->GetRun("shared");
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->status, store::RunStatus::kFinished);
  EXPECT_TRUE(s->planned);
  auto leases = store_->ListLeases("shared");
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 4u) << "three batches and the plan's marker";
  EXPECT_EQ((*leases)[3].batch_id.substr(0, 6), "~plan/");
  for (const store::Lease& l : *leases) EXPECT_GE(l.expires_ms, kBatchDoneMs);

  EXPECT_EQ(s->batch_size, 8);
  EXPECT_EQ((*leases)[3].owner, "w1 batch-size 8") << "the plan's size";

  // A late worker finds nothing to do, records nothing and calls nothing;
  // given another batch size, it adopts the plan's.
  options_.owner = "w2";
  options_.batch_size = 3;
  int told = 0;
  options_.on_plan = [&told](int size) { told = size; };
  auto late =
      RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(late.ok()) << late.status().message();
  EXPECT_EQ(late->items, 0);
  EXPECT_EQ(late->batch_size, 8);
  EXPECT_EQ(told, 8);
  EXPECT_FALSE(late->planned) << "the run was recorded once";
  EXPECT_TRUE(late->run_finished);
  EXPECT_EQ(calls_.size(), 20u);
}

// The worker that claimed the plan's marker died while recording the run:
// the next one waits for its lease, then records the run itself.
TEST_F(WorkerTest, ADeadPlannersPlanIsTakenOverAfterItsLease) {
  ASSERT_TRUE(
      RunWorker(project_, "m", options_, store_.get(), &clock_, Maker()).ok());
  const std::string marker = store_->ListLeases("shared")->back().batch_id;
  calls_.clear();
  waits_ = 0;
  options_.run_id = "again";
  ASSERT_TRUE(StartRun("again", "m", "counting 1", project_.models["m"],
                       project_.path, store_.get(), &clock_)
                  .ok());
  ASSERT_TRUE(store_
                  ->ClaimLease("again", marker, "dead", clock_.WallMillis(),
                               options_.lease_ms)
                  ->has_value())
      << "the same suites and batch size: the same marker";
  auto s = RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(waits_, options_.lease_ms / options_.poll_ms)
      << "it waited for the dead planner's lease, then no more";
  EXPECT_TRUE(s->planned);
  EXPECT_EQ(s->items, 20);
  EXPECT_EQ(calls_.size(), 20u);
  EXPECT_TRUE(s->run_finished);
  EXPECT_EQ(store_->CountResults("again")->items, 20);
}

// A planner that died after recording part of the run in batches of 5:
// the worker taking its plan over cuts batches of 5 too, whatever its own
// batch size, so the queue holds one size.
TEST_F(WorkerTest, ATakenOverPlanKeepsTheDeadPlannersBatchSize) {
  ASSERT_TRUE(
      RunWorker(project_, "m", options_, store_.get(), &clock_, Maker()).ok());
  const std::string marker = store_->ListLeases("shared")->back().batch_id;
  calls_.clear();
  options_.run_id = "again";
  ASSERT_TRUE(StartRun("again", "m", "counting 1", project_.models["m"],
                       project_.path, store_.get(), &clock_)
                  .ok());
  ASSERT_TRUE(store_
                  ->ClaimLease("again", marker, "dead batch-size 5",
                               clock_.WallMillis(), options_.lease_ms)
                  ->has_value());
  ASSERT_TRUE(store_->AddLeases("again", {"qa/000000", "qa/000005"}).ok());
  auto s = RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->planned);
  EXPECT_EQ(s->batch_size, 5);
  EXPECT_EQ(s->batches, 4) << "20 items in batches of 5";
  EXPECT_EQ(s->items, 20);
  EXPECT_EQ(calls_.size(), 20u);
  auto leases = store_->ListLeases("again");
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 5u) << "four batches and the plan's marker";
  EXPECT_EQ((*leases)[3].batch_id, "qa/000015");
  EXPECT_EQ((*leases)[4].owner, "w1 batch-size 5");
  EXPECT_EQ((*leases)[4].token, 2);
}

TEST_F(WorkerTest, AnAbandonedBatchIsTakenOverAfterItsLease) {
  // A worker that planned the run, claimed the first batch, finished q0 and
  // then stopped answering (killed, or paused).
  ASSERT_TRUE(StartRun("shared", "m", "counting 1", project_.models["m"],
                       project_.path, store_.get(), &clock_)
                  .ok());
  std::vector<const Suite*> suites = {&project_.suites[0]};
  ASSERT_TRUE(
      PlanRun(suites, "shared", "counting 1", store_.get(), &clock_).ok());
  auto dead = store_->ClaimLease("shared", "qa/000000", "dead",
                                 clock_.WallMillis(), options_.lease_ms);
  ASSERT_TRUE(dead.ok() && dead->has_value());
  store::ResponseRecord q0;
  q0.suite = "qa";
  q0.item_id = "q0";
  q0.content_hash = "hq0";
  q0.answer = "a0";
  ASSERT_TRUE(*store_->PutResultFenced(**dead, q0, {{"exact", 1, 1, 1, ""}}, {},
                                       std::nullopt));

  auto s = RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_GE(waits_, 1) << "it waited for the held batch's lease to run out";
  EXPECT_EQ(s->items, 19);
  EXPECT_TRUE(s->run_finished);
  EXPECT_EQ(calls_.count("q0"), 0u) << "a finished item is not called again";
  EXPECT_EQ(calls_.size(), 19u);
  auto leases = store_->ListLeases("shared");
  ASSERT_TRUE(leases.ok());
  EXPECT_EQ((*leases)[0].batch_id, "qa/000000");
  EXPECT_EQ((*leases)[0].owner, "w1");
  EXPECT_EQ((*leases)[0].token, 2) << "taken over with a larger token";

  // The stalled holder wakes up: its write is refused.
  q0.answer = "stale";
  auto stale = store_->PutResultFenced(**dead, q0, {}, {}, std::nullopt);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  auto results = store_->LoadResults("shared");
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].response->answer.value(), "a0");
}

TEST_F(WorkerTest, ACoordinatorRunsNoItemAndNeedsARunId) {
  options_.coordinate = true;
  int rounds = 0;
  options_.wait = [&](int64_t ms) {
    clock_.Advance(ms);
    // Another worker finishes the run meanwhile.
    if (++rounds == 2) {
      WorkerOptions w = options_;
      w.coordinate = false;
      w.owner = "w2";
      ASSERT_TRUE(
          RunWorker(project_, "m", w, store_.get(), &clock_, Maker()).ok());
    }
  };
  auto s = RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->items, 0);
  EXPECT_TRUE(s->run_finished);
  EXPECT_EQ(rounds, 2);
  EXPECT_EQ(calls_.size(), 20u);

  options_.run_id.clear();
  EXPECT_FALSE(
      RunWorker(project_, "m", options_, store_.get(), &clock_, Maker()).ok());
}

// A suite read from its file in batches (as `mmgate run --worker` loads
// it): the worker holds no item but its batch's, reads each claimed batch
// from its place in the file, and still runs every item once; the invalid
// line is recorded as that item's error.
TEST_F(WorkerTest, AStreamedSuiteRunsFromItsFileABatchAtATime) {
  fs::create_directories(dir_);
  {
    std::ofstream out(dir_ / "items.jsonl");
    for (int i = 0; i < 21; ++i) {
      out << R"({"id": "q)" << i << R"(", "modality": "text", "prompt": "Say a)"
          << i << R"(", "reference": "a)" << i << "\"}\n";
      if (i == 9) out << "{broken\n";
      if (i == 12)
        out << R"({"id": "q3", "modality": "text", "prompt": "again", )"
            << R"("reference": "x"})"
            << "\n";
    }
    std::ofstream(dir_ / "qa.yaml")
        << "name: qa\nmodality: text\ndataset: items.jsonl\nmetric: exact\n";
  }
  dataset::LoadOptions lo;
  lo.stream_items = true;
  auto suite = dataset::LoadSuite((dir_ / "qa.yaml").string(), lo);
  ASSERT_TRUE(suite.ok()) << suite.status().message();
  ASSERT_TRUE(suite->streamed);
  ASSERT_TRUE(suite->items.empty());
  project_.suites = {*suite};

  auto s = RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->batches, 3) << "21 items in batches of 8";
  EXPECT_EQ(s->items, 21);
  EXPECT_TRUE(s->run_finished);
  ASSERT_EQ(calls_.size(), 21u);
  for (const auto& [item, n] : calls_) EXPECT_EQ(n, 1) << item;
  auto counts = store_->CountResults("shared");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->items, 23) << "21 items and 2 invalid lines";
  EXPECT_EQ(counts->errors, 2);
  auto leases = store_->ListLeases("shared");
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 4u) << "three batches and the plan's marker";
  EXPECT_EQ((*leases)[2].batch_id, "qa/000016");
}

// A pipeline suite's item runs through its stage runner and is written with
// its stages under the lease; without a stage runner the suite is refused.
TEST_F(WorkerTest, APipelineSuitesItemsAreWrittenWithTheirStages) {
  project_.suites[0].stages.push_back(StageSpec{"only", "m", "text"});
  EXPECT_FALSE(
      RunWorker(project_, "m", options_, store_.get(), &clock_, Maker()).ok());
  int made = 0;
  options_.staged = [&](const Suite& suite,
                        const std::string& run_id) -> Result<StagedItemRunner> {
    ++made;
    EXPECT_EQ(run_id, "shared");
    return StagedItemRunner(
        [&suite, this](const Item& item, const std::string& file_tag) {
          EXPECT_EQ(file_tag, "lease-1");
          ++calls_[item.id];
          StagedOutcome o;
          o.response.suite = suite.name;
          o.response.item_id = item.id;
          o.response.content_hash = item.content_hash;
          o.response.answer = "a" + item.id.substr(1);
          o.scores.push_back({"pipeline_pass", 1, 1, 1, ""});
          store::StageRecord st;
          st.suite = suite.name;
          st.item_id = item.id;
          st.stage = "only";
          st.answer = o.response.answer;
          o.stages.push_back(st);
          return o;
        });
  };
  auto s = RunWorker(project_, "m", options_, store_.get(), &clock_, Maker());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(made, 1) << "the stage models are made once";
  EXPECT_EQ(s->items, 20);
  EXPECT_TRUE(s->run_finished);
  EXPECT_EQ(calls_.size(), 20u);
  auto stages = store_->LoadStages("shared");
  ASSERT_TRUE(stages.ok());
  EXPECT_EQ(stages->size(), 20u);
  EXPECT_EQ(store_->FinishedItems("shared")->size(), 20u);
}

}  // namespace
}  // namespace mmgate::runner
