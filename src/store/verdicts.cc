// Gate verdicts kept for the dashboard's history (tables verdicts and
// verdict_suites, see docs/schema.md).
#include "store/sqlite_store.h"

namespace mmgate::store {

Status SqliteStore::PutVerdict(const VerdictRecord& v) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto st = db_->Prepare(
      "INSERT INTO verdicts (baseline, candidate, policy, verdict, created_ms,"
      " verdict_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING verdict_id");
  if (!st.ok()) return st.status();
  st->Bind(1, v.baseline)
      .Bind(2, v.candidate)
      .Bind(3, v.policy)
      .Bind(4, v.verdict)
      .Bind(5, v.created_ms)
      .Bind(6, v.verdict_json);
  auto id = st->RunReturningInt();
  if (!id.ok() || !id->has_value()) {
    return (id.ok() ? Status::Internal("no verdict id came back") : id.status())
        .WithContext("storing the verdict on " + v.candidate + " vs " +
                     v.baseline);
  }
  auto su = db_->Prepare(
      "INSERT INTO verdict_suites (verdict_id, suite, modality, metric, "
      "verdict, n, baseline, candidate, delta, ci_lo, ci_hi) VALUES (?1, ?2, "
      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!su.ok()) return su.status();
  for (const VerdictSuiteRecord& s : v.suites) {
    su->Bind(1, **id)
        .Bind(2, s.suite)
        .Bind(3, s.modality)
        .Bind(4, s.metric)
        .Bind(5, s.verdict)
        .Bind(6, s.n)
        .Bind(7, s.baseline)
        .Bind(8, s.candidate)
        .Bind(9, s.delta)
        .Bind(10, s.ci_lo)
        .Bind(11, s.ci_hi);
    MMGATE_RETURN_IF_ERROR(su->Run());
  }
  return tx.Commit();
}

Result<std::vector<VerdictRecord>> SqliteStore::ListVerdicts() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<VerdictRecord> out;
  auto st = db_->Prepare(
      "SELECT verdict_id, baseline, candidate, policy, verdict, created_ms, "
      "verdict_json FROM verdicts ORDER BY created_ms, verdict_id");
  if (!st.ok()) return st.status();
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(VerdictRecord{st->Int(0),
                                st->Text(1),
                                st->Text(2),
                                st->Text(3),
                                st->Text(4),
                                st->Int(5),
                                st->Text(6),
                                {}});
  }
  auto su = db_->Prepare(
      "SELECT verdict_id, suite, modality, metric, verdict, n, baseline, "
      "candidate, delta, ci_lo, ci_hi FROM verdict_suites ORDER BY "
      "verdict_id, suite, metric");
  if (!su.ok()) return su.status();
  std::map<int64_t, size_t> at;
  for (size_t i = 0; i < out.size(); ++i) at[out[i].verdict_id] = i;
  for (;;) {
    auto row = su->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto it = at.find(su->Int(0));
    if (it == at.end()) continue;
    out[it->second].suites.push_back(
        VerdictSuiteRecord{su->Text(1), su->Text(2), su->Text(3), su->Text(4),
                           su->Int(5), su->Double(6), su->Double(7),
                           su->Double(8), su->Double(9), su->Double(10)});
  }
  return out;
}

}  // namespace mmgate::store
