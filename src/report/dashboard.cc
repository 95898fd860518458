#include "report/dashboard.h"

namespace mmgate::report {

using nlohmann::json;

Result<json> DashboardData(store::Store* store) {
  auto runs = store->ListRuns();
  if (!runs.ok()) return runs.status();
  auto verdicts = store->ListVerdicts();
  if (!verdicts.ok()) return verdicts.status();
  json j = {{"kind", "dashboard"},
            {"title", "mmgate dashboard"},
            {"database", store->Describe()},
            {"runs", json::array()},
            {"verdicts", json::array()}};
  for (const store::RunRecord& r : *runs) {
    j["runs"].push_back({{"run_id", r.run_id},
                         {"model", r.model},
                         {"model_version", r.model_version},
                         {"status", store::RunStatusName(r.status)},
                         {"created_ms", r.created_ms}});
  }
  for (const store::VerdictRecord& v : *verdicts) {
    json suites = json::array();
    for (const store::VerdictSuiteRecord& s : v.suites) {
      suites.push_back({{"suite", s.suite},
                        {"modality", s.modality},
                        {"metric", s.metric},
                        {"verdict", s.verdict},
                        {"n", s.n},
                        {"delta", s.delta},
                        {"ci", {s.ci_lo, s.ci_hi}}});
    }
    j["verdicts"].push_back({{"baseline", v.baseline},
                             {"candidate", v.candidate},
                             {"verdict", v.verdict},
                             {"policy", v.policy},
                             {"created_ms", v.created_ms},
                             {"suites", std::move(suites)}});
  }
  return j;
}

Status StoreVerdicts(store::Store* store, const gate::GateOutcome& o,
                     int64_t now_ms) {
  for (const gate::GateResult& r : o.results) {
    store::VerdictRecord v{0,
                           r.baseline,
                           r.candidate,
                           r.policy_hash,
                           std::string(gate::VerdictName(r.verdict)),
                           now_ms,
                           VerdictJson(r).dump(),
                           {}};
    for (const gate::SuiteVerdict& s : r.suites) {
      v.suites.push_back({s.suite, s.modality, s.metric,
                          std::string(gate::VerdictName(s.verdict)), s.total.n,
                          s.total.baseline, s.total.candidate, s.total.delta,
                          s.total.ci_lo, s.total.ci_hi});
    }
    MMGATE_RETURN_IF_ERROR(store->PutVerdict(v));
  }
  return Status::Ok();
}

}  // namespace mmgate::report
