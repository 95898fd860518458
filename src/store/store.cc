#include "store/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mmgate::store {
namespace {

// 2: verdicts, verdict_suites, attempts, cache and the remote-model columns
// of responses. 3: runs.source_run.
constexpr int kSchemaVersion = 3;

constexpr const char* kSchema = R"sql(
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

// Schema 2 -> 3: a rescored run names the run it was scored from.
constexpr const char* kMigrate2To3 = R"sql(
ALTER TABLE runs ADD COLUMN source_run TEXT NOT NULL DEFAULT '';
)sql";

RunStatus ParseRunStatus(const std::string& s) {
  if (s == "finished") return RunStatus::kFinished;
  if (s == "interrupted") return RunStatus::kInterrupted;
  return RunStatus::kRunning;
}

RunRecord ReadRun(const Statement& st) {
  RunRecord r;
  r.run_id = st.Text(0);
  r.model = st.Text(1);
  r.model_version = st.Text(2);
  r.spec_json = st.Text(3);
  r.config_path = st.Text(4);
  r.status = ParseRunStatus(st.Text(5));
  r.created_ms = st.Int(6);
  r.finished_ms = st.Int(7);
  r.source_run = st.Text(8);
  return r;
}

constexpr const char* kRunColumns =
    "run_id, model, model_version, spec_json, config_path, status, created_ms, "
    "finished_ms, source_run";

}  // namespace

std::string_view RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kFinished:
      return "finished";
    case RunStatus::kInterrupted:
      return "interrupted";
  }
  return "running";
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.status();
  std::unique_ptr<Store> store(new Store(std::move(*db)));
  MMGATE_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Status Store::Migrate() {
  auto st = db_->Prepare("PRAGMA user_version");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  int64_t version = st->Int(0);
  if (version > kSchemaVersion) {
    return Status::Invalid("database " + path() + " has schema version " +
                           std::to_string(version) +
                           ", newer than this mmgate (" +
                           std::to_string(kSchemaVersion) + ")");
  }
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  if (version == 1) MMGATE_RETURN_IF_ERROR(db_->Exec(kMigrate1To2));
  if (version >= 1 && version < 3)
    MMGATE_RETURN_IF_ERROR(db_->Exec(kMigrate2To3));
  MMGATE_RETURN_IF_ERROR(db_->Exec(kSchema));
  MMGATE_RETURN_IF_ERROR(
      db_->Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion)));
  return tx.Commit();
}

Status Store::CreateRun(const RunRecord& run) {
  auto st = db_->Prepare(std::string("INSERT INTO runs (") + kRunColumns +
                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return st.status();
  st->Bind(1, run.run_id)
      .Bind(2, run.model)
      .Bind(3, run.model_version)
      .Bind(4, run.spec_json)
      .Bind(5, run.config_path)
      .Bind(6, RunStatusName(run.status))
      .Bind(7, run.created_ms)
      .Bind(8, run.finished_ms)
      .Bind(9, run.source_run);
  return st->Run().WithContext("creating run " + run.run_id);
}

Result<std::optional<RunRecord>> Store::GetRun(const std::string& run_id) {
  auto st = db_->Prepare(std::string("SELECT ") + kRunColumns +
                         " FROM runs WHERE run_id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<RunRecord>();
  return std::optional<RunRecord>(ReadRun(*st));
}

Result<std::vector<RunRecord>> Store::ListRuns() {
  auto st = db_->Prepare(std::string("SELECT ") + kRunColumns +
                         " FROM runs ORDER BY created_ms, run_id");
  if (!st.ok()) return st.status();
  std::vector<RunRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadRun(*st));
  }
  return out;
}

Status Store::SetRunStatus(const std::string& run_id, RunStatus status,
                           int64_t finished_ms) {
  auto st = db_->Prepare(
      "UPDATE runs SET status = ?2, finished_ms = ?3 WHERE run_id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, RunStatusName(status)).Bind(3, finished_ms);
  return st->Run();
}

Status Store::PutSuite(const std::string& run_id, const SuiteRecord& suite,
                       const std::vector<ItemRecord>& items) {
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto st = db_->Prepare(
      "INSERT INTO run_suites (run_id, suite, modality, metric, metrics_json, "
      "version_hash,"
      " n_items) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (run_id, "
      "suite) DO UPDATE SET"
      " modality = excluded.modality, metric = excluded.metric,"
      " metrics_json = excluded.metrics_json, version_hash = "
      "excluded.version_hash,"
      " n_items = excluded.n_items");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id)
      .Bind(2, suite.suite)
      .Bind(3, suite.modality)
      .Bind(4, suite.metric)
      .Bind(5, nlohmann::json(suite.metrics).dump())
      .Bind(6, suite.version_hash)
      .Bind(7, suite.n_items);
  MMGATE_RETURN_IF_ERROR(st->Run());

  auto ins = db_->Prepare(
      "INSERT INTO items (run_id, suite, item_id, content_hash, modality, "
      "metric, group_id,"
      " expect, slices_json, reference_json, prompt, media_json, line)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
      " ON CONFLICT (run_id, suite, item_id) DO UPDATE SET content_hash = "
      "excluded.content_hash,"
      " modality = excluded.modality, metric = excluded.metric, group_id = "
      "excluded.group_id, expect = excluded.expect,"
      " slices_json = excluded.slices_json, reference_json = "
      "excluded.reference_json,"
      " prompt = excluded.prompt, media_json = excluded.media_json, line = "
      "excluded.line");
  if (!ins.ok()) return ins.status();
  for (const ItemRecord& it : items) {
    nlohmann::json slices = nlohmann::json::array();
    for (const auto& [k, v] : it.slices) slices.push_back({k, v});
    ins->Bind(1, run_id)
        .Bind(2, suite.suite)
        .Bind(3, it.item_id)
        .Bind(4, it.content_hash)
        .Bind(5, it.modality)
        .Bind(6, it.metric)
        .Bind(7, it.group)
        .Bind(8, it.expect)
        .Bind(9, slices.dump())
        .Bind(10, it.reference_json)
        .Bind(11, it.prompt)
        .Bind(12, it.media_json)
        .Bind(13, it.line);
    MMGATE_RETURN_IF_ERROR(ins->Run().WithContext("item " + it.item_id));
  }
  // Items the suite no longer holds (a resumed run over an edited suite)
  // leave the run with their responses and scores.
  MMGATE_RETURN_IF_ERROR(db_->Exec(
      "CREATE TEMP TABLE IF NOT EXISTS keep_items (item_id TEXT PRIMARY KEY);"
      " DELETE FROM keep_items;"));
  auto keep =
      db_->Prepare("INSERT OR IGNORE INTO keep_items (item_id) VALUES (?1)");
  if (!keep.ok()) return keep.status();
  for (const ItemRecord& it : items) {
    keep->Bind(1, it.item_id);
    MMGATE_RETURN_IF_ERROR(keep->Run());
  }
  for (const char* table : {"scores", "responses", "items"}) {
    auto del =
        db_->Prepare(std::string("DELETE FROM ") + table +
                     " WHERE run_id = ?1 AND suite = ?2 AND item_id NOT IN"
                     " (SELECT item_id FROM keep_items)");
    if (!del.ok()) return del.status();
    del->Bind(1, run_id).Bind(2, suite.suite);
    MMGATE_RETURN_IF_ERROR(del->Run());
  }
  return tx.Commit();
}

Result<std::vector<SuiteRecord>> Store::GetSuites(const std::string& run_id) {
  auto st = db_->Prepare(
      "SELECT suite, modality, metric, metrics_json, version_hash, n_items "
      "FROM run_suites"
      " WHERE run_id = ?1 ORDER BY suite");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::vector<SuiteRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SuiteRecord s;
    s.suite = st->Text(0);
    s.modality = st->Text(1);
    s.metric = st->Text(2);
    s.metrics =
        nlohmann::json::parse(st->Text(3)).get<std::vector<std::string>>();
    s.version_hash = st->Text(4);
    s.n_items = st->Int(5);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::map<std::pair<std::string, std::string>, std::string>>
Store::FinishedItems(const std::string& run_id) {
  auto st = db_->Prepare(
      "SELECT suite, item_id, content_hash FROM responses WHERE run_id = ?1 "
      "AND error IS NULL");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out[{st->Text(0), st->Text(1)}] = st->Text(2);
  }
  return out;
}

Status Store::PutResult(const std::string& run_id, const ResponseRecord& r,
                        const std::vector<ScoreRecord>& scores,
                        const std::vector<AttemptRecord>& attempts,
                        const std::optional<CacheEntry>& cache) {
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto del = db_->Prepare(
      "DELETE FROM scores WHERE run_id = ?1 AND suite = ?2 AND item_id = ?3");
  if (!del.ok()) return del.status();
  del->Bind(1, run_id).Bind(2, r.suite).Bind(3, r.item_id);
  MMGATE_RETURN_IF_ERROR(del->Run());
  auto st = db_->Prepare(
      "INSERT OR REPLACE INTO responses (run_id, suite, item_id, content_hash, "
      "answer, error,"
      " error_kind, latency_ms, model_version, input_tokens, output_tokens, "
      "created_ms, cost_usd, n_attempts, ttft_ms, template_hash, schema_valid,"
      " cached, n_repeats, flaky, repeats_json)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
      " ?15, ?16, ?17, ?18, ?19, ?20, ?21)");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id)
      .Bind(2, r.suite)
      .Bind(3, r.item_id)
      .Bind(4, r.content_hash)
      .BindOptional(5, r.answer)
      .BindOptional(6, r.error)
      .Bind(7, r.error_kind)
      .Bind(8, r.latency_ms)
      .Bind(9, r.model_version)
      .Bind(10, r.input_tokens)
      .Bind(11, r.output_tokens)
      .Bind(12, r.created_ms)
      .Bind(13, r.cost_usd)
      .Bind(14, r.n_attempts)
      .Bind(15, r.ttft_ms)
      .Bind(16, r.template_hash)
      .Bind(17, r.schema_valid)
      .Bind(18, int64_t{r.cached ? 1 : 0})
      .Bind(19, r.n_repeats)
      .Bind(20, int64_t{r.flaky ? 1 : 0})
      .Bind(21, r.repeats_json);
  MMGATE_RETURN_IF_ERROR(st->Run().WithContext("item " + r.item_id));
  MMGATE_RETURN_IF_ERROR(InsertAttempts(run_id, attempts));
  if (cache) MMGATE_RETURN_IF_ERROR(InsertCache(*cache));
  auto ins = db_->Prepare(
      "INSERT INTO scores (run_id, suite, item_id, metric, value, numerator, "
      "denominator, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!ins.ok()) return ins.status();
  for (const ScoreRecord& s : scores) {
    ins->Bind(1, run_id)
        .Bind(2, r.suite)
        .Bind(3, r.item_id)
        .Bind(4, s.metric)
        .Bind(5, s.value)
        .Bind(6, s.numerator)
        .Bind(7, s.denominator)
        .Bind(8, s.detail);
    MMGATE_RETURN_IF_ERROR(ins->Run().WithContext("item " + r.item_id));
  }
  return tx.Commit();
}

Result<std::vector<ItemResult>> Store::LoadResults(const std::string& run_id) {
  auto st = db_->Prepare(
      "SELECT i.suite, i.item_id, i.content_hash, i.modality, i.group_id, "
      "i.expect,"
      " i.slices_json, i.reference_json, i.prompt, i.media_json, i.line,"
      " r.item_id IS NOT NULL, r.content_hash, r.answer, r.error, "
      "r.error_kind, r.latency_ms,"
      " r.model_version, r.input_tokens, r.output_tokens, r.created_ms, "
      "i.metric, r.cost_usd, r.n_attempts, r.ttft_ms, r.template_hash,"
      " r.schema_valid, r.cached, r.n_repeats, r.flaky, r.repeats_json"
      " FROM items i LEFT JOIN responses r"
      " ON r.run_id = i.run_id AND r.suite = i.suite AND r.item_id = i.item_id"
      " WHERE i.run_id = ?1 ORDER BY i.suite, i.line, i.item_id");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  std::vector<ItemResult> out;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ItemResult res;
    ItemRecord& it = res.item;
    it.suite = st->Text(0);
    it.item_id = st->Text(1);
    it.content_hash = st->Text(2);
    it.modality = st->Text(3);
    it.group = st->Text(4);
    it.expect = st->Text(5);
    for (const auto& kv : nlohmann::json::parse(st->Text(6))) {
      it.slices.emplace_back(kv[0].get<std::string>(),
                             kv[1].get<std::string>());
    }
    it.reference_json = st->Text(7);
    it.prompt = st->Text(8);
    it.media_json = st->Text(9);
    it.line = st->Int(10);
    it.metric = st->Text(21);
    if (st->Int(11) != 0) {
      ResponseRecord r;
      r.suite = it.suite;
      r.item_id = it.item_id;
      r.content_hash = st->Text(12);
      if (!st->IsNull(13)) r.answer = st->Text(13);
      if (!st->IsNull(14)) r.error = st->Text(14);
      r.error_kind = st->Text(15);
      r.latency_ms = st->Double(16);
      r.model_version = st->Text(17);
      r.input_tokens = st->Int(18);
      r.output_tokens = st->Int(19);
      r.created_ms = st->Int(20);
      r.cost_usd = st->Double(22);
      r.n_attempts = st->Int(23);
      r.ttft_ms = st->Double(24);
      r.template_hash = st->Text(25);
      r.schema_valid = st->Int(26);
      r.cached = st->Int(27) != 0;
      r.n_repeats = st->Int(28);
      r.flaky = st->Int(29) != 0;
      r.repeats_json = st->Text(30);
      res.response = std::move(r);
    }
    index[{it.suite, it.item_id}] = out.size();
    out.push_back(std::move(res));
  }
  auto sc = db_->Prepare(
      "SELECT suite, item_id, metric, value, numerator, denominator, detail "
      "FROM scores"
      " WHERE run_id = ?1");
  if (!sc.ok()) return sc.status();
  sc->Bind(1, run_id);
  for (;;) {
    auto row = sc->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto found = index.find({sc->Text(0), sc->Text(1)});
    if (found == index.end()) continue;
    ScoreRecord s;
    s.metric = sc->Text(2);
    s.value = sc->Double(3);
    s.numerator = sc->Double(4);
    s.denominator = sc->Double(5);
    s.detail = sc->Text(6);
    out[found->second].scores[s.metric] = std::move(s);
  }
  return out;
}

Result<std::vector<Store::Outcome>> Store::Outcomes(
    const std::vector<std::string>& exclude_runs) {
  auto st = db_->Prepare(
      "SELECT i.run_id, i.suite, i.item_id, i.content_hash, i.metric, r.error "
      "IS NOT NULL, s.value"
      " FROM items i JOIN responses r"
      " ON r.run_id = i.run_id AND r.suite = i.suite AND r.item_id = i.item_id"
      " LEFT JOIN scores s ON s.run_id = i.run_id AND s.suite = i.suite"
      " AND s.item_id = i.item_id AND s.metric = i.metric"
      " WHERE i.content_hash != ''");
  if (!st.ok()) return st.status();
  std::vector<Outcome> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string run = st->Text(0);
    if (std::find(exclude_runs.begin(), exclude_runs.end(), run) !=
        exclude_runs.end())
      continue;
    Outcome o{st->Text(1),
              st->Text(2),
              st->Text(3),
              st->Text(4),
              st->Int(5) != 0 || st->IsNull(6),
              st->Double(6)};
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace mmgate::store
