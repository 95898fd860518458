#include "pipeline/run.h"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "runner/plan.h"

namespace mmgate::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kPassMetric[] = "pipeline_pass";
constexpr char kProvider[] = "pipeline";

Result<StageModels> MakeModels(const ProjectConfig& project, const Suite& suite,
                               const RunOptions& opt, const ModelEnv& env,
                               json* spec) {
  StageModels out;
  for (const auto& [stage, model] : opt.overrides) {
    bool found = false;
    for (const StageSpec& st : suite.stages) found |= st.name == stage;
    if (!found) {
      return Status::Invalid(
          fmt::format("suite '{}' has no stage '{}' to give model '{}'",
                      suite.name, stage, model));
    }
  }
  *spec = json::array();
  for (const StageSpec& st : suite.stages) {
    auto o = opt.overrides.find(st.name);
    const std::string name = o != opt.overrides.end() ? o->second : st.model;
    auto m = project.models.find(name);
    if (m == project.models.end()) {
      return Status::Invalid(fmt::format(
          "{}: stage '{}' names model '{}', which {} does not define", st.where,
          st.name, name, project.path));
    }
    auto made = CreateModel(m->second, env);
    if (!made.ok())
      return made.status().WithContext(fmt::format("stage '{}'", st.name));
    auto price = runner::PriceOf(project, name);
    if (!price.ok()) return price.status();
    out.models.push_back(std::move(*made));
    out.prices.push_back(*price);
    spec->push_back({{"stage", st.name},
                     {"model", name},
                     {"kind", st.kind},
                     {"provider", m->second.provider}});
  }
  return out;
}

std::vector<store::StageRecord> StageRecords(const Suite& suite,
                                             const ItemVerdict& v) {
  std::vector<store::StageRecord> out;
  for (size_t s = 0; s < v.stages.size(); ++s) {
    const StageResult& r = v.stages[s];
    out.push_back(store::StageRecord{suite.name, v.item_id, "",
                                     static_cast<int64_t>(s), r.stage,
                                     r.input_ref, r.output_ref, r.text, r.error,
                                     r.error_kind, r.latency_ms, r.start_ms});
  }
  return out;
}

std::vector<store::ExtraResponseRecord> StageResponses(const Suite& suite,
                                                       const Item& item,
                                                       const ItemVerdict& v) {
  std::vector<store::ExtraResponseRecord> out;
  for (size_t s = 0; s < v.stages.size(); ++s) {
    const StageResult& r = v.stages[s];
    store::ExtraResponseRecord e;
    e.suite = suite.name;
    e.item_id = item.id;
    e.kind = store::ResponseKind::kStage;
    e.seq = static_cast<int64_t>(s);
    e.content_hash = item.content_hash;
    e.answer = r.text;
    e.error = r.error;
    e.error_kind = r.error_kind;
    e.latency_ms = r.latency_ms;
    e.model_version = r.model_version;
    e.input_tokens = r.input_tokens;
    e.output_tokens = r.output_tokens;
    e.cost_usd = r.cost_usd;
    e.value = r.score;
    e.created_ms = r.start_ms;
    out.push_back(std::move(e));
  }
  return out;
}

// What an item's pass writes: its stages, their responses, and its primary
// response with `pipeline_pass` and a score per checked boundary.
runner::StagedOutcome Outcome(const Suite& suite, const Item& item,
                              const std::string& version, const json& stages,
                              const ItemVerdict& v, Clock* clock) {
  runner::StagedOutcome out;
  out.stages = StageRecords(suite, v);
  out.extras = StageResponses(suite, item, v);
  out.failed = !v.error.empty();
  out.files = v.files;
  store::ResponseRecord& r = out.response;
  r.suite = suite.name;
  r.item_id = item.id;
  r.content_hash = item.content_hash;
  r.model_version = version;
  r.created_ms = clock->WallMillis();
  r.cost_usd = v.cost_usd;
  for (const StageResult& s : v.stages) r.latency_ms += s.latency_ms;
  if (!v.stages.empty() && v.stages.back().text)
    r.answer = *v.stages.back().text;
  if (!v.error.empty()) {
    r.answer.reset();
    r.error = v.error;
    for (const StageResult& s : v.stages)
      if (s.error) r.error_kind = s.error_kind;
  }
  const double pass = v.pass ? 1 : 0;
  // The stages' models ride with the verdict: in a run of `mmgate run` the
  // run record names the run's model, not the pipeline's.
  json verdict = VerdictJson(v);
  verdict["stages_spec"] = stages;
  out.scores.push_back({kPassMetric, pass, pass, 1, verdict.dump()});
  for (const Boundary& b : v.boundaries) {
    if (!b.checked) continue;
    const double ok = b.pass ? 1 : 0;
    out.scores.push_back({"stage:" + b.unit, ok, ok, 1, b.detail});
  }
  return out;
}

Status Write(store::Store* store, const std::string& run_id, const Suite& suite,
             const Item& item, const std::string& version, const json& stages,
             const ItemVerdict& v, Clock* clock) {
  runner::StagedOutcome o = Outcome(suite, item, version, stages, v, clock);
  MMGATE_RETURN_IF_ERROR(store->PutStages(run_id, o.stages));
  MMGATE_RETURN_IF_ERROR(store->PutExtraResponses(run_id, o.extras));
  return store->PutResult(run_id, o.response, o.scores);
}

std::string MediaDir(const ProjectConfig& project, const std::string& run_id) {
  return (fs::path(project.base_dir) / ".mmgate" / "pipeline" / run_id)
      .string();
}

}  // namespace

std::map<std::string, std::string> StagesForModel(
    const ProjectConfig& project, const Suite& suite, const std::string& model,
    const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> out;
  if (!project.baseline.empty() && model != project.baseline) {
    for (const StageSpec& st : suite.stages)
      if (st.model == project.baseline) out[st.name] = model;
  }
  for (const auto& [stage, m] : overrides)
    for (const StageSpec& st : suite.stages)
      if (st.name == stage) out[stage] = m;
  return out;
}

runner::StageRunner MakeStageRunner(const ProjectConfig& project,
                                    InRunOptions opt, const ModelEnv& env,
                                    store::Store* store, Clock* clock) {
  return [&project, opt = std::move(opt), env, store, clock](
             const Suite& suite, const std::string& run_id,
             const std::vector<const Item*>& items,
             const std::atomic<bool>* stop) -> Result<runner::SuiteTally> {
    RunOptions ro;
    ro.overrides = StagesForModel(project, suite, opt.model, opt.overrides);
    json spec_stages;
    auto models = MakeModels(project, suite, ro, env, &spec_stages);
    if (!models.ok()) return models.status();
    Pipeline p(suite, std::move(*models), run_id, MediaDir(project, run_id),
               store, clock);
    const std::string version = p.Version();
    runner::SuiteTally t;
    for (const Item* item : items) {
      if (stop != nullptr && stop->load()) break;
      ItemVerdict v = p.Run(*item);
      MMGATE_RETURN_IF_ERROR(
          Write(store, run_id, suite, *item, version, spec_stages, v, clock));
      ++t.done;
      if (!v.error.empty()) ++t.errors;
      t.cost_usd += v.cost_usd;
      if (opt.progress) opt.progress(suite.name, t.done, items.size());
    }
    return t;
  };
}

runner::StagedItemRunnerMaker MakeStagedItemRunner(const ProjectConfig& project,
                                                   InRunOptions opt,
                                                   const ModelEnv& env,
                                                   store::Store* store,
                                                   Clock* clock) {
  return [&project, opt = std::move(opt), env, store, clock](
             const Suite& suite,
             const std::string& run_id) -> Result<runner::StagedItemRunner> {
    RunOptions ro;
    ro.overrides = StagesForModel(project, suite, opt.model, opt.overrides);
    auto spec_stages = std::make_shared<json>();
    auto models = MakeModels(project, suite, ro, env, spec_stages.get());
    if (!models.ok()) return models.status();
    // Shared: the runner is copied into a std::function; its engines are not.
    auto p =
        std::make_shared<Pipeline>(suite, std::move(*models), run_id,
                                   MediaDir(project, run_id), store, clock);
    return runner::StagedItemRunner(
        [p, spec_stages, &suite, clock, version = p->Version()](
            const Item& item, const std::string& file_tag) {
          return Outcome(suite, item, version, *spec_stages,
                         p->Run(item, file_tag), clock);
        });
  };
}

json VerdictJson(const ItemVerdict& v) {
  json j = {{"item", v.item_id},
            {"pass", v.pass},
            {"first_failing", v.first_failing},
            {"blamed", v.blamed},
            {"by_elimination", v.by_elimination},
            {"agree", v.Agree()},
            {"error", v.error},
            {"cost_usd", v.cost_usd},
            {"boundaries", json::array()},
            {"repairs", json::array()}};
  for (const Boundary& b : v.boundaries) {
    j["boundaries"].push_back({{"stage", b.unit},
                               {"checked", b.checked},
                               {"pass", b.pass},
                               {"detail", b.detail}});
  }
  for (const Repair& r : v.repairs)
    j["repairs"].push_back({{"stage", r.unit}, {"fixed", r.fixed}});
  return j;
}

Result<ItemVerdict> VerdictFromJson(const json& j) {
  try {
    ItemVerdict v;
    v.item_id = j.at("item").get<std::string>();
    v.pass = j.at("pass").get<bool>();
    v.first_failing = j.at("first_failing").get<std::string>();
    v.blamed = j.at("blamed").get<std::string>();
    v.by_elimination = j.at("by_elimination").get<bool>();
    v.error = j.at("error").get<std::string>();
    v.cost_usd = j.at("cost_usd").get<double>();
    for (const json& b : j.at("boundaries")) {
      v.boundaries.push_back(
          {b.at("stage").get<std::string>(), b.at("checked").get<bool>(),
           b.at("pass").get<bool>(), b.at("detail").get<std::string>()});
    }
    for (const json& r : j.at("repairs"))
      v.repairs.push_back(
          {r.at("stage").get<std::string>(), r.at("fixed").get<bool>()});
    return v;
  } catch (const std::exception& e) {
    return Status::Invalid(
        fmt::format("malformed pipeline verdict: {}", e.what()));
  }
}

Result<RunSummary> RunSuite(const ProjectConfig& project, const Suite& suite,
                            const RunOptions& opt, const ModelEnv& env,
                            store::Store* store, Clock* clock) {
  if (suite.stages.empty())
    return Status::Invalid(
        fmt::format("suite '{}' ({}) declares no stages: not a pipeline suite",
                    suite.name, suite.path));
  json spec_stages;
  auto models = MakeModels(project, suite, opt, env, &spec_stages);
  if (!models.ok()) return models.status();
  RunSummary sum;
  sum.run_id = opt.run_id;
  if (sum.run_id.empty()) {
    auto id = runner::FreshRunId("pipeline-" + suite.name, clock, store);
    if (!id.ok()) return id.status();
    sum.run_id = *id;
  }
  const std::string media_dir =
      !opt.media_dir.empty() ? opt.media_dir : MediaDir(project, sum.run_id);
  Pipeline p(suite, std::move(*models), sum.run_id, media_dir, store, clock);
  const std::string version = p.Version();
  ModelSpec spec{"pipeline:" + suite.name, kProvider,
                 json{{"suite", suite.name}, {"stages", spec_stages}}, ""};
  auto resumed = runner::StartRun(sum.run_id, spec.name, version, spec,
                                  project.path, store, clock);
  if (!resumed.ok()) return resumed.status();
  sum.resumed = *resumed;
  auto plan = runner::PlanRun({&suite}, sum.run_id, version, store, clock);
  if (!plan.ok()) return plan.status();
  sum.items = plan->total;
  sum.skipped = plan->skipped;
  sum.failed = plan->invalid;
  int64_t done = 0;
  for (const runner::WorkItem& w : plan->work) {
    if (opt.stop != nullptr && opt.stop->load()) {
      sum.interrupted = true;
      break;
    }
    ItemVerdict v = p.Run(*w.item);
    MMGATE_RETURN_IF_ERROR(Write(store, sum.run_id, suite, *w.item, version,
                                 spec_stages, v, clock));
    (v.pass ? sum.passed : sum.failed) += 1;
    if (opt.progress) opt.progress(++done, plan->work.size());
  }
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(sum.run_id,
                          sum.interrupted ? store::RunStatus::kInterrupted
                                          : store::RunStatus::kFinished,
                          clock->WallMillis()));
  return sum;
}

}  // namespace mmgate::pipeline
