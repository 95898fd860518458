// Reading a pipeline run back from the store (run.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "pipeline/run.h"

namespace mmgate::pipeline {

namespace {

void ReadStageSpec(const nlohmann::json& stages, StoredRun* out) {
  if (!stages.is_array()) return;
  for (const nlohmann::json& st : stages) {
    if (!st.is_object()) continue;
    out->stages.push_back({st.value("stage", ""), st.value("model", ""),
                           st.value("provider", ""), st.value("kind", "")});
  }
}

// A run of `mmgate run` holds pipeline suites beside the others: `suite`
// names one, or the run holds just one.
Result<std::string> PipelineSuiteOf(store::Store* store,
                                    const std::string& run_id,
                                    const std::string& model,
                                    const std::string& suite) {
  auto suites = store->GetSuites(run_id);
  if (!suites.ok()) return suites.status();
  std::vector<std::string> names;
  for (const store::SuiteRecord& sr : *suites)
    if (sr.modality == "pipeline") names.push_back(sr.suite);
  for (const std::string& n : names)
    if (n == suite) return n;
  if (suite.empty() && names.size() == 1) return names[0];
  if (names.empty()) {
    return Status::Invalid(
        fmt::format("run '{}' is a run of model '{}' with no pipeline suite",
                    run_id, model));
  }
  return Status::Invalid(fmt::format(
      "run '{}' holds pipeline suites {}: name one{}", run_id,
      fmt::join(names, ", "),
      suite.empty() ? "" : fmt::format(" ('{}' is not among them)", suite)));
}

}  // namespace

Result<StoredRun> LoadRun(store::Store* store, const std::string& run_id,
                          const std::string& suite) {
  auto run = store->GetRun(run_id);
  if (!run.ok()) return run.status();
  if (!run->has_value())
    return Status::NotFound(
        fmt::format("no run '{}' in {}", run_id, store->Describe()));
  StoredRun out;
  out.run = **run;
  if (out.run.model.rfind("pipeline:", 0) == 0) {
    out.suite = out.run.model.substr(std::string("pipeline:").size());
    auto spec = nlohmann::json::parse(out.run.spec_json, nullptr, false);
    if (spec.is_object() && spec.contains("stages"))
      ReadStageSpec(spec["stages"], &out);
  } else {
    auto name = PipelineSuiteOf(store, run_id, out.run.model, suite);
    if (!name.ok()) return name.status();
    out.suite = *name;
  }
  auto suites = store->GetSuites(run_id);
  if (!suites.ok()) return suites.status();
  for (const store::SuiteRecord& sr : *suites)
    if (sr.suite == out.suite) out.suite_version = sr.version_hash;
  auto results = store->LoadResults(run_id);
  if (!results.ok()) return results.status();
  auto stages = store->LoadStages(run_id);
  if (!stages.ok()) return stages.status();
  std::map<std::string, std::vector<StageResult>> by_item;
  for (const store::StageRecord& s : *stages) {
    if (s.suite != out.suite) continue;
    StageResult r;
    r.stage = s.stage;
    r.input_ref = s.input_ref;
    r.output_ref = s.output_ref;
    r.text = s.answer;
    r.error = s.error;
    r.error_kind = s.error_kind;
    r.latency_ms = s.latency_ms;
    r.start_ms = s.created_ms;
    by_item[s.item_id].push_back(std::move(r));
  }
  auto extra = store->LoadExtraResponses(run_id, store::ResponseKind::kStage);
  if (!extra.ok()) return extra.status();
  for (const store::ExtraResponseRecord& e : *extra) {
    if (e.suite != out.suite) continue;
    auto it = by_item.find(e.item_id);
    if (it == by_item.end() || e.seq < 0 ||
        e.seq >= static_cast<int64_t>(it->second.size()))
      continue;
    StageResult& r = it->second[e.seq];
    r.model_version = e.model_version;
    r.score = e.value;
    r.cost_usd = e.cost_usd;
    r.input_tokens = e.input_tokens;
    r.output_tokens = e.output_tokens;
  }
  for (const store::ItemResult& ir : *results) {
    if (ir.item.suite != out.suite) continue;
    auto sc = ir.scores.find("pipeline_pass");
    if (sc == ir.scores.end()) {
      std::string why =
          ir.response && ir.response->error ? *ir.response->error : "not run";
      out.problems.push_back(fmt::format("item {}: no pipeline verdict ({})",
                                         ir.item.item_id, why));
      continue;
    }
    auto parsed = nlohmann::json::parse(sc->second.detail, nullptr, false);
    auto v = VerdictFromJson(parsed);
    if (parsed.is_discarded() || !v.ok()) {
      out.problems.push_back(fmt::format("item {}: {}", ir.item.item_id,
                                         parsed.is_discarded()
                                             ? "verdict is not JSON"
                                             : v.status().message()));
      continue;
    }
    if (out.units.empty())
      for (const Boundary& b : v->boundaries) out.units.push_back(b.unit);
    if (out.stages.empty() && parsed.contains("stages_spec"))
      ReadStageSpec(parsed["stages_spec"], &out);
    v->stages = std::move(by_item[ir.item.item_id]);
    out.items.push_back(StoredItem{ir.item.suite, ir.item.item_id,
                                   ir.item.group, ir.item.content_hash,
                                   ir.item.slices, std::move(*v)});
  }
  return out;
}

}  // namespace mmgate::pipeline
