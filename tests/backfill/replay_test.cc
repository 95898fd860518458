// Replays through a call-counting stand-in model (in process, not a real
// provider): a killed backfill resumes without calling the model again for
// a finished replay, a trace whose request changed since production is
// reported and not replayed, missing media are listed, the response cache
// serves a second backfill, and the flip analysis of a full replay is exact;
// the streamed suite (source.h) makes the items BuildSuite makes, and a
// streamed replay of every trace, killed, resumes from the run's own items,
// a drawn sample's suite reads only its traces;
// a run keeps the selection it was created with.
#include "backfill/replay.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "backfill/analyze.h"
#include "backfill/selection.h"
#include "backfill/source.h"
#include "common/hash.h"
#include "trace/trace.h"

namespace mmgate::backfill {
namespace {

namespace fs = std::filesystem;

// Counts calls per trace; flips every third trace's decision; sets the stop
// flag after `stop_after` calls (a kill, seen from the run).
struct Counter {
  std::mutex mu;
  std::map<std::string, int> calls;
  int total = 0;
  int stop_after = -1;
  std::atomic<bool> stop{false};
};

class CountingModel : public Model {
 public:
  explicit CountingModel(Counter* c) : c_(c) {}
  std::string Version() const override { return "stand-in 1"; }
  std::string CacheKey(const ModelRequest& r) const override {
    std::string media;
    for (const MediaRef& m : r.media) media += m.abs_path + ";";
    return Sha256Hex("stand-in 1\n" + r.prompt + "\n" + media);
  }
  Result<ModelResponse> Answer(const ModelRequest& r) override {
    std::lock_guard<std::mutex> lock(c_->mu);
    ++c_->calls[r.item_id];
    if (++c_->total == c_->stop_after) c_->stop = true;
    const int n = std::stoi(r.item_id.substr(2));
    std::string d = n % 3 == 0 ? "deny" : "approve";
    return ModelResponse{"{\"decision\": \"" + d + "\", \"confidence\": 0." +
                             std::to_string(n % 10) + "}",
                         10, 2};
  }

 private:
  Counter* c_;
};

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-backfill-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "media");
    auto s = store::OpenStore((dir_ / "r.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    project_.path = (dir_ / "mmgate.yaml").string();
    project_.models["cand"] = ModelSpec{"cand", "stand-in"};
    WriteTraces();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // 30 traces, all decided "approve": t-0 has an image; t-1's image is gone;
  // t-2 has inline media; t-3 carries its true request hash, t-4 a stale one.
  void WriteTraces() {
    std::ofstream(dir_ / "media" / "t-0.png") << "png bytes";
    std::ofstream out(dir_ / "traces.jsonl");
    for (int i = 0; i < 30; ++i) {
      nlohmann::json t = {{"id", "t-" + std::to_string(i)},
                          {"time", 1788220800000 + i * 3600000LL},
                          {"category", i % 2 ? "refund" : "fraud"},
                          {"prompt", "case " + std::to_string(i)},
                          {"decision", "approve"}};
      if (i < 10) t["ground_truth"] = "approve";
      if (i == 0) t["media"] = {{{"type", "image"}, {"path", "media/t-0.png"}}};
      if (i == 1) t["media"] = {{{"type", "image"}, {"path", "media/t-1.png"}}};
      if (i == 2)
        t["media"] = {
            {{"type", "image"}, {"mime", "image/png"}, {"base64", "aW1n"}}};
      if (i == 3) t["request_hash"] = *trace::RequestHash("text", "case 3", {});
      if (i == 4) t["request_hash"] = "sha256:0000";
      out << t.dump() << "\n";
    }
    out.close();
    auto s = trace::IngestFile((dir_ / "traces.jsonl").string(), {},
                               [&](std::vector<store::TraceRecord>* b) {
                                 return store_->PutTraces(*b);
                               });
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->traces, 30);
    ASSERT_EQ(s->not_replayable.size(), 1u);
  }

  ReplaySuite Suite() {
    auto all = store_->ListTraces({});
    EXPECT_TRUE(all.ok());
    auto r = BuildSuite(*all, (dir_ / "trace_media").string(), 1);
    EXPECT_TRUE(r.ok());
    return *r;
  }

  runner::ModelMaker Maker() {
    return [this](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
      return std::unique_ptr<Model>(new CountingModel(&counter_));
    };
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  ProjectConfig project_;
  Counter counter_;
  FakeClock clock_;
};

TEST_F(ReplayTest, ChangedRequestsAndMissingMediaAreReportedNotReplayed) {
  ReplaySuite r = Suite();
  ASSERT_EQ(r.skipped.size(), 2u);
  EXPECT_EQ(r.skipped[0].trace_id, "t-1");
  EXPECT_EQ(r.skipped[0].kind, "not_replayable");
  EXPECT_EQ(r.skipped[1].trace_id, "t-4");
  EXPECT_EQ(r.skipped[1].kind, "request_mismatch");
  EXPECT_NE(r.skipped[1].reason.find("sha256:0000"), std::string::npos);
  EXPECT_EQ(r.suite.items.size(), 28u);  // t-3's hash matched
  ASSERT_EQ(r.suite.problems.size(), 2u);
  // Inline media were written content-addressed, so the model reads a file.
  EXPECT_TRUE(fs::exists(r.suite.items[1].media[0].abs_path));
}

TEST_F(ReplayTest, AKilledBackfillResumesWithoutPayingTwice) {
  ReplaySuite r = Suite();
  ReplayOptions opt;
  opt.run_id = "bf";
  opt.workers = 2;
  opt.stop = &counter_.stop;
  counter_.stop_after = 11;
  auto first =
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->interrupted);
  const int before = counter_.total;
  EXPECT_GE(before, 11);
  EXPECT_LT(before, 28);

  counter_.stop = false;
  counter_.stop_after = -1;
  auto second =
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker());
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_TRUE(second->resumed);
  EXPECT_FALSE(second->interrupted);
  EXPECT_EQ(second->skipped, before);
  // Every replayable trace was called exactly once over both sessions.
  EXPECT_EQ(counter_.total, 28);
  EXPECT_EQ(counter_.calls.size(), 28u);
  for (const auto& [id, n] : counter_.calls) EXPECT_EQ(n, 1) << id;

  // A third session has nothing left to pay for.
  auto third =
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->done, 0);
  EXPECT_EQ(counter_.total, 28);
}

TEST_F(ReplayTest, ASecondBackfillIsServedByTheCache) {
  ReplaySuite r = Suite();
  ReplayOptions opt;
  opt.run_id = "one";
  ASSERT_TRUE(
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker())
          .ok());
  opt.run_id = "two";
  auto again =
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->cache_hits, 28);
  EXPECT_EQ(counter_.total, 28);
  auto e = EstimateReplay(project_, "cand", r.suite, "", store_.get(), Maker());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->total.cached, 28);
  EXPECT_EQ(e->total.items, 0);
}

TEST_F(ReplayTest, FlipAnalysisOfAFullReplayIsExact) {
  ReplaySuite r = Suite();
  ReplayOptions opt;
  opt.run_id = "bf";
  ASSERT_TRUE(
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker())
          .ok());
  auto rep = AnalyzeRun(store_.get(), "bf", {{"fraud", 10}});
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  EXPECT_EQ(rep->population, 30);
  EXPECT_EQ(rep->drawn, 30);
  EXPECT_EQ(rep->answered, 28);
  // Flipped to "deny": t-0, 3, 6, ..., 27 less t-1/t-4 (skipped): 10.
  const GroupFlips& all = rep->groups[0];
  EXPECT_EQ(all.dimension, "all");
  EXPECT_EQ(all.flip.events, 10);
  EXPECT_EQ(all.flip.n, 28);
  // Every stratum replayed whole except for the two skipped traces.
  EXPECT_NEAR(all.flip.rate, 10.0 / 28, 0.05);
  // Ground truth "approve" on t-0..t-9 (t-1, t-4 skipped): flips at 0, 3,
  // 6, 9 are negative; none positive.
  EXPECT_EQ(all.negative_flip.events, 4);
  EXPECT_EQ(all.old_right_new_wrong, 4);
  EXPECT_EQ(all.old_wrong_new_right, 0);
  EXPECT_NEAR(all.mcnemar_p, 0.125, 1e-12);
  ASSERT_EQ(rep->contested.size(), 10u);
  EXPECT_EQ(rep->contested[0].category, "fraud") << "stakes rank first";
  EXPECT_EQ(rep->contested[0].new_decision, "deny");
  // Reviewers say the candidate is right on 3 of 4 reviewed flips.
  for (const char* id : {"t-3", "t-6", "t-9", "t-12"}) {
    store::LabelRecord l;
    l.run_id = "bf";
    l.suite = kSuiteName;
    l.item_id = id;
    l.grader = "ana";
    l.grade = std::string(id) == "t-12" ? "old" : "new";
    ASSERT_TRUE(store_->PutLabel(l).ok());
  }
  rep = AnalyzeRun(store_.get(), "bf", {});
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->review.n, 4);
  EXPECT_EQ(rep->review.events, 3);
  EXPECT_LT(rep->review.lo, 0.75);
  EXPECT_GT(rep->review.hi, 0.75);
}

TEST_F(ReplayTest, ARunKeepsTheSelectionItWasCreatedWith) {
  ReplaySuite r = Suite();
  ReplayOptions opt;
  opt.run_id = "bf";
  HistoryCounts counts;
  counts.population = 30;
  counts.fingerprint = "f1";
  opt.selection = SelectionJson(RecordSelection(counts, true, 30, 9));
  auto first =
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(first->resumed) << "created here, not resumed";
  EXPECT_EQ(first->done, 28);
  auto run = store_->GetRun("bf");
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->model_version, "stand-in 1");
  auto kept = SelectionOf(**run);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_TRUE((*kept)->every);
  EXPECT_EQ((*kept)->seed, 9u);
  // A resumed session leaves the record as it was.
  counts.fingerprint = "f2";
  opt.selection = SelectionJson(RecordSelection(counts, false, 3, 1));
  auto second =
      Replay(project_, "cand", r.suite, opt, store_.get(), &clock_, Maker());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->resumed);
  EXPECT_EQ(second->done, 0);
  run = store_->GetRun("bf");
  kept = SelectionOf(**run);
  EXPECT_EQ((*kept)->history, "f1");
  EXPECT_EQ(counter_.total, 28);
}

// Every batch a streamed suite hands when read `batch` at a time.
std::vector<ItemBatch> ReadAll(const StreamedSuite& s, size_t batch) {
  std::vector<ItemBatch> out;
  Status st = s.suite.source(batch, [&](ItemBatch& b) {
    out.push_back(b);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

TEST_F(ReplayTest, AStreamedSuiteMakesTheItemsBuildSuiteMakes) {
  ReplaySuite built = Suite();
  StreamOptions opt;
  opt.media_dir = (dir_ / "trace_media").string();
  opt.expected = 30;
  opt.keep_skipped = 1;
  StreamedSuite s = StreamStored(store_.get(), Pick::kAll, "", opt);
  EXPECT_TRUE(s.suite.streamed);
  EXPECT_EQ(s.suite.item_count, 30);
  std::map<std::string, Item> want;
  for (const Item& it : built.suite.items) want[it.id] = it;
  std::set<std::string> problems;
  std::string last;
  int line = 0;
  for (const ItemBatch& b : ReadAll(s, 7)) {
    EXPECT_LE(b.items.size() + b.problems.size(), 7u);
    for (const Item& it : b.items) {
      EXPECT_GT(it.id, last) << "trace id order";
      last = it.id;
      EXPECT_GT(it.line, line);
      line = it.line;
      ASSERT_TRUE(want.count(it.id)) << it.id;
      EXPECT_EQ(it.content_hash, want[it.id].content_hash);
      EXPECT_EQ(it.slices, want[it.id].slices);
      EXPECT_EQ(it.references, want[it.id].references);
      want.erase(it.id);
    }
    for (const ItemProblem& p : b.problems) problems.insert(p.item_id);
  }
  EXPECT_TRUE(want.empty());
  EXPECT_EQ(problems, (std::set<std::string>{"t-1", "t-4"}));
  EXPECT_EQ(s.tally->traces, 30);
  EXPECT_EQ(s.tally->items, 28);
  EXPECT_EQ(s.tally->skipped_count, 2);
  ASSERT_EQ(s.tally->skipped.size(), 1u) << "keeps the first";
  EXPECT_EQ(s.tally->skipped[0].trace_id, "t-1");
  // A second read counts afresh.
  ReadAll(s, 30);
  EXPECT_EQ(s.tally->items, 28);
  EXPECT_EQ(s.tally->skipped_count, 2);
}

TEST_F(ReplayTest,
       AKilledStreamedBackfillOfEveryTraceResumesWithoutPayingTwice) {
  StreamOptions opt;
  opt.media_dir = (dir_ / "trace_media").string();
  opt.expected = 30;
  StreamedSuite all = StreamStored(store_.get(), Pick::kAll, "", opt);
  ReplayOptions ro;
  ro.run_id = "bf";
  ro.workers = 2;
  ro.stop = &counter_.stop;
  counter_.stop_after = 11;
  auto first =
      Replay(project_, "cand", all.suite, ro, store_.get(), &clock_, Maker());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->interrupted);
  const int before = counter_.total;
  EXPECT_GE(before, 11);
  EXPECT_LT(before, 28);
  // The runner reads the suite in batches of thousands: all 30 traces are
  // recorded with the run at once, so the resumed run holds every one.
  StreamedSuite own = StreamStored(store_.get(), Pick::kRun, "bf", opt);
  counter_.stop = false;
  counter_.stop_after = -1;
  auto second =
      Replay(project_, "cand", own.suite, ro, store_.get(), &clock_, Maker());
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_TRUE(second->resumed);
  EXPECT_FALSE(second->interrupted);
  EXPECT_EQ(second->skipped, before);
  EXPECT_EQ(second->total, 30);
  EXPECT_EQ(second->errors, 2) << "t-1 and t-4, recorded again";
  EXPECT_EQ(counter_.total, 28);
  for (const auto& [id, n] : counter_.calls) EXPECT_EQ(n, 1) << id;
  auto counts = store_->CountResults("bf");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->items, 30);
  EXPECT_EQ(counts->answered, 28);
  EXPECT_EQ(counts->errors, 2);
  auto rep = AnalyzeRun(store_.get(), "bf", {});
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  EXPECT_EQ(rep->drawn, 30);
  EXPECT_EQ(rep->answered, 28);
}

TEST_F(ReplayTest, ADrawnAndAResumedRunsSourceHandOnlyTheirOwnTraces) {
  // A run of a sample (every third trace and t-1, in history order), read a
  // few traces at a time so the history and the run's items both take
  // several pages.
  std::vector<std::string> sample;
  auto all = store_->ListTraces({});
  ASSERT_TRUE(all.ok());
  std::set<std::string> want;
  for (size_t i = 0; i < all->size(); ++i) {
    if (i % 3 && (*all)[i].trace_id != "t-1") continue;
    sample.push_back((*all)[i].trace_id);
    want.insert((*all)[i].trace_id);
  }
  StreamOptions opt;
  opt.media_dir = (dir_ / "trace_media").string();
  StreamedSuite drawn = StreamDrawn(store_.get(), sample, opt);
  EXPECT_EQ(drawn.suite.item_count, static_cast<int64_t>(sample.size()));
  for (size_t batch : {size_t{1}, size_t{4}, size_t{100}}) {
    std::set<std::string> got;
    std::string last;
    const std::vector<ItemBatch> read = ReadAll(drawn, batch);
    // Full batches gathered from several pages; the last holds the rest.
    for (size_t i = 0; i + 1 < read.size(); ++i)
      EXPECT_EQ(read[i].items.size() + read[i].problems.size(), batch);
    for (const ItemBatch& b : read) {
      for (const Item& it : b.items) {
        EXPECT_GT(it.id, last) << "trace id order";
        last = it.id;
        got.insert(it.id);
      }
      for (const ItemProblem& p : b.problems) got.insert(p.item_id);
    }
    EXPECT_EQ(got, want) << "drawn, batch " << batch;
  }
  ReplayOptions ro;
  ro.run_id = "part";
  ASSERT_TRUE(
      Replay(project_, "cand", drawn.suite, ro, store_.get(), &clock_, Maker())
          .ok());
  EXPECT_EQ(counter_.calls.size(), want.size() - 1) << "t-1 not replayable";
  for (size_t batch : {size_t{1}, size_t{4}, size_t{100}}) {
    StreamedSuite own = StreamStored(store_.get(), Pick::kRun, "part", opt);
    std::set<std::string> got;
    for (const ItemBatch& b : ReadAll(own, batch)) {
      for (const Item& it : b.items) got.insert(it.id);
      for (const ItemProblem& p : b.problems) got.insert(p.item_id);
    }
    EXPECT_EQ(got, want) << "resumed, batch " << batch;
  }
}

}  // namespace
}  // namespace mmgate::backfill
