#include "dry_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "pipeline/run.h"
#include "project.h"
#include "runner/estimate.h"

namespace mmgate::cli {
namespace {

std::string Dollars(double cost) {
  return cost < 0 ? "no price" : fmt::format("${:.4f}", cost);
}

struct PipelineRow {
  std::string suite;
  int64_t items = 0;
  int64_t stored = 0;  // answered in the resumed run already
  std::vector<std::pair<std::string, std::string>> stages;  // stage, model
  int64_t calls() const {
    return (items - stored) * static_cast<int64_t>(stages.size());
  }
};

bool Selected(const DryRunRequest& r, const std::string& suite) {
  return r.suites.empty() ||
         std::find(r.suites.begin(), r.suites.end(), suite) != r.suites.end();
}

Result<std::vector<PipelineRow>> Pipelines(const DryRunRequest& r,
                                           const ProjectConfig& project,
                                           store::Store* store) {
  std::vector<PipelineRow> out;
  for (const Suite& s : project.suites) {
    if (s.stages.empty() || !Selected(r, s.name)) continue;
    PipelineRow row{s.name, static_cast<int64_t>(s.items.size())};
    if (!r.run_id.empty()) {
      // A pipeline suite is held whole; the run's answers to it are asked
      // for by id, not the whole run's.
      std::vector<std::string> ids;
      for (const Item& it : s.items) ids.push_back(it.id);
      auto finished = store->FinishedItemsOf(r.run_id, s.name, ids);
      if (!finished.ok()) return finished.status();
      for (const Item& it : s.items) {
        auto done = finished->find(it.id);
        row.stored +=
            done != finished->end() && done->second == it.content_hash;
      }
    }
    auto swapped = pipeline::StagesForModel(project, s, r.model, r.stage_sets);
    for (const StageSpec& st : s.stages) {
      auto m = swapped.find(st.name);
      row.stages.emplace_back(st.name,
                              m == swapped.end() ? st.model : m->second);
    }
    out.push_back(std::move(row));
  }
  return out;
}

nlohmann::json Row(const runner::SuiteEstimate& s) {
  return {{"suite", s.suite},
          {"calls", s.items},
          {"already_answered", s.cached},
          {"input_tokens", s.input_tokens},
          {"output_tokens", s.output_tokens},
          {"cost_usd",
           s.cost_usd < 0 ? nlohmann::json() : nlohmann::json(s.cost_usd)}};
}

nlohmann::json Row(const PipelineRow& p) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& [stage, model] : p.stages)
    stages.push_back({{"stage", stage}, {"model", model}});
  return {{"suite", p.suite},
          {"items", p.items},
          {"already_answered", p.stored},
          {"stages", stages},
          {"calls_at_least", p.calls()}};
}

void PrintPipelines(const std::vector<PipelineRow>& rows) {
  if (rows.empty()) return;
  std::printf(
      "pipeline suites (each item calls every stage once; blaming a failing "
      "item re-runs later stages; stage inputs come from earlier stages, so "
      "tokens and cost are not estimated):\n");
  for (const PipelineRow& p : rows) {
    std::string stages;
    for (const auto& [stage, model] : p.stages)
      stages += (stages.empty() ? "" : ", ") + stage + "=" + model;
    std::printf("%-24s %8lld items, %lld stored, at least %lld calls: %s\n",
                p.suite.c_str(), static_cast<long long>(p.items),
                static_cast<long long>(p.stored),
                static_cast<long long>(p.calls()), stages.c_str());
  }
}

}  // namespace

int DryRun(const DryRunRequest& r, const ProjectConfig& project,
           store::Store* store) {
  runner::RunOptions opt;
  opt.run_id = r.run_id;
  opt.suites = r.suites;
  opt.repeat = r.repeat;
  auto e = runner::EstimateRun(project, r.model, opt, store);
  if (!e.ok()) return Fail("run", e.status());
  auto pipelines = Pipelines(r, project, store);
  if (!pipelines.ok()) return Fail("run", pipelines.status());
  if (r.json) {
    nlohmann::json suites = nlohmann::json::array(),
                   piped = nlohmann::json::array();
    for (const auto& s : e->suites) suites.push_back(Row(s));
    for (const auto& p : *pipelines) piped.push_back(Row(p));
    nlohmann::json j = {{"dry_run", true},
                        {"model", e->model},
                        {"model_version", e->model_version},
                        {"priced", e->priced},
                        {"billed", e->billed},
                        {"suites", suites},
                        {"pipelines", piped},
                        {"total", Row(e->total)}};
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("dry run of %s (%s): nothing is sent\n", e->model.c_str(),
              e->model_version.c_str());
  std::printf("%-24s %8s %8s %12s %12s %12s\n", "suite", "calls", "stored",
              "input tok", "output tok", "cost");
  auto line = [](const runner::SuiteEstimate& s) {
    std::printf(
        "%-24s %8lld %8lld %12lld %12lld %12s\n", s.suite.c_str(),
        static_cast<long long>(s.items), static_cast<long long>(s.cached),
        static_cast<long long>(s.input_tokens),
        static_cast<long long>(s.output_tokens), Dollars(s.cost_usd).c_str());
  };
  for (const auto& s : e->suites) line(s);
  line(e->total);
  if (!e->billed)
    std::printf("%s is a local engine: running it costs nothing\n",
                e->model.c_str());
  else if (!e->priced)
    std::printf("no prices: entry for %s in mmgate.yaml; tokens only\n",
                e->model.c_str());
  std::printf(
      "estimate: input from prompt length and media, output from the "
      "reference answers' length; retries not included\n");
  PrintPipelines(*pipelines);
  return kExitOk;
}

}  // namespace mmgate::cli
