#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "common/clock.h"
#include "project.h"
#include "runner/rescore.h"

namespace mmgate::cli {
namespace {

struct RescoreFlags {
  std::string config = "mmgate.yaml";
  std::string run;
  std::vector<std::string> suites;
  std::string metric;
  std::string db;
  std::string run_id;
  bool json = false;
};

int RescoreCommand(const RescoreFlags& f) {
  auto cfg = LoadConfigFile(f.config);
  if (!cfg.ok()) return Fail("rescore", cfg.status());
  auto store = OpenResults(f.config, f.db, "rescore");
  if (!store.ok()) return Fail("rescore", store.status());
  auto run = ResolveRun(store->get(), f.run);
  if (!run.ok()) return Fail("rescore", run.status());
  SystemClock clock;
  runner::RescoreOptions opt;
  opt.run_id = f.run_id;
  opt.suites = f.suites;
  opt.metric = f.metric;
  opt.progress = !f.json;
  auto s = runner::Rescore(cfg->project, *run, opt, store->get(), &clock);
  if (!s.ok()) return Fail("rescore", s.status());
  if (f.json) {
    nlohmann::json j = {
        {"run_id", s->run_id},       {"source_run", s->source_run},
        {"suites", s->suites},       {"metric", f.metric},
        {"items", s->items},         {"rescored", s->rescored},
        {"errors", s->errors},       {"not_run", s->not_run},
        {"db", (*store)->Describe()}};
    if (f.metric.empty()) j["metric"] = nullptr;
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(stderr,
               "rescored %s as %s: %lld items, %lld answers scored again, "
               "%lld errors%s; no model called\n",
               s->source_run.c_str(), s->run_id.c_str(),
               static_cast<long long>(s->items),
               static_cast<long long>(s->rescored),
               static_cast<long long>(s->errors),
               s->not_run == 0 ? ""
                               : (", " + std::to_string(s->not_run) +
                                  " never answered in the source run")
                                     .c_str());
  std::printf("%s\n", s->run_id.c_str());
  return kExitOk;
}

}  // namespace

void AddRescoreCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<RescoreFlags>();
  sub->add_option(
         "run", f->run,
         "the stored run to score again (a run id, latest, or latest:MODEL)")
      ->required();
  sub->add_option("-c,--config", f->config,
                  "project config (its suites and metrics score the answers)")
      ->capture_default_str();
  sub->add_option("-s,--suite", f->suites,
                  "suite to rescore (repeatable; default: all of the run's)");
  sub->add_option("--metric", f->metric,
                  "score every item of the selected suites with this metric "
                  "instead of its primary one");
  sub->add_option(
      "--db", f->db,
      "results database (default .mmgate/results.db beside config)");
  sub->add_option("--run-id", f->run_id,
                  "id of the new run (default <run>-rescore-<UTC time>)");
  sub->add_flag("--json", f->json, "print the rescore summary as JSON");
  sub->callback([f, exit_code] { *exit_code = RescoreCommand(*f); });
}

}  // namespace mmgate::cli
