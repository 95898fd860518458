// Older databases open in a newer mmgate and keep their rows: schema 1
// (before remote models: responses gain their columns, attempts, cache and
// verdict tables appear) and schema 2 (runs gain source_run; labels, traces,
// stages, extra responses and leases appear; the version moves to the
// schema_version table). Each is built with the SQL of its time.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

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

  auto store = OpenStore(path.string());
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

// The schema-2 SQL exactly as mmgate wrote it before schema 3.
constexpr const char* kSchemaTwo = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  run_id        TEXT PRIMARY KEY,
  model         TEXT NOT NULL,
  model_version TEXT NOT NULL,
  spec_json     TEXT NOT NULL,
  config_path   TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  finished_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS run_suites (
  run_id       TEXT NOT NULL REFERENCES runs(run_id),
  suite        TEXT NOT NULL,
  modality     TEXT NOT NULL,
  metric       TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  version_hash TEXT NOT NULL,
  n_items      INTEGER NOT NULL,
  PRIMARY KEY (run_id, suite)
);
CREATE TABLE IF NOT EXISTS items (
  run_id         TEXT NOT NULL,
  suite          TEXT NOT NULL,
  item_id        TEXT NOT NULL,
  content_hash   TEXT NOT NULL,
  modality       TEXT NOT NULL,
  metric         TEXT NOT NULL,
  group_id       TEXT NOT NULL,
  expect         TEXT NOT NULL,
  slices_json    TEXT NOT NULL,
  reference_json TEXT NOT NULL,
  prompt         TEXT NOT NULL,
  media_json     TEXT NOT NULL,
  line           INTEGER NOT NULL,
  PRIMARY KEY (run_id, suite, item_id),
  FOREIGN KEY (run_id, suite) REFERENCES run_suites(run_id, suite)
);
CREATE TABLE IF NOT EXISTS responses (
  run_id        TEXT NOT NULL,
  suite         TEXT NOT NULL,
  item_id       TEXT NOT NULL,
  content_hash  TEXT NOT NULL,
  answer        TEXT,
  error         TEXT,
  error_kind    TEXT NOT NULL,
  latency_ms    REAL NOT NULL,
  model_version TEXT NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  created_ms    INTEGER NOT NULL,
  cost_usd      REAL NOT NULL DEFAULT 0,
  n_attempts    INTEGER NOT NULL DEFAULT 0,
  ttft_ms       REAL NOT NULL DEFAULT -1,
  template_hash TEXT NOT NULL DEFAULT '',
  schema_valid  INTEGER NOT NULL DEFAULT -1,
  cached        INTEGER NOT NULL DEFAULT 0,
  n_repeats     INTEGER NOT NULL DEFAULT 1,
  flaky         INTEGER NOT NULL DEFAULT 0,
  repeats_json  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, suite, item_id),
  FOREIGN KEY (run_id, suite, item_id) REFERENCES items(run_id, suite, item_id)
);
CREATE TABLE IF NOT EXISTS scores (
  run_id      TEXT NOT NULL,
  suite       TEXT NOT NULL,
  item_id     TEXT NOT NULL,
  metric      TEXT NOT NULL,
  value       REAL NOT NULL,
  numerator   REAL NOT NULL,
  denominator REAL NOT NULL,
  detail      TEXT NOT NULL,
  PRIMARY KEY (run_id, suite, item_id, metric),
  FOREIGN KEY (run_id, suite, item_id) REFERENCES responses(run_id, suite, item_id)
);
CREATE TABLE IF NOT EXISTS verdicts (
  verdict_id   INTEGER PRIMARY KEY AUTOINCREMENT,
  baseline     TEXT NOT NULL,
  candidate    TEXT NOT NULL,
  policy       TEXT NOT NULL,
  verdict      TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  verdict_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS verdict_suites (
  verdict_id INTEGER NOT NULL REFERENCES verdicts(verdict_id),
  suite      TEXT NOT NULL,
  modality   TEXT NOT NULL,
  metric     TEXT NOT NULL,
  verdict    TEXT NOT NULL,
  n          INTEGER NOT NULL,
  baseline   REAL NOT NULL,
  candidate  REAL NOT NULL,
  delta      REAL NOT NULL,
  ci_lo      REAL NOT NULL,
  ci_hi      REAL NOT NULL,
  PRIMARY KEY (verdict_id, suite, metric)
);
CREATE TABLE IF NOT EXISTS attempts (
  attempt_id    INTEGER PRIMARY KEY,
  run_id        TEXT NOT NULL,
  suite         TEXT NOT NULL,
  item_id       TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  http_status   INTEGER NOT NULL,
  error_kind    TEXT NOT NULL,
  error         TEXT NOT NULL,
  latency_ms    REAL NOT NULL,
  ttft_ms       REAL NOT NULL,
  wait_ms       REAL NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd      REAL NOT NULL,
  created_ms    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_item ON attempts (run_id, suite, item_id);
CREATE TABLE IF NOT EXISTS cache (
  key           TEXT PRIMARY KEY,
  model_version TEXT NOT NULL,
  answer        TEXT NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  template_hash TEXT NOT NULL,
  schema_valid  INTEGER NOT NULL,
  created_ms    INTEGER NOT NULL
);
)sql";

constexpr const char* kSchemaTwoRows = R"sql(
INSERT INTO runs VALUES ('base', 'm', 'v', '{"k":1}', 'mmgate.yaml', 'finished', 1, 2);
INSERT INTO run_suites VALUES ('base', 'qa', 'text', 'exact', '["exact","anls"]', 'h', 2);
INSERT INTO items VALUES ('base', 'qa', 'q1', 'c1', 'text', 'exact', 'g1', 'answer',
  '[["difficulty","hard"]]', '"a"', 'Say a', '[]', 1);
INSERT INTO items VALUES ('base', 'qa', 'q2', 'c2', 'text', 'exact', 'g2', 'answer', '[]',
  '"b"', 'Say b', '[]', 2);
INSERT INTO responses VALUES ('base', 'qa', 'q1', 'c1', 'a', NULL, '', 5.0, 'v', 3, 1, 9,
  0.125, 2, 1.5, 'tpl', 1, 0, 3, 1, '[{"answer":"a","value":1}]');
INSERT INTO scores VALUES ('base', 'qa', 'q1', 'exact', 1, 1, 1, '');
INSERT INTO attempts (run_id, suite, item_id, attempt, http_status, error_kind, error,
  latency_ms, ttft_ms, wait_ms, input_tokens, output_tokens, cost_usd, created_ms)
  VALUES ('base', 'qa', 'q1', 1, 429, 'rate_limited', 'slow down', 1, -1, 0, -1, -1, 0, 8);
INSERT INTO cache VALUES ('key-1', 'v', 'a', 3, 1, 'tpl', 1, 9);
INSERT INTO verdicts (baseline, candidate, policy, verdict, created_ms, verdict_json)
  VALUES ('base', 'cand', 'p', 'pass', 10, '{}');
INSERT INTO verdict_suites VALUES (1, 'qa', 'text', 'exact', 'pass', 2, 0.5, 0.5, 0, -0.1, 0.1);
PRAGMA user_version = 2;
)sql";

int64_t QueryInt(const fs::path& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

TEST(Migrate, SchemaTwoKeepsItsRowsAndGainsTheSchemaThreeTables) {
  fs::path path = fs::temp_directory_path() /
                  ("mmgate-migrate2-" + std::to_string(::getpid()) + ".db");
  fs::remove(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kSchemaTwo, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kSchemaTwoRows, nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto store = OpenStore("sqlite:" + path.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  Store* s = store->get();
  auto run = s->GetRun("base");
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->spec_json, R"({"k":1})");
  EXPECT_EQ((*run)->status, RunStatus::kFinished);
  EXPECT_EQ((*run)->source_run, "");
  auto suites = s->GetSuites("base");
  ASSERT_TRUE(suites.ok());
  ASSERT_EQ(suites->size(), 1u);
  EXPECT_EQ((*suites)[0].metrics, (std::vector<std::string>{"exact", "anls"}));
  auto results = s->LoadResults("base");
  ASSERT_TRUE(results.ok()) << results.status().message();
  ASSERT_EQ(results->size(), 2u);
  const ItemResult& q1 = (*results)[0];
  EXPECT_EQ(q1.item.slices.at(0).second, "hard");
  ASSERT_TRUE(q1.response.has_value());
  EXPECT_EQ(*q1.response->answer, "a");
  EXPECT_DOUBLE_EQ(q1.response->cost_usd, 0.125);
  EXPECT_EQ(q1.response->n_attempts, 2);
  EXPECT_EQ(q1.response->n_repeats, 3);
  EXPECT_TRUE(q1.response->flaky);
  EXPECT_EQ(q1.scores.size(), 1u);
  EXPECT_FALSE((*results)[1].response.has_value());
  EXPECT_EQ(s->LoadAttempts("base")->size(), 1u);
  EXPECT_EQ((*s->GetCached("key-1"))->template_hash, "tpl");
  EXPECT_EQ(s->Outcomes({})->size(), 1u);

  // Old verdict ids go on growing from the AUTOINCREMENT table.
  ASSERT_TRUE(
      s->PutVerdict({0, "base", "c2", "p", "block", 20, "{}", {}}).ok());
  auto verdicts = s->ListVerdicts();
  ASSERT_TRUE(verdicts.ok());
  ASSERT_EQ(verdicts->size(), 2u);
  EXPECT_EQ((*verdicts)[0].suites.size(), 1u);
  EXPECT_EQ((*verdicts)[1].verdict_id, 2);

  // The schema-3 tables work on the migrated database.
  RunRecord rescored = **run;
  rescored.run_id = "rescored";
  rescored.source_run = "base";
  ASSERT_TRUE(s->CreateRun(rescored).ok());
  EXPECT_EQ((*s->GetRun("rescored"))->source_run, "base");
  LabelRecord label;
  label.suite = "qa";
  label.item_id = "q1";
  label.grader = "ana";
  label.failure_modes = {"format"};
  EXPECT_TRUE(s->PutLabel(label).ok());
  EXPECT_EQ(s->ListLabels({})->size(), 1u);
  EXPECT_TRUE(
      s->PutTraces({{"t1", 1, "v", "", "{}", "ok", "c", "", "h"}}).ok());
  EXPECT_TRUE(s->ClaimLease("base", "b0", "w", 0, 10)->has_value());
  ExtraResponseRecord judge;
  judge.suite = "qa";
  judge.item_id = "q1";
  judge.kind = ResponseKind::kJudge;
  EXPECT_TRUE(s->PutExtraResponses("base", {judge}).ok());
  StageRecord stage;
  stage.suite = "qa";
  stage.item_id = "q1";
  EXPECT_TRUE(s->PutStages("base", {stage}).ok());
  CalibrationRecord cal;
  cal.judge = "judge";
  cal.modality = "chart";
  EXPECT_TRUE(s->PutCalibration(cal).ok());
  store->reset();

  EXPECT_EQ(QueryInt(path, "SELECT MAX(version) FROM schema_version"), 6);
  EXPECT_EQ(QueryInt(path, "PRAGMA user_version"), 6)
      << "an mmgate before schema 3 reads this and refuses the database";
  EXPECT_EQ(QueryInt(path,
                     "SELECT COUNT(*) FROM sqlite_master WHERE name ="
                     " 'leases_free'"),
            1)
      << "schema 5: the index workers claim batches through";
  // Opening again migrates nothing and loses nothing.
  auto again = OpenStore(path.string());
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ((*again)->ListRuns()->size(), 2u);
  again->reset();
  fs::remove(path);
}

// Schema 5 -> 6: the traces of an older database get their trace_facts.
// The schema-5 database is a new one without that table (schema 6 adds
// nothing else) and with version 5 written as mmgate 5 wrote it.
TEST(Migrate, SchemaFiveTracesGainTheirFacts) {
  fs::path path = fs::temp_directory_path() /
                  ("mmgate-migrate-5-" + std::to_string(::getpid()) + ".db");
  fs::remove(path);
  {
    auto store = OpenStore(path.string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)
                    ->PutTraces({{"t1", 7, "v", "",
                                  R"({"prompt":"p",)"
                                  R"("slices":{"tier":"gold"},)"
                                  R"("ground_truth":"deny","confidence":0.5})",
                                  "approve", "refund", "", ""},
                                 {"t2", 8, "v", "",
                                  R"({"media":[{"type":"audio","path":"a"}]})",
                                  "deny", "chat", "", ""}})
                    .ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE trace_facts; DELETE FROM schema_version;"
                         " INSERT INTO schema_version VALUES (5);"
                         " PRAGMA user_version = 5;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto store = OpenStore(path.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  std::vector<DecisionRow> page;
  ASSERT_TRUE((*store)->LoadDecisionsPage("r", "backfill", "", 10, &page).ok());
  ASSERT_EQ(page.size(), 2u);
  EXPECT_TRUE(page[0].has_facts);
  EXPECT_EQ(page[0].created_ms, 7);
  EXPECT_EQ(page[0].category, "refund");
  EXPECT_EQ(page[0].decision, "approve");
  EXPECT_EQ(page[0].modality, "text");
  EXPECT_EQ(
      page[0].slices,
      (std::vector<std::pair<std::string, std::string>>{{"tier", "gold"}}));
  EXPECT_EQ(page[0].ground_truth, "deny");
  EXPECT_EQ(page[0].confidence, 0.5);
  EXPECT_TRUE(page[0].inputs_json.empty());
  EXPECT_FALSE(page[1].has_facts) << "media: the request is read whole";
  EXPECT_EQ(page[1].inputs_json, R"({"media":[{"type":"audio","path":"a"}]})");
  store->reset();
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM trace_facts"), 2);
  EXPECT_EQ(QueryInt(path, "SELECT MAX(version) FROM schema_version"), 6);
  fs::remove(path);
}

TEST(Migrate, RefusesANewerSchemaVersionTable) {
  fs::path path =
      fs::temp_directory_path() /
      ("mmgate-migrate-newer-" + std::to_string(::getpid()) + ".db");
  fs::remove(path);
  ASSERT_TRUE(OpenStore(path.string()).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (7)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenStore(path.string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("schema version 7, newer"),
            std::string::npos)
      << s.status().message();
  fs::remove(path);
}

}  // namespace
}  // namespace mmgate::store
