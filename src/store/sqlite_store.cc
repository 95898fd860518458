// SqliteStore: runs, suites and items, and writing results.
#include "store/sqlite_store.h"

#include "store/decode.h"

namespace mmgate::store {
namespace {

constexpr const char* kRunColumns =
    "run_id, model, model_version, spec_json, config_path, status, created_ms, "
    "finished_ms, source_run";

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

constexpr const char* kUpsertItem =
    "INSERT INTO items (run_id, suite, item_id, content_hash, modality, "
    "metric, group_id, expect, slices_json, reference_json, prompt, "
    "media_json, line)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT (run_id, suite, item_id) DO UPDATE SET"
    " content_hash = excluded.content_hash, modality = excluded.modality,"
    " metric = excluded.metric, group_id = excluded.group_id,"
    " expect = excluded.expect, slices_json = excluded.slices_json,"
    " reference_json = excluded.reference_json, prompt = excluded.prompt,"
    " media_json = excluded.media_json, line = excluded.line";

constexpr const char* kUpsertResponse =
    "INSERT INTO responses (run_id, suite, item_id, content_hash, answer, "
    "error, error_kind, latency_ms, model_version, input_tokens, "
    "output_tokens, created_ms, cost_usd, n_attempts, ttft_ms, template_hash,"
    " schema_valid, cached, n_repeats, flaky, repeats_json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15, ?16, ?17, ?18, ?19, ?20, ?21)"
    " ON CONFLICT (run_id, suite, item_id) DO UPDATE SET"
    " content_hash = excluded.content_hash, answer = excluded.answer,"
    " error = excluded.error, error_kind = excluded.error_kind,"
    " latency_ms = excluded.latency_ms,"
    " model_version = excluded.model_version,"
    " input_tokens = excluded.input_tokens,"
    " output_tokens = excluded.output_tokens,"
    " created_ms = excluded.created_ms, cost_usd = excluded.cost_usd,"
    " n_attempts = excluded.n_attempts, ttft_ms = excluded.ttft_ms,"
    " template_hash = excluded.template_hash,"
    " schema_valid = excluded.schema_valid, cached = excluded.cached,"
    " n_repeats = excluded.n_repeats, flaky = excluded.flaky,"
    " repeats_json = excluded.repeats_json";

}  // namespace

Status SqliteStore::CreateRun(const RunRecord& run) {
  std::lock_guard<std::mutex> lock(mu_);
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

Result<std::optional<RunRecord>> SqliteStore::GetRun(
    const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(std::string("SELECT ") + kRunColumns +
                         " FROM runs WHERE run_id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<RunRecord>();
  return std::optional<RunRecord>(ReadRun(*st));
}

Result<std::vector<RunRecord>> SqliteStore::ListRuns() {
  std::lock_guard<std::mutex> lock(mu_);
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

Status SqliteStore::SetRunStatus(const std::string& run_id, RunStatus status,
                                 int64_t finished_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "UPDATE runs SET status = ?2, finished_ms = ?3 WHERE run_id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id).Bind(2, RunStatusName(status)).Bind(3, finished_ms);
  return st->Run();
}

Status SqliteStore::PutSuite(const std::string& run_id,
                             const SuiteRecord& suite,
                             const std::vector<ItemRecord>& items) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  MMGATE_RETURN_IF_ERROR(UpsertSuiteRow(run_id, suite));
  MMGATE_RETURN_IF_ERROR(UpsertItems(run_id, suite.suite, items));
  std::vector<std::string> keep;
  keep.reserve(items.size());
  for (const ItemRecord& it : items) keep.push_back(it.item_id);
  MMGATE_RETURN_IF_ERROR(DropItemsOutside(run_id, suite.suite, keep));
  return tx.Commit();
}

Status SqliteStore::PutSuiteRecord(const std::string& run_id,
                                   const SuiteRecord& suite) {
  std::lock_guard<std::mutex> lock(mu_);
  return UpsertSuiteRow(run_id, suite);
}

Status SqliteStore::AppendSuiteItems(const std::string& run_id,
                                     const std::string& suite,
                                     const std::vector<ItemRecord>& items) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  MMGATE_RETURN_IF_ERROR(UpsertItems(run_id, suite, items));
  return tx.Commit();
}

Status SqliteStore::KeepSuiteItems(const std::string& run_id,
                                   const std::string& suite,
                                   const std::vector<std::string>& keep) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  // The kept ids are all stored (appended): as many rows as ids means none
  // other, the usual case, which then costs one count.
  int64_t stored = -1;
  {
    auto count = db_->Prepare(
        "SELECT COUNT(*) FROM items WHERE run_id = ?1 AND suite = ?2");
    if (!count.ok()) return count.status();
    count->Bind(1, run_id).Bind(2, suite);
    auto row = count->Step();
    if (!row.ok()) return row.status();
    if (*row) stored = count->Int(0);
  }
  if (stored == static_cast<int64_t>(keep.size())) return tx.Commit();
  MMGATE_RETURN_IF_ERROR(DropItemsOutside(run_id, suite, keep));
  return tx.Commit();
}

Status SqliteStore::UpsertSuiteRow(const std::string& run_id,
                                   const SuiteRecord& suite) {
  auto st = db_->Prepare(
      "INSERT INTO run_suites (run_id, suite, modality, metric, metrics_json,"
      " version_hash, n_items) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT (run_id, suite) DO UPDATE SET"
      " modality = excluded.modality, metric = excluded.metric,"
      " metrics_json = excluded.metrics_json,"
      " version_hash = excluded.version_hash, n_items = excluded.n_items");
  if (!st.ok()) return st.status();
  st->Bind(1, run_id)
      .Bind(2, suite.suite)
      .Bind(3, suite.modality)
      .Bind(4, suite.metric)
      .Bind(5, internal::EncodeMetrics(suite.metrics))
      .Bind(6, suite.version_hash)
      .Bind(7, suite.n_items);
  return st->Run().WithContext("suite " + suite.suite);
}

Status SqliteStore::UpsertItems(const std::string& run_id,
                                const std::string& suite,
                                const std::vector<ItemRecord>& items) {
  auto ins = db_->Prepare(kUpsertItem);
  if (!ins.ok()) return ins.status();
  for (const ItemRecord& it : items) {
    ins->Bind(1, run_id)
        .Bind(2, suite)
        .Bind(3, it.item_id)
        .Bind(4, it.content_hash)
        .Bind(5, it.modality)
        .Bind(6, it.metric)
        .Bind(7, it.group)
        .Bind(8, it.expect)
        .Bind(9, internal::EncodeSlices(it.slices))
        .Bind(10, it.reference_json)
        .Bind(11, it.prompt)
        .Bind(12, it.media_json)
        .Bind(13, it.line);
    MMGATE_RETURN_IF_ERROR(ins->Run().WithContext("item " + it.item_id));
  }
  return Status::Ok();
}

// Items the suite no longer holds (a resumed run over an edited suite) leave
// the run with everything stored about them.
Status SqliteStore::DropItemsOutside(const std::string& run_id,
                                     const std::string& suite,
                                     const std::vector<std::string>& keep) {
  MMGATE_RETURN_IF_ERROR(db_->Exec(
      "CREATE TEMP TABLE IF NOT EXISTS keep_items (item_id TEXT PRIMARY KEY);"
      " DELETE FROM keep_items;"));
  auto ins = db_->Prepare(
      "INSERT INTO keep_items (item_id) VALUES (?1)"
      " ON CONFLICT (item_id) DO NOTHING");
  if (!ins.ok()) return ins.status();
  for (const std::string& id : keep) {
    ins->Bind(1, id);
    MMGATE_RETURN_IF_ERROR(ins->Run());
  }
  // Children first: the foreign keys point from scores to responses to items.
  for (const char* table :
       {"scores", "responses", "extra_responses", "stages", "items"}) {
    auto del =
        db_->Prepare(std::string("DELETE FROM ") + table +
                     " WHERE run_id = ?1 AND suite = ?2 AND item_id NOT IN"
                     " (SELECT item_id FROM keep_items)");
    if (!del.ok()) return del.status();
    del->Bind(1, run_id).Bind(2, suite);
    MMGATE_RETURN_IF_ERROR(del->Run());
  }
  return Status::Ok();
}

Result<std::map<std::pair<std::string, std::string>, std::string>>
SqliteStore::FinishedItems(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
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

Result<std::map<std::string, std::string>> SqliteStore::FinishedItemsOf(
    const std::string& run_id, const std::string& suite,
    const std::vector<std::string>& item_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  // One primary-key lookup per item: no statement grows with the batch.
  auto st = db_->Prepare(
      "SELECT content_hash FROM responses WHERE run_id = ?1 AND suite = ?2"
      " AND item_id = ?3 AND error IS NULL");
  if (!st.ok()) return st.status();
  std::map<std::string, std::string> out;
  for (const std::string& id : item_ids) {
    st->Reset();
    st->Bind(1, run_id).Bind(2, suite).Bind(3, id);
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (*row) out[id] = st->Text(0);
  }
  return out;
}

Status SqliteStore::PutResult(const std::string& run_id,
                              const ResponseRecord& r,
                              const std::vector<ScoreRecord>& scores,
                              const std::vector<AttemptRecord>& attempts,
                              const std::optional<CacheEntry>& cache) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  MMGATE_RETURN_IF_ERROR(WriteResult(run_id, r, scores, attempts, cache));
  return tx.Commit();
}

Status SqliteStore::PutResults(
    const std::string& run_id,
    const std::vector<std::pair<ResponseRecord, std::vector<ScoreRecord>>>&
        results) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  for (const auto& [r, scores] : results)
    MMGATE_RETURN_IF_ERROR(WriteResult(run_id, r, scores, {}, std::nullopt)
                               .WithContext("item " + r.item_id));
  return tx.Commit();
}

Status SqliteStore::WriteResult(const std::string& run_id,
                                const ResponseRecord& r,
                                const std::vector<ScoreRecord>& scores,
                                const std::vector<AttemptRecord>& attempts,
                                const std::optional<CacheEntry>& cache) {
  auto del = db_->Prepare(
      "DELETE FROM scores WHERE run_id = ?1 AND suite = ?2 AND item_id = ?3");
  if (!del.ok()) return del.status();
  del->Bind(1, run_id).Bind(2, r.suite).Bind(3, r.item_id);
  MMGATE_RETURN_IF_ERROR(del->Run());
  auto st = db_->Prepare(kUpsertResponse);
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
      "denominator, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
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
  return Status::Ok();
}

// Each run's lineage (decode.h's LineageRoots).
Result<std::map<std::string, std::string>> SqliteStore::Lineages() {
  auto st = db_->Prepare("SELECT run_id, source_run FROM runs");
  if (!st.ok()) return st.status();
  std::map<std::string, std::string> source;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    source[st->Text(0)] = st->Text(1);
  }
  return internal::LineageRoots(source);
}

}  // namespace mmgate::store
