// PgStore: attempts and the cache, verdicts, labels and calibrations (the
// SQL of attempts.cc, verdicts.cc, labels.cc and calibrations.cc).
#include "store/pg_store.h"

namespace mmgate::store {
namespace {

using pg::Double;
using pg::Int;
using pg::Text;

}  // namespace

void PgStore::InsertAttempts(pqxx::work& w, const std::string& run_id,
                             const std::vector<AttemptRecord>& attempts) {
  for (const AttemptRecord& a : attempts) {
    w.exec_params(
        "INSERT INTO attempts (run_id, suite, item_id, attempt, http_status,"
        " error_kind, error, latency_ms, ttft_ms, wait_ms, input_tokens,"
        " output_tokens, cost_usd, created_ms) VALUES ($1, $2, $3, $4, $5, $6,"
        " $7, $8, $9, $10, $11, $12, $13, $14)",
        run_id, a.suite, a.item_id, a.attempt, a.http_status, a.error_kind,
        a.error, a.latency_ms, a.ttft_ms, a.wait_ms, a.input_tokens,
        a.output_tokens, a.cost_usd, a.created_ms);
  }
}

void PgStore::InsertCache(pqxx::work& w, const CacheEntry& e) {
  w.exec_params(
      "INSERT INTO cache (key, model_version, answer, input_tokens,"
      " output_tokens, template_hash, schema_valid, created_ms)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      " ON CONFLICT (key) DO UPDATE SET model_version = excluded.model_version,"
      " answer = excluded.answer, input_tokens = excluded.input_tokens,"
      " output_tokens = excluded.output_tokens,"
      " template_hash = excluded.template_hash,"
      " schema_valid = excluded.schema_valid, created_ms = excluded.created_ms",
      e.key, e.model_version, e.answer, e.input_tokens, e.output_tokens,
      e.template_hash, e.schema_valid, e.created_ms);
}

Status PgStore::PutAttempts(const std::string& run_id,
                            const std::vector<AttemptRecord>& attempts,
                            const std::optional<CacheEntry>& cache) {
  return Tx("storing attempts of run " + run_id, [&](pqxx::work& w) {
    InsertAttempts(w, run_id, attempts);
    if (cache) InsertCache(w, *cache);
    return Status::Ok();
  });
}

Result<std::optional<CacheEntry>> PgStore::GetCached(const std::string& key) {
  return Tx("reading cache entry " + key,
            [&](pqxx::work& w) -> Result<std::optional<CacheEntry>> {
              auto rows = w.exec_params(
                  "SELECT model_version, answer, input_tokens, output_tokens,"
                  " template_hash, schema_valid, created_ms FROM cache"
                  " WHERE key = $1",
                  key);
              if (rows.empty()) return std::optional<CacheEntry>();
              const auto& r = rows[0];
              return std::optional<CacheEntry>(
                  CacheEntry{key, Text(r, 0), Text(r, 1), Int(r, 2), Int(r, 3),
                             Text(r, 4), Int(r, 5), Int(r, 6)});
            });
}

Result<std::vector<AttemptRecord>> PgStore::LoadAttempts(
    const std::string& run_id) {
  return Tx("reading the attempts of run " + run_id,
            [&](pqxx::work& w) -> Result<std::vector<AttemptRecord>> {
              std::vector<AttemptRecord> out;
              for (const auto& r : w.exec_params(
                       "SELECT suite, item_id, attempt, http_status,"
                       " error_kind, error, latency_ms, ttft_ms, wait_ms,"
                       " input_tokens, output_tokens, cost_usd, created_ms"
                       " FROM attempts WHERE run_id = $1 ORDER BY attempt_id",
                       run_id)) {
                out.push_back(AttemptRecord{
                    Text(r, 0), Text(r, 1), Int(r, 2), Int(r, 3), Text(r, 4),
                    Text(r, 5), Double(r, 6), Double(r, 7), Double(r, 8),
                    Int(r, 9), Int(r, 10), Double(r, 11), Int(r, 12)});
              }
              return out;
            });
}

Status PgStore::PutVerdict(const VerdictRecord& v) {
  return Tx(
      "storing the verdict on " + v.candidate + " vs " + v.baseline,
      [&](pqxx::work& w) {
        int64_t id = Int(
            w.exec_params1(
                "INSERT INTO verdicts (baseline, candidate, policy, verdict,"
                " created_ms, verdict_json) VALUES ($1, $2, $3, $4, $5, $6)"
                " RETURNING verdict_id",
                v.baseline, v.candidate, v.policy, v.verdict, v.created_ms,
                v.verdict_json),
            0);
        for (const VerdictSuiteRecord& s : v.suites) {
          w.exec_params(
              "INSERT INTO verdict_suites (verdict_id, suite, modality, metric,"
              " verdict, n, baseline, candidate, delta, ci_lo, ci_hi) VALUES"
              " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
              id, s.suite, s.modality, s.metric, s.verdict, s.n, s.baseline,
              s.candidate, s.delta, s.ci_lo, s.ci_hi);
        }
        return Status::Ok();
      });
}

Result<std::vector<VerdictRecord>> PgStore::ListVerdicts() {
  return Tx("listing verdicts",
            [&](pqxx::work& w) -> Result<std::vector<VerdictRecord>> {
              std::vector<VerdictRecord> out;
              std::map<int64_t, size_t> at;
              for (const auto& r :
                   w.exec("SELECT verdict_id, baseline, candidate, policy,"
                          " verdict, created_ms, verdict_json FROM verdicts"
                          " ORDER BY created_ms, verdict_id")) {
                at[Int(r, 0)] = out.size();
                out.push_back(VerdictRecord{Int(r, 0),
                                            Text(r, 1),
                                            Text(r, 2),
                                            Text(r, 3),
                                            Text(r, 4),
                                            Int(r, 5),
                                            Text(r, 6),
                                            {}});
              }
              for (const auto& r : w.exec(
                       "SELECT verdict_id, suite, modality, metric, verdict, n,"
                       " baseline, candidate, delta, ci_lo, ci_hi FROM"
                       " verdict_suites ORDER BY verdict_id, suite, metric")) {
                auto it = at.find(Int(r, 0));
                if (it == at.end()) continue;
                out[it->second].suites.push_back(VerdictSuiteRecord{
                    Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), Int(r, 5),
                    Double(r, 6), Double(r, 7), Double(r, 8), Double(r, 9),
                    Double(r, 10)});
              }
              return out;
            });
}

Result<int64_t> PgStore::PutLabel(const LabelRecord& label) {
  std::string what = "label by " + label.grader + " on item " + label.item_id;
  if (label.grader.empty())
    return Status::Invalid(what + ": a label needs a grader");
  return Tx(what, [&](pqxx::work& w) -> Result<int64_t> {
    int64_t id = Int(
        w.exec_params1(
            "INSERT INTO labels (run_id, suite, item_id, content_hash, grader,"
            " created_ms, grade, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " RETURNING label_id",
            label.run_id, label.suite, label.item_id, label.content_hash,
            label.grader, label.created_ms, label.grade, label.note),
        0);
    for (size_t i = 0; i < label.failure_modes.size(); ++i) {
      w.exec_params(
          "INSERT INTO label_failure_modes (label_id, position, mode)"
          " VALUES ($1, $2, $3)",
          id, static_cast<int64_t>(i), label.failure_modes[i]);
    }
    return id;
  });
}

Result<std::vector<LabelRecord>> PgStore::ListLabels(
    const LabelFilter& filter) {
  return Tx(
      "listing labels", [&](pqxx::work& w) -> Result<std::vector<LabelRecord>> {
        std::vector<LabelRecord> out;
        // One row per failure mode (or one with a NULL mode), in label order.
        for (const auto& r : w.exec_params(
                 "SELECT l.label_id, l.run_id, l.suite, l.item_id, "
                 "l.content_hash,"
                 " l.grader, l.created_ms, l.grade, l.note, m.mode"
                 " FROM labels l LEFT JOIN label_failure_modes m"
                 " ON m.label_id = l.label_id"
                 " WHERE ($1::text = '' OR l.run_id = $1)"
                 " AND ($2::text = '' OR l.suite = $2)"
                 " AND ($3::text = '' OR l.item_id = $3)"
                 " AND ($4::text = '' OR l.grader = $4)"
                 " ORDER BY l.label_id, m.position",
                 filter.run_id, filter.suite, filter.item_id, filter.grader)) {
          if (out.empty() || out.back().label_id != Int(r, 0)) {
            out.push_back(LabelRecord{Int(r, 0),
                                      Text(r, 1),
                                      Text(r, 2),
                                      Text(r, 3),
                                      Text(r, 4),
                                      Text(r, 5),
                                      Int(r, 6),
                                      Text(r, 7),
                                      {},
                                      Text(r, 8)});
          }
          if (!r[9].is_null()) out.back().failure_modes.push_back(Text(r, 9));
        }
        return out;
      });
}

Result<int64_t> PgStore::PutCalibration(const CalibrationRecord& c) {
  std::string what = "calibration of judge " + c.judge;
  if (c.judge.empty() || c.modality.empty())
    return Status::Invalid(what + ": a calibration needs a judge and modality");
  pg::NullableNumber kappa(c.kappa), lo(c.kappa_lo), hi(c.kappa_hi);
  return Tx(what, [&](pqxx::work& w) -> Result<int64_t> {
    return Int(
        w.exec_params1(
            "INSERT INTO calibrations (judge, judge_version, rubric_hash,"
            " modality, slice_key, slice_value, n, unscored, kappa_kind, kappa,"
            " kappa_lo, kappa_hi, detail_json, labels_hash, created_ms) VALUES"
            " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
            " $15) RETURNING calibration_id",
            c.judge, c.judge_version, c.rubric_hash, c.modality, c.slice_key,
            c.slice_value, c.n, c.unscored, c.kappa_kind, kappa.get(), lo.get(),
            hi.get(), c.detail_json, c.labels_hash, c.created_ms),
        0);
  });
}

Result<std::vector<CalibrationRecord>> PgStore::ListCalibrations(
    const std::string& judge) {
  return Tx(
      "listing calibrations",
      [&](pqxx::work& w) -> Result<std::vector<CalibrationRecord>> {
        std::vector<CalibrationRecord> out;
        for (const auto& r : w.exec_params(
                 "SELECT calibration_id, judge, judge_version, rubric_hash,"
                 " modality, slice_key, slice_value, n, unscored, kappa_kind,"
                 " kappa, kappa_lo, kappa_hi, detail_json, labels_hash, "
                 "created_ms"
                 " FROM calibrations WHERE ($1::text = '' OR judge = $1)"
                 " ORDER BY calibration_id",
                 judge)) {
          CalibrationRecord c;
          c.calibration_id = Int(r, 0);
          c.judge = Text(r, 1);
          c.judge_version = Text(r, 2);
          c.rubric_hash = Text(r, 3);
          c.modality = Text(r, 4);
          c.slice_key = Text(r, 5);
          c.slice_value = Text(r, 6);
          c.n = Int(r, 7);
          c.unscored = Int(r, 8);
          c.kappa_kind = Text(r, 9);
          c.kappa = pg::OptDouble(r, 10);
          c.kappa_lo = pg::OptDouble(r, 11);
          c.kappa_hi = pg::OptDouble(r, 12);
          c.detail_json = Text(r, 13);
          c.labels_hash = Text(r, 14);
          c.created_ms = Int(r, 15);
          out.push_back(std::move(c));
        }
        return out;
      });
}

}  // namespace mmgate::store
