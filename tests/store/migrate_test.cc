// Schema 1 databases (before remote models) open in a newer mmgate: the
// responses gain their new columns, attempts and cache tables appear, and old
// rows read back unchanged.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/store.h"

namespace mmgate::store {
namespace {

namespace fs = std::filesystem;

TEST(Migrate, SchemaOneGainsAttemptsCacheVerdictsAndResponseColumns) {
  fs::path path = fs::temp_directory_path() /
                  ("mmgate-migrate-" + std::to_string(::getpid()) + ".db");
  fs::remove(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* v1 = R"sql(
    CREATE TABLE runs (run_id TEXT PRIMARY KEY, model TEXT NOT NULL,
      model_version TEXT NOT NULL, spec_json TEXT NOT NULL, config_path TEXT NOT NULL,
      status TEXT NOT NULL, created_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE run_suites (run_id TEXT NOT NULL, suite TEXT NOT NULL, modality TEXT NOT NULL,
      metric TEXT NOT NULL, metrics_json TEXT NOT NULL, version_hash TEXT NOT NULL,
      n_items INTEGER NOT NULL, PRIMARY KEY (run_id, suite));
    CREATE TABLE items (run_id TEXT NOT NULL, suite TEXT NOT NULL, item_id TEXT NOT NULL,
      content_hash TEXT NOT NULL, modality TEXT NOT NULL, metric TEXT NOT NULL,
      group_id TEXT NOT NULL, expect TEXT NOT NULL, slices_json TEXT NOT NULL,
      reference_json TEXT NOT NULL, prompt TEXT NOT NULL, media_json TEXT NOT NULL,
      line INTEGER NOT NULL, PRIMARY KEY (run_id, suite, item_id));
    CREATE TABLE responses (run_id TEXT NOT NULL, suite TEXT NOT NULL, item_id TEXT NOT NULL,
      content_hash TEXT NOT NULL, answer TEXT, error TEXT, error_kind TEXT NOT NULL,
      latency_ms REAL NOT NULL, model_version TEXT NOT NULL, input_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL, created_ms INTEGER NOT NULL,
      PRIMARY KEY (run_id, suite, item_id));
    CREATE TABLE scores (run_id TEXT NOT NULL, suite TEXT NOT NULL, item_id TEXT NOT NULL,
      metric TEXT NOT NULL, value REAL NOT NULL, numerator REAL NOT NULL,
      denominator REAL NOT NULL, detail TEXT NOT NULL,
      PRIMARY KEY (run_id, suite, item_id, metric));
    INSERT INTO runs VALUES ('old', 'm', 'v', '{}', 'mmgate.yaml', 'finished', 1, 2);
    INSERT INTO run_suites VALUES ('old', 'qa', 'text', 'exact', '["exact"]', 'h', 1);
    INSERT INTO items VALUES ('old', 'qa', 'q1', 'c1', 'text', 'exact', 'q1', 'answer', '[]',
      '"a"', 'Say a', '[]', 1);
    INSERT INTO responses VALUES ('old', 'qa', 'q1', 'c1', 'a', NULL, '', 5.0, 'v', 3, 1, 9);
    PRAGMA user_version = 1;
  )sql";
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto store = Store::Open(path.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto results = (*store)->LoadResults("old");
  ASSERT_TRUE(results.ok()) << results.status().message();
  ASSERT_EQ(results->size(), 1u);
  const ResponseRecord& r = *(*results)[0].response;
  EXPECT_EQ(*r.answer, "a");
  EXPECT_EQ(r.input_tokens, 3);
  EXPECT_EQ(r.n_attempts, 0);
  EXPECT_EQ(r.n_repeats, 1);
  EXPECT_FALSE(r.cached);
  ASSERT_TRUE(
      (*store)
          ->PutAttempts("old",
                        {{"qa", "q1", 1, 200, "", "", 5, -1, 0, 3, 1, 0.01, 9}},
                        CacheEntry{"k", "v", "a", 3, 1, "t", -1, 9})
          .ok());
  auto attempts = (*store)->LoadAttempts("old");
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ((*attempts)[0].cost_usd, 0.01);
  auto hit = (*store)->GetCached("k");
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ((*hit)->answer, "a");
  EXPECT_TRUE(
      (*store)->PutVerdict({0, "old", "c", "p", "pass", 1, "{}", {}}).ok());
  EXPECT_EQ((*store)->ListVerdicts()->size(), 1u);
  store->reset();
  fs::remove(path);
}

}  // namespace
}  // namespace mmgate::store
