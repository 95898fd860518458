// Difficulty tiers out of sample: from runs independent of the compared two
// (through the store, so rescored copies and reruns are left out), else by
// cross-fitting on the baseline, never from the baseline's own outcomes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "gate/evaluate.h"
#include "gate/gate.h"
#include "store/store.h"
#include "synth.h"

namespace mmgate::gate {
namespace {

namespace fs = std::filesystem;
using testing::MakeRun;
using testing::SynthItem;

class TiersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-tiers-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = store::OpenStore("sqlite:" + (dir_ / "results.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Stores `items` as run `run_id` (their candidate outcomes when
  // `candidate`), of model version `version`, rescored from `source`.
  void Put(const std::string& run_id, const std::vector<SynthItem>& items,
           bool candidate, const std::string& version,
           const std::string& source = "") {
    RunData d = MakeRun(run_id, items, candidate);
    d.run.model_version = version;
    d.run.source_run = source;
    d.run.created_ms = ++clock_;
    ASSERT_TRUE(store_->CreateRun(d.run).ok());
    std::vector<store::ItemRecord> records;
    for (const store::ItemResult& r : d.items) records.push_back(r.item);
    d.suites[0].metric = items[0].metric;
    d.suites[0].metrics = {items[0].metric};
    ASSERT_TRUE(store_->PutSuite(run_id, d.suites[0], records).ok());
    for (const store::ItemResult& r : d.items) {
      std::vector<store::ScoreRecord> scores;
      for (const auto& [_, s] : r.scores) scores.push_back(s);
      ASSERT_TRUE(store_->PutResult(run_id, *r.response, scores).ok());
    }
  }

  SuiteVerdict Gate(const Policy& policy) {
    auto e = EvaluateRuns(policy, store_.get(), "base", {"cand"});
    EXPECT_TRUE(e.ok()) << e.status().message();
    if (!e.ok()) return {};
    return e->outcome.results[0].suites[0];
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  int64_t clock_ = 0;
};

const Stratum* Tier(const SuiteVerdict& v, const std::string& tier) {
  for (const Stratum& s : v.difficulty) {
    if (s.value == tier) return &s;
  }
  return nullptr;
}

// 300 items without slices; `fail(i)` gives (baseline, candidate) failures.
std::vector<SynthItem> Items(
    const std::function<std::pair<bool, bool>(int)>& fail,
    bool with_kind = false) {
  std::vector<SynthItem> out;
  for (int i = 0; i < 300; ++i) {
    SynthItem it;
    it.suite = "charts";
    it.id = "c" + std::to_string(i);
    if (with_kind) it.slices = {{"kind", "k" + std::to_string(i % 3)}};
    auto [bf, cf] = fail(i);
    it.base = bf ? 0 : 1;
    it.cand = cf ? 0 : 1;
    out.push_back(it);
  }
  return out;
}

TEST_F(TiersTest, PlantedHardTierRegressionBlocksUnderHardTailFromOtherRuns) {
  // An independent model failed items 0-99: they are hard. The baseline
  // passes 60 of them, the candidate only 30; elsewhere both pass.
  auto other = Items([](int i) { return std::pair{i < 100, false}; });
  auto items = Items([](int i) {
    return std::pair{i < 100 && i % 10 >= 6, i < 100 && i % 10 >= 3};
  });
  Put("other", other, false, "other-v1");
  Put("other-r", other, false, "other-v1", "other");  // counts once
  Put("base", items, false, "base-v1");
  Put("base-r", items, true, "base-v2", "base");  // a copy: left out
  Put("base-again", items, false, "base-v1");     // a rerun: left out
  Put("cand", items, true, "cand-v1");
  Policy policy;
  policy.hard_tail_max_drop = 0.05;
  SuiteVerdict v = Gate(policy);
  EXPECT_EQ(v.residual.source, "history (1 other run)");
  ASSERT_EQ(v.difficulty.size(), 2u);
  const Stratum* hard = Tier(v, "hard");
  ASSERT_NE(hard, nullptr);
  EXPECT_EQ(hard->n, 100);
  EXPECT_NEAR(hard->baseline, 0.6, 1e-12);
  EXPECT_NEAR(hard->delta, -0.3, 1e-12);
  EXPECT_TRUE(hard->gated);
  EXPECT_EQ(hard->verdict, Verdict::kBlock);
  EXPECT_EQ(Tier(v, "easy")->n, 200);
}

TEST_F(TiersTest, WithOnlyTheComparedRunsTiersAreCrossFitNotBaselineFailures) {
  // Kind k0 is hard (the baseline fails half of it), k1 medium (a fifth),
  // k2 easy (none). The candidate loses 25 of k0's passes.
  auto items = Items(
      [](int i) {
        int k = i % 3, j = i / 3;
        bool base = (k == 0 && j % 2 == 0) || (k == 1 && j % 5 == 0);
        return std::pair{base, base || (k == 0 && j % 4 == 1)};
      },
      /*with_kind=*/true);
  Put("base", items, false, "base-v1");
  Put("cand", items, true, "cand-v1");
  Policy policy;
  policy.hard_tail_max_drop = 0.05;
  SuiteVerdict v = Gate(policy);
  EXPECT_EQ(v.residual.source, "cross-fit (5 folds)");
  ASSERT_EQ(v.difficulty.size(), 3u);
  const Stratum* hard = Tier(v, "hard");
  ASSERT_NE(hard, nullptr);
  // The hard tier is kind k0 whole, half of it passed by the baseline (from
  // its own failures it would be 70 items at baseline accuracy 0).
  EXPECT_EQ(hard->n, 100);
  EXPECT_NEAR(hard->baseline, 0.5, 1e-12);
  EXPECT_NEAR(hard->delta, -0.25, 1e-12);
  EXPECT_EQ(hard->verdict, Verdict::kBlock);
  EXPECT_EQ(Tier(v, "medium")->n, 100);
  EXPECT_EQ(Tier(v, "easy")->n, 100);
  EXPECT_EQ(v.residual.baseline_failures, 70);
  EXPECT_NEAR(v.residual.baseline_hard_share, 50.0 / 70, 1e-12);
}

TEST_F(TiersTest, NoHistoryAndNoSlicesMeansNoTiersAndSaysWhy) {
  auto items = Items([](int i) { return std::pair{i % 4 == 0, i % 2 == 0}; });
  Put("base", items, false, "base-v1");
  Put("cand", items, true, "cand-v1");
  Policy policy;
  policy.hard_tail_max_drop = 0.05;
  SuiteVerdict v = Gate(policy);
  EXPECT_EQ(v.residual.source,
            "none: no independent history, and no slices to cross-fit on");
  EXPECT_TRUE(v.difficulty.empty());
  EXPECT_EQ(v.residual.baseline_failures, 75);
  EXPECT_EQ(v.residual.baseline_hard_share, 0);
}

}  // namespace
}  // namespace mmgate::gate
