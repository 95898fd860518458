#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "store/store.h"

namespace mmgate::store {
namespace {

namespace fs = std::filesystem;

fs::path TempDb(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("mmgate-verdicts-" + std::to_string(::getpid()) + name);
  fs::remove_all(dir);
  return dir / "results.db";
}

TEST(VerdictsTest, RoundTripOldestFirstWithSuites) {
  fs::path db = TempDb("a");
  {
    auto s = Store::Open(db.string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    VerdictRecord later{0, "b", "c2", "p", "block", 2000, "{}", {}};
    later.suites.push_back(
        {"speech", "audio", "wer", "block", 40, 0.2, 0.3, 0.1, 0.05, 0.15});
    later.suites.push_back(
        {"charts", "chart", "exact", "pass", 50, 0.8, 0.8, 0, -0.02, 0.02});
    ASSERT_TRUE((*s)->PutVerdict(later).ok());
    ASSERT_TRUE(
        (*s)->PutVerdict({0, "b", "c1", "p", "pass", 1000, "{}", {}}).ok());
  }
  auto s = Store::Open(db.string());
  ASSERT_TRUE(s.ok());
  auto v = (*s)->ListVerdicts();
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].candidate, "c1");
  EXPECT_TRUE((*v)[0].suites.empty());
  ASSERT_EQ((*v)[1].suites.size(), 2u);
  EXPECT_EQ((*v)[1].suites[0].suite, "charts");
  EXPECT_EQ((*v)[1].suites[1].modality, "audio");
  EXPECT_DOUBLE_EQ((*v)[1].suites[1].ci_hi, 0.15);
  fs::remove_all(db.parent_path());
}

TEST(VerdictsTest, ASchemaOneDatabaseGainsTheTables) {
  fs::path db = TempDb("b");
  fs::create_directories(db.parent_path());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "CREATE TABLE runs (run_id TEXT PRIMARY KEY, model "
                         "TEXT NOT NULL, model_version TEXT NOT NULL, "
                         "spec_json TEXT NOT NULL, config_path TEXT NOT NULL, "
                         "status TEXT NOT NULL, created_ms INTEGER NOT NULL, "
                         "finished_ms INTEGER NOT NULL DEFAULT 0); PRAGMA "
                         "user_version = 1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto s = Store::Open(db.string());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE((*s)->PutVerdict({0, "b", "c", "p", "pass", 1, "{}", {}}).ok());
  EXPECT_EQ((*s)->ListVerdicts()->size(), 1u);
  fs::remove_all(db.parent_path());
}

}  // namespace
}  // namespace mmgate::store
