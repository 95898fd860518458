#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/sqlite.h"

namespace mmgate::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto s = OpenStore((dir_ / "sub" / "results.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void AddRunWithItems() {
    RunRecord run{"r1", "ocr", "tesseract 5 cfg:1", "{}", "mmgate.yaml"};
    ASSERT_TRUE(store_->CreateRun(run).ok());
    SuiteRecord suite{
        "charts", "chart", "relaxed_accuracy", {"relaxed_accuracy", "anls"},
        "v1",     2};
    ItemRecord a{"charts",
                 "c1",
                 "h1",
                 "chart",
                 "relaxed_accuracy",
                 "c1",
                 "answer",
                 {{"chart_type", "bar"}},
                 "\"4\""};
    ItemRecord b{"charts", "c2",     "h2", "chart", "relaxed_accuracy",
                 "g",      "answer", {},   "\"5\""};
    b.line = 2;
    ASSERT_TRUE(store_->PutSuite("r1", suite, {a, b}).ok());
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, CreatesFolderAndUsesWal) {
  EXPECT_TRUE(fs::exists(dir_ / "sub" / "results.db"));
  auto st = Database::Open((dir_ / "sub" / "results.db").string());
  ASSERT_TRUE(st.ok());
  auto q = (*st)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->Text(0), "wal");
}

TEST_F(StoreTest, RunsRoundTrip) {
  AddRunWithItems();
  auto run = store_->GetRun("r1");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->model_version, "tesseract 5 cfg:1");
  EXPECT_EQ((*run)->status, RunStatus::kRunning);
  ASSERT_TRUE(store_->SetRunStatus("r1", RunStatus::kFinished, 99).ok());
  EXPECT_EQ((*store_->GetRun("r1"))->status, RunStatus::kFinished);
  EXPECT_FALSE(store_->GetRun("nope")->has_value());
  EXPECT_FALSE(store_->CreateRun(RunRecord{"r1", "x", "y", "{}", "z"}).ok())
      << "a run id is unique";
  auto suites = store_->GetSuites("r1");
  ASSERT_TRUE(suites.ok());
  ASSERT_EQ(suites->size(), 1u);
  EXPECT_EQ((*suites)[0].metrics,
            (std::vector<std::string>{"relaxed_accuracy", "anls"}));
}

TEST_F(StoreTest, ResultsReplaceEarlierOnesAndJoin) {
  AddRunWithItems();
  ResponseRecord err{"charts",         "c1",          "h1", std::nullopt,
                     "engine crashed", "engine_error"};
  ASSERT_TRUE(store_->PutResult("r1", err, {}).ok());
  EXPECT_TRUE(store_->FinishedItems("r1")->empty())
      << "errors are not finished work";

  ResponseRecord ok{"charts", "c1", "h1", "4.0", std::nullopt, ""};
  ok.latency_ms = 12.5;
  ASSERT_TRUE(store_
                  ->PutResult("r1", ok,
                              {{"relaxed_accuracy", 1, 1, 1, ""},
                               {"anls", 0.5, 0.5, 1, ""}})
                  .ok());
  auto finished = store_->FinishedItems("r1");
  ASSERT_TRUE(finished.ok());
  ASSERT_EQ(finished->size(), 1u);
  EXPECT_EQ(finished->at({"charts", "c1"}), "h1");

  auto results = store_->LoadResults("r1");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 2u);
  const ItemResult& c1 = (*results)[0];
  ASSERT_TRUE(c1.response.has_value());
  EXPECT_EQ(c1.response->answer.value(), "4.0");
  EXPECT_FALSE(c1.response->error.has_value());
  EXPECT_EQ(c1.scores.size(), 2u);
  EXPECT_DOUBLE_EQ(c1.scores.at("anls").value, 0.5);
  EXPECT_EQ(c1.item.slices.at(0).second, "bar");
  EXPECT_FALSE((*results)[1].response.has_value()) << "c2 was never run";
}

TEST_F(StoreTest, ItemsDroppedFromTheSuiteLeaveTheRun) {
  AddRunWithItems();
  ResponseRecord ok{"charts", "c2", "h2", "5", std::nullopt, ""};
  ASSERT_TRUE(
      store_->PutResult("r1", ok, {{"relaxed_accuracy", 1, 1, 1, ""}}).ok());
  SuiteRecord suite{"charts", "chart", "relaxed_accuracy", {"relaxed_accuracy"},
                    "v2",     1};
  ItemRecord a{"charts", "c1",     "h1", "chart", "relaxed_accuracy",
               "c1",     "answer", {},   "\"4\""};
  ASSERT_TRUE(store_->PutSuite("r1", suite, {a}).ok());
  auto results = store_->LoadResults("r1");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ((*results)[0].item.item_id, "c1");
  EXPECT_TRUE(store_->FinishedItems("r1")->empty());
}

TEST_F(StoreTest, RefusesNewerSchema) {
  auto db = Database::Open((dir_ / "newer.db").string());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 99").ok());
  db->reset();
  auto s = OpenStore((dir_ / "newer.db").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

// Issue 15: another program's SQLite file named as the results database is
// refused with its name, and not one byte of it is changed (WAL mode alone
// would rewrite its header).
TEST_F(StoreTest, RefusesAForeignDatabaseAndLeavesItAsItWas) {
  const std::string path = (dir_ / "invoices.db").string();
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "CREATE TABLE invoices (id INTEGER, total REAL); "
                           "INSERT INTO invoices VALUES (1, 2.5);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  auto bytes = [&] {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string before = bytes();
  auto s = OpenStore(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("invoices.db is not an mmgate results "
                                      "database"),
            std::string::npos)
      << s.status().message();
  EXPECT_EQ(bytes(), before);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

}  // namespace
}  // namespace mmgate::store
