// PgStore: runs, suites and items, results, attempts, the cache, reading a
// run back and outcomes. The SQL is SQLite's (sqlite_store.cc) with $n
// parameters; decoding is shared (decode.h).
#include "store/pg_store.h"

#include <pqxx/stream_to>
#include <set>
#include <tuple>

#include "store/decode.h"
#include "store/gate_rows.h"

namespace mmgate::store {
namespace {

using pg::Double;
using pg::Int;
using pg::Text;

constexpr const char* kRunColumns =
    "run_id, model, model_version, spec_json, config_path, status, created_ms, "
    "finished_ms, source_run";

RunStatus ParseRunStatus(const std::string& s) {
  if (s == "finished") return RunStatus::kFinished;
  if (s == "interrupted") return RunStatus::kInterrupted;
  return RunStatus::kRunning;
}

RunRecord ReadRun(const pqxx::row& r) {
  return RunRecord{Text(r, 0), Text(r, 1), Text(r, 2),
                   Text(r, 3), Text(r, 4), ParseRunStatus(Text(r, 5)),
                   Int(r, 6),  Int(r, 7),  Text(r, 8)};
}

// A suite's items arrive by COPY into this temporary table (one round trip
// for the lot, not one per item), then are upserted with one statement.
constexpr const char* kCreateSuiteItems =
    "CREATE TEMP TABLE suite_items (item_id TEXT COLLATE \"C\","
    " content_hash TEXT, modality TEXT, metric TEXT, group_id TEXT,"
    " expect TEXT, slices_json TEXT, reference_json TEXT, prompt TEXT,"
    " media_json TEXT, line BIGINT, seq BIGINT) ON COMMIT DROP";

// The last copy of an item id wins, as it did when each was upserted in turn.
constexpr const char* kUpsertSuiteItems =
    "INSERT INTO items (run_id, suite, item_id, content_hash, modality, "
    "metric, group_id, expect, slices_json, reference_json, prompt, "
    "media_json, line)"
    " SELECT DISTINCT ON (item_id) $1, $2, item_id, content_hash, modality,"
    " metric, group_id, expect, slices_json, reference_json, prompt,"
    " media_json, line FROM suite_items ORDER BY item_id, seq DESC"
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
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
    " $15, $16, $17, $18, $19, $20, $21)"
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

constexpr const char* kSelectItemColumns =
    "SELECT i.suite, i.item_id, i.content_hash, i.modality, i.group_id,"
    " i.expect, i.slices_json, i.reference_json, i.prompt, i.media_json,"
    " i.line, r.item_id IS NOT NULL, r.content_hash, r.answer, r.error,"
    " r.error_kind, r.latency_ms, r.model_version, r.input_tokens,"
    " r.output_tokens, r.created_ms, i.metric, r.cost_usd, r.n_attempts,"
    " r.ttft_ms, r.template_hash, r.schema_valid, r.cached, r.n_repeats,"
    " r.flaky, r.repeats_json"
    " FROM items i LEFT JOIN responses r"
    " ON r.run_id = i.run_id AND r.suite = i.suite AND r.item_id = i.item_id";
constexpr const char* kWhereRun =
    " WHERE i.run_id = $1 ORDER BY i.suite, i.line, i.item_id";
constexpr const char* kWherePage =
    " WHERE i.run_id = $1 AND i.suite = $2 AND i.item_id > $3"
    " ORDER BY i.item_id LIMIT $4";

ResponseRecord ReadResponse(const pqxx::row& row, const ItemRecord& it) {
  ResponseRecord r;
  r.suite = it.suite;
  r.item_id = it.item_id;
  r.content_hash = Text(row, 12);
  r.answer = pg::OptText(row, 13);
  r.error = pg::OptText(row, 14);
  r.error_kind = Text(row, 15);
  r.latency_ms = Double(row, 16);
  r.model_version = Text(row, 17);
  r.input_tokens = Int(row, 18);
  r.output_tokens = Int(row, 19);
  r.created_ms = Int(row, 20);
  r.cost_usd = Double(row, 22);
  r.n_attempts = Int(row, 23);
  r.ttft_ms = Double(row, 24);
  r.template_hash = Text(row, 25);
  r.schema_valid = Int(row, 26);
  r.cached = Int(row, 27) != 0;
  r.n_repeats = Int(row, 28);
  r.flaky = Int(row, 29) != 0;
  r.repeats_json = Text(row, 30);
  return r;
}

ItemResult ReadItem(const pqxx::row& row, const std::string& run_id) {
  ItemResult res;
  ItemRecord& it = res.item;
  it.suite = Text(row, 0);
  it.item_id = Text(row, 1);
  it.content_hash = Text(row, 2);
  it.modality = Text(row, 3);
  it.group = Text(row, 4);
  it.expect = Text(row, 5);
  it.reference_json = Text(row, 7);
  it.prompt = Text(row, 8);
  it.media_json = Text(row, 9);
  it.line = Int(row, 10);
  it.metric = Text(row, 21);
  if (row[11].as<bool>()) res.response = ReadResponse(row, it);
  internal::DecodeItem(run_id, Text(row, 6), &res);
  return res;
}

// Scores of a run joined onto its items; a corrupt item keeps none (they
// were computed from what cannot be read back).
// The scores of `out`'s items: all of the run's, or with `suite`, those of
// its items in the id range (after, last].
void ReadScores(pqxx::work& w, const std::string& run_id,
                std::vector<ItemResult>* out, const std::string& suite = "",
                const std::string& after = "", const std::string& last = "") {
  std::map<std::pair<std::string, std::string>, ItemResult*> index;
  for (ItemResult& r : *out) {
    bool corrupt = r.response && r.response->error_kind == kCorruptRowKind;
    if (!corrupt) index[{r.item.suite, r.item.item_id}] = &r;
  }
  for (const auto& row : w.exec_params(
           "SELECT suite, item_id, metric, value, numerator, denominator,"
           " detail FROM scores WHERE run_id = $1 AND ($2::text = '' OR"
           " (suite = $2 AND item_id > $3 AND item_id <= $4))",
           run_id, suite, after, last)) {
    auto found = index.find({Text(row, 0), Text(row, 1)});
    if (found == index.end()) continue;
    ScoreRecord s{Text(row, 2), Double(row, 3), Double(row, 4), Double(row, 5),
                  Text(row, 6)};
    found->second->scores[s.metric] = std::move(s);
  }
}

// A libpqxx row as the row reader of gate_rows.h.
struct PgRow {
  const pqxx::row& row;
  std::string_view View(int col) const {
    const pqxx::field f = row[col];
    return f.is_null() ? std::string_view()
                       : std::string_view(f.c_str(), f.size());
  }
  int64_t Int(int col) const { return pg::Int(row, col); }
  double Double(int col) const { return pg::Double(row, col); }
  bool IsNull(int col) const { return row[col].is_null(); }
};

}  // namespace

Status PgStore::CreateRun(const RunRecord& run) {
  return Tx("creating run " + run.run_id, [&](pqxx::work& w) {
    w.exec_params(std::string("INSERT INTO runs (") + kRunColumns +
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                  run.run_id, run.model, run.model_version, run.spec_json,
                  run.config_path, std::string(RunStatusName(run.status)),
                  run.created_ms, run.finished_ms, run.source_run);
    return Status::Ok();
  });
}

Result<std::optional<RunRecord>> PgStore::GetRun(const std::string& run_id) {
  return Tx("reading run " + run_id,
            [&](pqxx::work& w) -> Result<std::optional<RunRecord>> {
              auto rows = w.exec_params(std::string("SELECT ") + kRunColumns +
                                            " FROM runs WHERE run_id = $1",
                                        run_id);
              if (rows.empty()) return std::optional<RunRecord>();
              return std::optional<RunRecord>(ReadRun(rows[0]));
            });
}

Result<std::vector<RunRecord>> PgStore::ListRuns() {
  return Tx(
      "listing runs", [&](pqxx::work& w) -> Result<std::vector<RunRecord>> {
        std::vector<RunRecord> out;
        for (const auto& row : w.exec(std::string("SELECT ") + kRunColumns +
                                      " FROM runs ORDER BY created_ms, run_id"))
          out.push_back(ReadRun(row));
        return out;
      });
}

Status PgStore::SetRunStatus(const std::string& run_id, RunStatus status,
                             int64_t finished_ms) {
  return Tx("setting the status of run " + run_id, [&](pqxx::work& w) {
    w.exec_params(
        "UPDATE runs SET status = $2, finished_ms = $3 WHERE run_id = $1",
        run_id, std::string(RunStatusName(status)), finished_ms);
    return Status::Ok();
  });
}

namespace {

void UpsertSuiteRow(pqxx::work& w, const std::string& run_id,
                    const SuiteRecord& suite) {
  w.exec_params(
      "INSERT INTO run_suites (run_id, suite, modality, metric,"
      " metrics_json, version_hash, n_items)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)"
      " ON CONFLICT (run_id, suite) DO UPDATE SET"
      " modality = excluded.modality, metric = excluded.metric,"
      " metrics_json = excluded.metrics_json,"
      " version_hash = excluded.version_hash,"
      " n_items = excluded.n_items",
      run_id, suite.suite, suite.modality, suite.metric,
      internal::EncodeMetrics(suite.metrics), suite.version_hash,
      suite.n_items);
}

// The items go in one COPY into the temporary `suite_items` (dropped at
// commit), then one upsert.
void UpsertItems(pqxx::work& w, const std::string& run_id,
                 const std::string& suite,
                 const std::vector<ItemRecord>& items) {
  w.exec(kCreateSuiteItems);
  pqxx::stream_to copy(
      w, "suite_items",
      std::vector<std::string>{"item_id", "content_hash", "modality", "metric",
                               "group_id", "expect", "slices_json",
                               "reference_json", "prompt", "media_json", "line",
                               "seq"});
  int64_t seq = 0;
  for (const ItemRecord& it : items) {
    copy << std::make_tuple(
        it.item_id, it.content_hash, it.modality, it.metric, it.group,
        it.expect, internal::EncodeSlices(it.slices), it.reference_json,
        it.prompt, it.media_json, it.line, seq++);
  }
  copy.complete();
  // An index and statistics: the anti-joins below probe it rather than scan
  // the whole copy per item when the planner misjudges a fresh run's rows
  // (stale statistics of `items`).
  w.exec("CREATE INDEX ON suite_items (item_id)");
  w.exec("ANALYZE suite_items");
  w.exec_params(kUpsertSuiteItems, run_id, suite);
}

// Items not in `keep_table` (a temporary table with an item_id column)
// leave the run; children first, as the foreign keys point from scores to
// items.
void DropItemsOutside(pqxx::work& w, const std::string& run_id,
                      const std::string& suite, const std::string& keep_table) {
  for (const char* table :
       {"scores", "responses", "extra_responses", "stages", "items"})
    w.exec_params(std::string("DELETE FROM ") + table +
                      " t WHERE t.run_id = $1 AND t.suite = $2 AND"
                      " NOT EXISTS (SELECT 1 FROM " +
                      keep_table + " k WHERE k.item_id = t.item_id)",
                  run_id, suite);
}

}  // namespace

Status PgStore::PutSuite(const std::string& run_id, const SuiteRecord& suite,
                         const std::vector<ItemRecord>& items) {
  return Tx("storing suite " + suite.suite + " of run " + run_id,
            [&](pqxx::work& w) {
              UpsertSuiteRow(w, run_id, suite);
              UpsertItems(w, run_id, suite.suite, items);
              DropItemsOutside(w, run_id, suite.suite, "suite_items");
              return Status::Ok();
            });
}

Status PgStore::PutSuiteRecord(const std::string& run_id,
                               const SuiteRecord& suite) {
  return Tx("storing suite " + suite.suite + " of run " + run_id,
            [&](pqxx::work& w) {
              UpsertSuiteRow(w, run_id, suite);
              return Status::Ok();
            });
}

Status PgStore::AppendSuiteItems(const std::string& run_id,
                                 const std::string& suite,
                                 const std::vector<ItemRecord>& items) {
  return Tx("storing items of suite " + suite + " of run " + run_id,
            [&](pqxx::work& w) {
              UpsertItems(w, run_id, suite, items);
              return Status::Ok();
            });
}

Status PgStore::KeepSuiteItems(const std::string& run_id,
                               const std::string& suite,
                               const std::vector<std::string>& keep) {
  return Tx("dropping items outside suite " + suite + " of run " + run_id,
            [&](pqxx::work& w) {
              // Every kept id is stored (appended): as many rows as ids
              // means none other, the usual case, which then costs a count.
              auto stored = w.exec_params1(
                  "SELECT COUNT(*) FROM items WHERE run_id = $1 AND suite = $2",
                  run_id, suite);
              if (Int(stored, 0) == static_cast<int64_t>(keep.size()))
                return Status::Ok();
              w.exec(
                  "CREATE TEMP TABLE keep_items (item_id TEXT COLLATE \"C\")"
                  " ON COMMIT DROP");
              pqxx::stream_to copy(w, "keep_items",
                                   std::vector<std::string>{"item_id"});
              for (const std::string& id : keep) copy << std::make_tuple(id);
              copy.complete();
              w.exec("CREATE INDEX ON keep_items (item_id)");
              w.exec("ANALYZE keep_items");
              DropItemsOutside(w, run_id, suite, "keep_items");
              return Status::Ok();
            });
}

Result<std::vector<SuiteRecord>> PgStore::GetSuites(const std::string& run_id) {
  return Tx("reading the suites of run " + run_id,
            [&](pqxx::work& w) -> Result<std::vector<SuiteRecord>> {
              std::vector<SuiteRecord> out;
              for (const auto& row :
                   w.exec_params("SELECT suite, modality, metric, metrics_json,"
                                 " version_hash, n_items FROM run_suites"
                                 " WHERE run_id = $1 ORDER BY suite",
                                 run_id)) {
                SuiteRecord s;
                s.suite = Text(row, 0);
                s.modality = Text(row, 1);
                s.metric = Text(row, 2);
                internal::DecodeSuiteMetrics(run_id, Text(row, 3), &s);
                s.version_hash = Text(row, 4);
                s.n_items = Int(row, 5);
                out.push_back(std::move(s));
              }
              return out;
            });
}

Result<RunCounts> PgStore::CountResults(const std::string& run_id) {
  return Tx("counting the results of run " + run_id,
            [&](pqxx::work& w) -> Result<RunCounts> {
              auto row = w.exec_params1(
                  "SELECT COUNT(*), COUNT(r.answer), COUNT(r.error)"
                  " FROM items i LEFT JOIN responses r ON r.run_id = i.run_id"
                  " AND r.suite = i.suite AND r.item_id = i.item_id"
                  " WHERE i.run_id = $1",
                  run_id);
              return RunCounts{Int(row, 0), Int(row, 1), Int(row, 2)};
            });
}

Result<std::map<std::pair<std::string, std::string>, std::string>>
PgStore::FinishedItems(const std::string& run_id) {
  using Finished = std::map<std::pair<std::string, std::string>, std::string>;
  return Tx("reading the finished items of run " + run_id,
            [&](pqxx::work& w) -> Result<Finished> {
              Finished out;
              for (const auto& row : w.exec_params(
                       "SELECT suite, item_id, content_hash FROM responses"
                       " WHERE run_id = $1 AND error IS NULL",
                       run_id))
                out[{Text(row, 0), Text(row, 1)}] = Text(row, 2);
              return out;
            });
}

Result<std::map<std::string, std::string>> PgStore::FinishedItemsOf(
    const std::string& run_id, const std::string& suite,
    const std::vector<std::string>& item_ids) {
  using Finished = std::map<std::string, std::string>;
  if (item_ids.empty()) return Finished();
  return Tx("reading the finished items of a batch of run " + run_id,
            [&](pqxx::work& w) -> Result<Finished> {
              // One round trip for the batch: the ids as a quoted list.
              std::string in;
              for (const std::string& id : item_ids)
                in += (in.empty() ? "" : ",") + w.quote(id);
              Finished out;
              for (const auto& row : w.exec_params(
                       "SELECT item_id, content_hash FROM responses"
                       " WHERE run_id = $1 AND suite = $2 AND error IS NULL"
                       " AND item_id IN (" +
                           in + ")",
                       run_id, suite))
                out[Text(row, 0)] = Text(row, 1);
              return out;
            });
}

Status PgStore::PutResult(const std::string& run_id, const ResponseRecord& r,
                          const std::vector<ScoreRecord>& scores,
                          const std::vector<AttemptRecord>& attempts,
                          const std::optional<CacheEntry>& cache) {
  return Tx("storing item " + r.item_id + " of run " + run_id,
            [&](pqxx::work& w) {
              WriteResult(w, run_id, r, scores, attempts, cache);
              return Status::Ok();
            });
}

Status PgStore::PutResults(
    const std::string& run_id,
    const std::vector<std::pair<ResponseRecord, std::vector<ScoreRecord>>>&
        results) {
  return Tx(
      "storing " + std::to_string(results.size()) + " items of run " + run_id,
      [&](pqxx::work& w) {
        for (const auto& [r, scores] : results)
          WriteResult(w, run_id, r, scores, {}, std::nullopt);
        return Status::Ok();
      });
}

void PgStore::WriteResult(pqxx::work& w, const std::string& run_id,
                          const ResponseRecord& r,
                          const std::vector<ScoreRecord>& scores,
                          const std::vector<AttemptRecord>& attempts,
                          const std::optional<CacheEntry>& cache) {
  w.exec_params(
      "DELETE FROM scores WHERE run_id = $1 AND suite = $2 AND item_id = $3",
      run_id, r.suite, r.item_id);
  w.exec_params(kUpsertResponse, run_id, r.suite, r.item_id, r.content_hash,
                pg::Nullable(r.answer), pg::Nullable(r.error), r.error_kind,
                r.latency_ms, r.model_version, r.input_tokens, r.output_tokens,
                r.created_ms, r.cost_usd, r.n_attempts, r.ttft_ms,
                r.template_hash, r.schema_valid, int64_t{r.cached ? 1 : 0},
                r.n_repeats, int64_t{r.flaky ? 1 : 0}, r.repeats_json);
  InsertAttempts(w, run_id, attempts);
  if (cache) InsertCache(w, *cache);
  for (const ScoreRecord& s : scores) {
    w.exec_params(
        "INSERT INTO scores (run_id, suite, item_id, metric, value, numerator,"
        " denominator, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        run_id, r.suite, r.item_id, s.metric, s.value, s.numerator,
        s.denominator, s.detail);
  }
}

Result<std::vector<ItemResult>> PgStore::LoadResults(
    const std::string& run_id) {
  return Tx("reading run " + run_id,
            [&](pqxx::work& w) -> Result<std::vector<ItemResult>> {
              std::vector<ItemResult> out;
              for (const auto& row : w.exec_params(
                       std::string(kSelectItemColumns) + kWhereRun, run_id))
                out.push_back(ReadItem(row, run_id));
              ReadScores(w, run_id, &out);
              return out;
            });
}

Result<GateRun> PgStore::LoadGateRun(const std::string& run_id) {
  return Tx("reading run " + run_id, [&](pqxx::work& w) -> Result<GateRun> {
    GateRun out;
    internal::GateRowFolder fold(run_id, &out);
    for (const auto& row :
         w.exec_params(internal::SelectGateRows("$1"), run_id))
      fold.Add(PgRow{row});
    fold.Finish();
    return out;
  });
}

Result<std::vector<ItemResult>> PgStore::LoadResultsPage(
    const std::string& run_id, const std::string& suite,
    const std::string& after_item_id, int64_t limit) {
  return Tx("reading run " + run_id,
            [&](pqxx::work& w) -> Result<std::vector<ItemResult>> {
              std::vector<ItemResult> out;
              for (const auto& row :
                   w.exec_params(std::string(kSelectItemColumns) + kWherePage,
                                 run_id, suite, after_item_id, limit))
                out.push_back(ReadItem(row, run_id));
              if (!out.empty())
                ReadScores(w, run_id, &out, suite, after_item_id,
                           out.back().item.item_id);
              return out;
            });
}

Result<std::vector<Outcome>> PgStore::Outcomes(
    const std::vector<std::string>& exclude_runs) {
  return Tx(
      "reading outcomes", [&](pqxx::work& w) -> Result<std::vector<Outcome>> {
        std::map<std::string, std::string> source;
        for (const auto& row : w.exec("SELECT run_id, source_run FROM runs"))
          source[Text(row, 0)] = Text(row, 1);
        auto root = internal::LineageRoots(source);
        auto lineage = [&](const std::string& run) {
          auto it = root.find(run);
          return it == root.end() ? run : it->second;
        };
        std::set<std::string> excluded;
        for (const std::string& run : exclude_runs)
          excluded.insert(lineage(run));
        // Oldest run first: the newest scoring of a lineage wins. The
        // excluded runs are never read (the compared runs are most rows).
        std::vector<std::string> read;
        for (const auto& row :
             w.exec("SELECT run_id FROM runs ORDER BY created_ms, run_id")) {
          if (!excluded.count(lineage(Text(row, 0))))
            read.push_back(Text(row, 0));
        }
        std::map<std::tuple<std::string, std::string, std::string>, Outcome>
            once;
        for (const std::string& run : read) {
          const std::string lin = lineage(run);
          for (const auto& row : w.exec_params(
                   "SELECT i.suite, i.item_id, i.content_hash, i.metric,"
                   " r.error IS NOT NULL, s.value"
                   " FROM items i JOIN responses r ON r.run_id = i.run_id"
                   " AND r.suite = i.suite AND r.item_id = i.item_id"
                   " LEFT JOIN scores s ON s.run_id = i.run_id AND s.suite ="
                   " i.suite AND s.item_id = i.item_id AND s.metric = i.metric"
                   " WHERE i.run_id = $1 AND i.content_hash != ''",
                   run)) {
            once[{lin, Text(row, 0), Text(row, 1)}] =
                Outcome{Text(row, 0),
                        Text(row, 1),
                        Text(row, 2),
                        Text(row, 3),
                        row[4].as<bool>() || row[5].is_null(),
                        Double(row, 5)};
          }
        }
        std::vector<Outcome> out;
        out.reserve(once.size());
        for (auto& [_, o] : once) out.push_back(std::move(o));
        return out;
      });
}

}  // namespace mmgate::store
