#include "pipeline/gate.h"

#include <fmt/format.h>

#include <algorithm>

namespace mmgate::pipeline {
namespace {

constexpr char kMetric[] = "exact";
constexpr char kEndToEnd[] = "end_to_end";

// Latency of the stratum's stage with the verifier that follows it, or of
// the whole pass for the end-to-end stratum.
double LatencyOf(const StoredRun& run, const StoredItem& it,
                 const std::string& stratum) {
  double ms = 0;
  std::string unit;
  for (const StageResult& r : it.verdict.stages) {
    if (std::find(run.units.begin(), run.units.end(), r.stage) !=
        run.units.end())
      unit = r.stage;
    if (stratum == kEndToEnd || unit == stratum) ms += r.latency_ms;
  }
  return ms;
}

store::ItemResult Row(const StoredRun& run, const StoredItem& it,
                      const std::string& stratum, bool pass) {
  store::ItemResult r;
  r.item.suite = run.suite + "/" + stratum;
  r.item.item_id = it.item_id;
  r.item.content_hash = it.content_hash;
  r.item.modality = "pipeline";
  r.item.metric = kMetric;
  r.item.group = it.group.empty() ? it.item_id : it.group;
  r.item.expect = "answer";
  r.item.slices = it.slices;
  r.item.reference_json = "\"pass\"";
  r.item.media_json = "[]";
  store::ResponseRecord resp;
  resp.suite = r.item.suite;
  resp.item_id = it.item_id;
  resp.content_hash = it.content_hash;
  resp.answer = pass ? "pass" : "fail";
  resp.model_version = run.run.model_version;
  resp.latency_ms = LatencyOf(run, it, stratum);
  r.response = std::move(resp);
  const double v = pass ? 1 : 0;
  r.scores[kMetric] = store::ScoreRecord{kMetric, v, v, 1, ""};
  return r;
}

}  // namespace

gate::RunData StageRunData(const StoredRun& run) {
  gate::RunData d;
  d.run = run.run;
  std::vector<std::string> strata = run.units;
  strata.push_back(kEndToEnd);
  for (const std::string& s : strata) {
    std::vector<store::ItemResult> rows;
    for (const StoredItem& it : run.items) {
      if (s == kEndToEnd) {
        rows.push_back(Row(run, it, s, it.verdict.pass));
        continue;
      }
      for (const Boundary& b : it.verdict.boundaries)
        if (b.unit == s && b.checked) rows.push_back(Row(run, it, s, b.pass));
    }
    if (rows.empty()) continue;  // a unit nothing scores is not gated
    store::SuiteRecord sr;
    sr.suite = run.suite + "/" + s;
    sr.modality = "pipeline";
    sr.metric = kMetric;
    sr.metrics = {kMetric};
    sr.version_hash = run.suite_version;
    sr.n_items = static_cast<int64_t>(rows.size());
    d.suites.push_back(std::move(sr));
    for (store::ItemResult& r : rows) {
      d.rows.Add(r);
      d.items.push_back(std::move(r));
    }
  }
  return d;
}

Status ExpandStages(store::Store* store, gate::RunData* run) {
  std::vector<std::string> staged;
  for (const store::SuiteRecord& s : run->suites)
    if (s.modality == "pipeline") staged.push_back(s.suite);
  for (const std::string& suite : staged) {
    auto stored = LoadRun(store, run->run.run_id, suite);
    if (!stored.ok()) return stored.status();
    gate::RunData stages = StageRunData(*stored);
    std::erase_if(run->suites, [&](const store::SuiteRecord& s) {
      return s.suite == suite;
    });
    std::erase_if(run->rows.items,
                  [&](const store::GateItem& r) { return r.suite == suite; });
    for (store::SuiteRecord& s : stages.suites)
      run->suites.push_back(std::move(s));
    // Copied into the run's own rows: stages.rows' views die with it.
    for (const store::ItemResult& r : stages.items) run->rows.Add(r);
    if (run->items.empty()) continue;  // read without ItemDetail::kFull
    std::erase_if(run->items, [&](const store::ItemResult& r) {
      return r.item.suite == suite;
    });
    for (store::ItemResult& r : stages.items)
      run->items.push_back(std::move(r));
  }
  return Status::Ok();
}

Result<gate::Evaluation> GateStages(const StoredRun& baseline,
                                    const StoredRun& candidate,
                                    const gate::Policy& policy) {
  if (baseline.suite != candidate.suite) {
    return Status::Invalid(fmt::format(
        "runs '{}' and '{}' are of different pipeline suites ('{}', '{}')",
        baseline.run.run_id, candidate.run.run_id, baseline.suite,
        candidate.suite));
  }
  gate::Evaluation e;
  e.baseline = StageRunData(baseline);
  e.candidates.push_back(StageRunData(candidate));
  auto r = gate::Evaluate(e.baseline, e.candidates.front(), policy, {});
  if (!r.ok()) return r.status();
  e.outcome.results.push_back(std::move(*r));
  e.outcome.ranking = gate::Rank(e.outcome.results, policy);
  e.outcome.verdict = gate::OverallVerdict(e.outcome.results);
  return e;
}

}  // namespace mmgate::pipeline
