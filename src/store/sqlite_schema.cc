// The SQLite schema and its migrations (docs/schema.md). The version lives in
// the schema_version table (schema 3 on); older databases kept it in
// PRAGMA user_version, which is still read when that table is missing and is
// still written, so an mmgate from before schema 3 refuses a newer database.
#include "store/sqlite_store.h"

namespace mmgate::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS runs (
  run_id        TEXT PRIMARY KEY,
  model         TEXT NOT NULL,
  model_version TEXT NOT NULL,
  spec_json     TEXT NOT NULL,
  config_path   TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  finished_ms   INTEGER NOT NULL DEFAULT 0,
  source_run    TEXT NOT NULL DEFAULT ''
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
  verdict_id   INTEGER PRIMARY KEY,
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
CREATE TABLE IF NOT EXISTS extra_responses (
  run_id        TEXT NOT NULL,
  suite         TEXT NOT NULL,
  item_id       TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('repeat', 'judge', 'stage')),
  seq           INTEGER NOT NULL,
  content_hash  TEXT NOT NULL,
  answer        TEXT,
  error         TEXT,
  error_kind    TEXT NOT NULL,
  latency_ms    REAL NOT NULL,
  model_version TEXT NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd      REAL NOT NULL,
  value         REAL,
  created_ms    INTEGER NOT NULL,
  PRIMARY KEY (run_id, suite, item_id, kind, seq),
  FOREIGN KEY (run_id, suite, item_id) REFERENCES items(run_id, suite, item_id)
);
CREATE TABLE IF NOT EXISTS labels (
  label_id     INTEGER PRIMARY KEY,
  run_id       TEXT NOT NULL,
  suite        TEXT NOT NULL,
  item_id      TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  grader       TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  grade        TEXT NOT NULL,
  note         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS labels_by_item ON labels (suite, item_id);
CREATE TABLE IF NOT EXISTS label_failure_modes (
  label_id INTEGER NOT NULL REFERENCES labels(label_id),
  position INTEGER NOT NULL,
  mode     TEXT NOT NULL,
  PRIMARY KEY (label_id, position)
);
CREATE TABLE IF NOT EXISTS calibrations (
  calibration_id INTEGER PRIMARY KEY,
  judge          TEXT NOT NULL,
  judge_version  TEXT NOT NULL,
  rubric_hash    TEXT NOT NULL,
  modality       TEXT NOT NULL,
  slice_key      TEXT NOT NULL,
  slice_value    TEXT NOT NULL,
  n              INTEGER NOT NULL,
  unscored       INTEGER NOT NULL,
  kappa_kind     TEXT NOT NULL,
  kappa          REAL,
  kappa_lo       REAL,
  kappa_hi       REAL,
  detail_json    TEXT NOT NULL,
  labels_hash    TEXT NOT NULL,
  created_ms     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS calibrations_by_judge ON calibrations (judge);
CREATE TABLE IF NOT EXISTS traces (
  trace_id      TEXT PRIMARY KEY,
  created_ms    INTEGER NOT NULL,
  model_version TEXT NOT NULL,
  inputs_ref    TEXT NOT NULL,
  inputs_json   TEXT NOT NULL,
  decision      TEXT NOT NULL,
  category      TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  request_hash  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traces_by_time ON traces (created_ms, trace_id);
-- Schema 6: what flip analysis reads of each trace, beside it (one row per
-- trace, written with it): a narrow table clustered by id, so an analysis
-- of millions of decisions never reads the requests whole. has_facts 0: the
-- fast reader did not read the request whole; the analysis reads
-- traces.inputs_json instead.
CREATE TABLE IF NOT EXISTS trace_facts (
  trace_id     TEXT PRIMARY KEY,
  created_ms   INTEGER NOT NULL,
  category     TEXT NOT NULL,
  decision     TEXT NOT NULL,
  has_facts    INTEGER NOT NULL,
  modality     TEXT NOT NULL,
  slices_json  TEXT NOT NULL,
  ground_truth TEXT NOT NULL,
  confidence   REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stages (
  run_id     TEXT NOT NULL REFERENCES runs(run_id),
  suite      TEXT NOT NULL,
  item_id    TEXT NOT NULL,
  trace_id   TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  stage      TEXT NOT NULL,
  input_ref  TEXT NOT NULL,
  output_ref TEXT NOT NULL,
  answer     TEXT,
  error      TEXT,
  error_kind TEXT NOT NULL,
  latency_ms REAL NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (run_id, suite, item_id, trace_id, seq)
);
CREATE TABLE IF NOT EXISTS leases (
  run_id     TEXT NOT NULL REFERENCES runs(run_id),
  batch_id   TEXT NOT NULL,
  owner      TEXT NOT NULL,
  token      INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (run_id, batch_id)
);
-- A worker's claim finds the next free batch through this index
-- (Store::ClaimNextLease), never by reading every lease of the run.
CREATE INDEX IF NOT EXISTS leases_free ON leases (run_id, expires_ms, batch_id);
)sql";

// Schema 1 -> 2: responses gain the remote-model columns (the new tables come
// from kSchema's CREATE IF NOT EXISTS).
constexpr const char* kMigrate1To2 = R"sql(
ALTER TABLE responses ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN n_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN ttft_ms REAL NOT NULL DEFAULT -1;
ALTER TABLE responses ADD COLUMN template_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN schema_valid INTEGER NOT NULL DEFAULT -1;
ALTER TABLE responses ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN n_repeats INTEGER NOT NULL DEFAULT 1;
ALTER TABLE responses ADD COLUMN flaky INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN repeats_json TEXT NOT NULL DEFAULT '';
)sql";

// Schema 2 -> 3: runs gain source_run; schema_version, extra_responses,
// labels, traces, stages and leases come from kSchema. Verdict ids of an
// older database keep their AUTOINCREMENT: harmless, verdicts are never
// deleted.
constexpr const char* kMigrate2To3 = R"sql(
ALTER TABLE runs ADD COLUMN source_run TEXT NOT NULL DEFAULT '';
)sql";

// A database without a schema version must be empty: a SQLite file of
// another program is refused before anything is written to it, never given
// mmgate's tables.
Status RefuseForeign(Database* db) {
  auto st = db->Prepare(
      "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY "
      "name = 'schema_version' DESC, name LIMIT 3");
  if (!st.ok()) return st.status();
  std::string names;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (st->Text(0) == "schema_version") return Status::Ok();
    names += (names.empty() ? "" : ", ") + st->Text(0);
  }
  if (names.empty()) return Status::Ok();
  auto version = db->Prepare("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto row = version->Step();
  if (!row.ok()) return row.status();
  if (version->Int(0) != 0) return Status::Ok();  // mmgate before schema 3
  return Status::Invalid("database " + db->path() +
                         " is not an mmgate results database (no schema "
                         "version; it holds " +
                         names + "...): name another file with --db");
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path) {
  auto db = Database::Open(path, RefuseForeign);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db)));
  MMGATE_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Result<int64_t> SqliteStore::StoredVersion() {
  auto has = db_->Prepare(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
      "'schema_version'");
  if (!has.ok()) return has.status();
  auto row = has->Step();
  if (!row.ok()) return row.status();
  auto st =
      db_->Prepare(has->Int(0) != 0 ? "SELECT COALESCE(MAX(version), 0) FROM "
                                      "schema_version"
                                    : "PRAGMA user_version");
  if (!st.ok()) return st.status();
  row = st->Step();
  if (!row.ok()) return row.status();
  return st->Int(0);
}

Status SqliteStore::Migrate() {
  // Inside the write transaction, so two processes opening an old database
  // at once migrate it once.
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto version = StoredVersion();
  if (!version.ok()) return version.status();
  if (*version > kSchemaVersion) {
    return Status::Invalid("database " + Describe() + " has schema version " +
                           std::to_string(*version) +
                           ", newer than this mmgate (" +
                           std::to_string(kSchemaVersion) + ")");
  }
  if (*version == kSchemaVersion) return tx.Commit();
  // Version 0 is a new, empty database: kSchema creates it whole.
  if (*version == 1) MMGATE_RETURN_IF_ERROR(db_->Exec(kMigrate1To2));
  if (*version == 1 || *version == 2)
    MMGATE_RETURN_IF_ERROR(db_->Exec(kMigrate2To3));
  // 3 -> 4 and 4 -> 5 are kSchema alone: they add the calibrations table
  // and the leases_free index. 5 -> 6 adds trace_facts, filled here from
  // the stored traces.
  MMGATE_RETURN_IF_ERROR(db_->Exec(kSchema));
  if (*version >= 3) MMGATE_RETURN_IF_ERROR(FillTraceFacts());
  std::string v = std::to_string(kSchemaVersion);
  MMGATE_RETURN_IF_ERROR(db_->Exec(
      "INSERT INTO schema_version (version) VALUES (" + v +
      ") ON CONFLICT (version) DO NOTHING; PRAGMA user_version = " + v));
  return tx.Commit().WithContext("migrating " + Describe() + " from schema " +
                                 std::to_string(*version));
}

}  // namespace mmgate::store
