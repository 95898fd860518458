// ReadRunEnd pages through a stored run and must give what the whole-run
// functions give over Store::LoadResults: the same failed items in the same
// order and the same self-comparison, whatever the page size.
#include "report/run_end.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace mmgate::report {
namespace {

using store::ItemRecord;
using store::ResponseRecord;
using store::ScoreRecord;

class RunEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mmgate-run-end-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto s = store::OpenStore((dir_ / "results.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    store::RunRecord run;
    run.run_id = "r";
    run.model = "m";
    ASSERT_TRUE(store_->CreateRun(run).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Suite `suite` with `n` items whose lines run backwards against their ids
  // (ids sort unlike lines), every 3rd failed, every 5th never run, every
  // item scored on two metrics and sliced by parity.
  void PutSuite(const std::string& suite, int n) {
    store::SuiteRecord rec{suite, "vqa", "exact", {"exact", "f1"}, "v", n};
    std::vector<ItemRecord> items;
    for (int i = 0; i < n; ++i) {
      ItemRecord it;
      it.suite = suite;
      it.item_id = "i" + std::to_string(i);
      it.content_hash = "h" + std::to_string(i);
      it.modality = "vqa";
      it.metric = "exact";
      it.slices = {{"parity", i % 2 ? "odd" : "even"}};
      it.line = n - i;
      items.push_back(it);
    }
    ASSERT_TRUE(store_->PutSuite("r", rec, items).ok());
    for (int i = 0; i < n; ++i) {
      if (i % 5 == 4) continue;
      ResponseRecord r;
      r.suite = suite;
      r.item_id = "i" + std::to_string(i);
      r.content_hash = "h" + std::to_string(i);
      std::vector<ScoreRecord> scores;
      if (i % 3 == 0) {
        r.error = "engine error on " + r.item_id;
        r.error_kind = "engine_error";
      } else {
        r.answer = "a";
        const double v = (i % 4) / 3.0;
        scores = {{"exact", v, v, 1, ""}, {"f1", 1 - v, 1 - v, 1, ""}};
      }
      ASSERT_TRUE(store_->PutResult("r", r, scores).ok());
    }
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(RunEndTest, PagedEqualsWholeRun) {
  PutSuite("b-suite", 23);
  PutSuite("a-suite", 11);
  auto suites = store_->GetSuites("r");
  ASSERT_TRUE(suites.ok());
  auto all = store_->LoadResults("r");
  ASSERT_TRUE(all.ok());
  const std::vector<FailedItem> failed =
      FailedItems(store::GateRun::Of(*all).items);
  const stats::Comparison self = stats::Compare("r", *all, *suites, "r", *all);
  // Failed: i % 3 == 0 among the items run; a-suite 0, 3, 6; b-suite 0, 3,
  // 6, 12, 15, 18, 21.
  ASSERT_EQ(failed.size(), 3u + 7u);
  for (int64_t page : {1, 2, 7, 4096}) {
    auto end = ReadRunEnd(store_.get(), "r", *suites, page);
    ASSERT_TRUE(end.ok()) << end.status().message();
    EXPECT_EQ(end->items, 34) << "page " << page;
    ASSERT_EQ(end->failed.size(), failed.size());
    for (size_t i = 0; i < failed.size(); ++i) {
      EXPECT_EQ(end->failed[i].suite, failed[i].suite);
      EXPECT_EQ(end->failed[i].item_id, failed[i].item_id);
      EXPECT_EQ(end->failed[i].line, failed[i].line);
      EXPECT_EQ(end->failed[i].reason, failed[i].reason);
    }
    // Sums in id order, not line order: equal to rounding.
    ASSERT_EQ(end->scores.suites.size(), self.suites.size());
    for (size_t i = 0; i < self.suites.size(); ++i) {
      const stats::SuiteComparison& a = end->scores.suites[i];
      const stats::SuiteComparison& b = self.suites[i];
      EXPECT_EQ(a.suite + "/" + a.metric, b.suite + "/" + b.metric);
      ASSERT_EQ(a.slices.size(), b.slices.size());
      for (size_t k = 0; k <= a.slices.size(); ++k) {
        const stats::SideBySide& x = k ? a.slices[k - 1] : a.total;
        const stats::SideBySide& y = k ? b.slices[k - 1] : b.total;
        EXPECT_EQ(x.slice_value, y.slice_value);
        EXPECT_EQ(x.n, y.n);
        EXPECT_NEAR(x.baseline, y.baseline, 1e-12);
        EXPECT_EQ(x.baseline_errors, y.baseline_errors);
      }
    }
  }
  // The figures themselves: a-suite's exact over items 1, 2, 5, 7, 8, 10
  // (1/3, 2/3, 1/3, 1, 0, 2/3), with 4 and 9 never run and 3 failed.
  ASSERT_FALSE(self.suites.empty());
  EXPECT_EQ(self.suites[0].suite, "a-suite");
  EXPECT_EQ(self.suites[0].metric, "exact");
  EXPECT_EQ(self.suites[0].total.n, 6);
  EXPECT_NEAR(self.suites[0].total.baseline, 0.5, 1e-12);
  EXPECT_EQ(self.suites[0].total.baseline_errors, 5);
}

}  // namespace
}  // namespace mmgate::report
