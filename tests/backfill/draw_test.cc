// The sample drawn from the store a page at a time is the one DrawSample
// draws from the whole history in memory: same traces, strata and period,
// for sizes that take every period length, all, and more than the history.
#include "backfill/draw.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "backfill/replay.h"

namespace mmgate::backfill {
namespace {

namespace fs = std::filesystem;

class DrawTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-draw-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto s = store::OpenStore((dir_ / "d.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    // 25,000 traces (more than two pages) over 30 weeks, 4 categories of
    // unequal sizes; ids in an order unrelated to time, some times equal.
    std::mt19937_64 rng(7);
    const char* cats[] = {"refund", "refund", "refund", "fraud",
                          "chat",   "chat",   "damage"};
    std::vector<store::TraceRecord> batch;
    for (int i = 0; i < 25000; ++i) {
      store::TraceRecord t;
      t.trace_id = "id-" + std::to_string(rng() % 1000000000);
      t.created_ms = 1780272000000LL +
                     static_cast<int64_t>(rng() % 30) * kWeekMs +
                     static_cast<int64_t>(rng() % 5) * 1000;
      t.category = cats[rng() % 7];
      t.decision = "approve";
      t.inputs_json = "{}";
      batch.push_back(t);
      if (batch.size() == 5000) {
        ASSERT_TRUE(store_->PutTraces(batch).ok());
        batch.clear();
      }
    }
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(DrawTest, StreamedDrawEqualsTheInMemoryDraw) {
  auto history = store_->ListTraces({});
  ASSERT_TRUE(history.ok());
  const int64_t N = static_cast<int64_t>(history->size());
  std::vector<std::pair<int, int64_t>> passes;
  auto counts = CountHistory(store_.get(), [&](int pass, int64_t read) {
    passes.push_back({pass, read});
  });
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->population, N);
  ASSERT_FALSE(passes.empty());
  EXPECT_EQ(passes.back(), std::make_pair(1, N));
  // 2: the longest period; 60 and 200: shorter ones; then a large sample,
  // everything, and more than everything.
  for (int64_t n : std::vector<int64_t>{2, 60, 200, 1000, 9000, N, N + 5, 0}) {
    for (uint64_t seed : {uint64_t{1}, uint64_t{20260901}}) {
      const Sample want = DrawSample(*history, n, seed);
      auto got = DrawFromStore(store_.get(), *counts, n, seed);
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_EQ(got->sample.period_weeks, want.period_weeks) << n;
      EXPECT_EQ(got->sample.population, want.population) << n;
      EXPECT_EQ(got->sample.trace_ids, want.trace_ids) << n << " " << seed;
      ASSERT_EQ(got->sample.strata.size(), want.strata.size()) << n;
      for (size_t h = 0; h < want.strata.size(); ++h) {
        EXPECT_EQ(got->sample.strata[h].key, want.strata[h].key);
        EXPECT_EQ(got->sample.strata[h].population, want.strata[h].population);
        EXPECT_EQ(got->sample.strata[h].sampled, want.strata[h].sampled);
      }
    }
  }
}

TEST_F(DrawTest, EveryTraceIsTheDrawOfAll) {
  auto counts = CountHistory(store_.get());
  ASSERT_TRUE(counts.ok());
  auto all = DrawFromStore(store_.get(), *counts, 0, 1);
  ASSERT_TRUE(all.ok());
  const Sample every = EveryTrace(*counts);
  EXPECT_TRUE(every.trace_ids.empty()) << "read as the replay goes";
  EXPECT_EQ(every.population, all->sample.population);
  EXPECT_EQ(every.period_weeks, all->sample.period_weeks);
  ASSERT_EQ(every.strata.size(), all->sample.strata.size());
  for (size_t h = 0; h < every.strata.size(); ++h) {
    EXPECT_EQ(every.strata[h].key, all->sample.strata[h].key);
    EXPECT_EQ(every.strata[h].population, all->sample.strata[h].population);
    EXPECT_EQ(every.strata[h].sampled, all->sample.strata[h].sampled);
  }
}

TEST_F(DrawTest, CountRunHistoryCountsTheRunsOwnTraces) {
  auto history = store_->ListTraces({});
  ASSERT_TRUE(history.ok());
  // A run whose backfill suite holds every 97th trace (a resumed sample).
  store::RunRecord run;
  run.run_id = "bf";
  run.model = "cand";
  ASSERT_TRUE(store_->CreateRun(run).ok());
  store::SuiteRecord suite;
  suite.suite = kSuiteName;
  suite.modality = "trace";
  suite.metric = "exact";
  ASSERT_TRUE(store_->PutSuiteRecord("bf", suite).ok());
  std::vector<store::ItemRecord> items;
  std::map<StratumKey, int64_t> want;
  for (size_t i = 0; i < history->size(); i += 97) {
    const store::TraceRecord& t = (*history)[i];
    store::ItemRecord r;
    r.suite = kSuiteName;
    r.item_id = t.trace_id;
    r.reference_json = "null";
    r.media_json = "[]";
    items.push_back(r);
    ++want[{t.category, WeekOf(t.created_ms)}];
  }
  ASSERT_TRUE(store_->AppendSuiteItems("bf", kSuiteName, items).ok());
  int64_t shown = 0;
  auto c = CountRunHistory(store_.get(), "bf",
                           [&](int, int64_t read) { shown = read; });
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto plain = CountHistory(store_.get());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(c->history.population, plain->population);
  EXPECT_EQ(c->history.weeks, plain->weeks);
  EXPECT_EQ(shown, plain->population);
  EXPECT_EQ(c->run.population, static_cast<int64_t>(items.size()));
  EXPECT_EQ(c->run.weeks, want);
}

}  // namespace
}  // namespace mmgate::backfill
