// A run's record of its selection reads back as written, a run without one
// has none, and a malformed one is an error naming the run; the history's
// fingerprint is the same from both counting passes and changes when a
// trace is added or moved to another category.
#include "backfill/selection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "backfill/replay.h"

namespace mmgate::backfill {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

store::RunRecord RunWith(const json& spec) {
  store::RunRecord run;
  run.run_id = "bf";
  run.spec_json = spec.dump();
  return run;
}

TEST(SelectionTest, ARecordReadsBackAsWritten) {
  HistoryCounts counts;
  counts.population = 12;
  counts.fingerprint = "abc";
  const SelectionRecord r =
      RecordSelection(counts, false, 5, 18446744073709551557ull);
  auto back = SelectionOf(
      RunWith({{"provider", "exec"}, {kSelectionKey, SelectionJson(r)}}));
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_TRUE(back->has_value());
  EXPECT_FALSE((*back)->every);
  EXPECT_EQ((*back)->size, 5);
  EXPECT_EQ((*back)->seed, 18446744073709551557ull) << "64-bit seed kept";
  EXPECT_EQ((*back)->population, 12);
  EXPECT_TRUE(SameHistory(**back, counts));
  counts.fingerprint = "abd";
  EXPECT_FALSE(SameHistory(**back, counts));

  auto every = SelectionOf(RunWith(
      {{kSelectionKey, SelectionJson(RecordSelection(counts, true, 12, 1))}}));
  ASSERT_TRUE(every.ok());
  EXPECT_TRUE((*every)->every);
}

TEST(SelectionTest, ARunWithoutARecordHasNoneAndABadOneIsAnError) {
  auto none = SelectionOf(RunWith({{"provider", "exec"}}));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  store::RunRecord unreadable;
  unreadable.run_id = "bf";
  unreadable.spec_json = "{not json";
  none = SelectionOf(unreadable);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto bad = SelectionOf(RunWith({{kSelectionKey, {{"selection", "some"}}}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("run bf"), std::string::npos);
  EXPECT_NE(bad.status().message().find("some"), std::string::npos);
  bad = SelectionOf(RunWith({{kSelectionKey, {{"selection", "all"}}}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("spec_json.backfill"),
            std::string::npos);
}

class FingerprintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-selection-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto s = store::OpenStore((dir_ / "f.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    // More than one counting page (10,000 traces).
    std::vector<store::TraceRecord> batch;
    for (int i = 0; i < 12000; ++i) batch.push_back(Trace(i, "refund"));
    ASSERT_TRUE(store_->PutTraces(batch).ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  static store::TraceRecord Trace(int i, const std::string& category) {
    store::TraceRecord t;
    t.trace_id = "t-" + std::to_string(i * 7919 % 12001);
    t.created_ms = 1780272000000LL + i * 60000LL;
    t.category = category;
    t.decision = "approve";
    t.inputs_json = "{}";
    return t;
  }
  std::string Print() {
    auto c = CountHistory(store_.get());
    EXPECT_TRUE(c.ok());
    auto r = CountRunHistory(store_.get(), "none");
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(c->fingerprint, r->history.fingerprint) << "both passes";
    EXPECT_EQ(c->fingerprint.size(), 64u);
    return c->fingerprint;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(FingerprintTest, ChangesWhenATraceIsAddedOrMoved) {
  const std::string first = Print();
  EXPECT_EQ(Print(), first) << "stable";
  ASSERT_TRUE(store_->PutTraces({Trace(5, "fraud")}).ok());
  const std::string moved = Print();
  EXPECT_NE(moved, first);
  ASSERT_TRUE(store_->PutTraces({Trace(12000, "fraud")}).ok());
  EXPECT_NE(Print(), moved);
}

}  // namespace
}  // namespace mmgate::backfill
