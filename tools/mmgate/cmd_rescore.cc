#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapter/factory.h"
#include "commands.h"
#include "common/clock.h"
#include "judge/pairwise.h"
#include "judge/scorer.h"
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
  bool judge = false;
  std::string against;
  bool json = false;
};

// `--judge --against BASELINE`: both runs rescored, pairwise suites judged
// in both orders.
int RescorePair(const RescoreFlags& f, const config::Config& cfg,
                store::Store* store, const std::string& run,
                runner::RescoreOptions opt) {
  auto base = ResolveRun(store, f.against);
  if (!base.ok()) return Fail("rescore", base.status());
  SystemClock clock;
  auto judged = std::make_shared<judge::JudgeTally>();
  auto r = judge::RescoreAgainst(cfg, run, *base, opt, store, &clock,
                                 CreateDefaultModel, judged);
  if (!r.ok()) return Fail("rescore", r.status());
  const int64_t pairs = judged->graded() + judged->unscored();
  if (f.json) {
    nlohmann::json j = {
        {"candidate_run", r->candidate.run_id},
        {"baseline_run", r->baseline.run_id},
        {"judge",
         {{"graded", judged->graded()},
          {"unscored", judged->unscored()},
          {"position_flips", judged->flips()},
          {"position_bias_rate",
           pairs > 0 ? nlohmann::json(static_cast<double>(judged->flips()) /
                                      static_cast<double>(pairs))
                     : nlohmann::json(nullptr)},
          {"cost_usd", judged->cost_usd()}}}};
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(stderr,
               "rescored %s as %s and %s as %s; judge: %lld answers graded, "
               "%lld unscored, %lld position flips (counted as ties), "
               "$%.4f\ngate them: mmgate gate --baseline %s --candidate %s\n",
               run.c_str(), r->candidate.run_id.c_str(), base->c_str(),
               r->baseline.run_id.c_str(),
               static_cast<long long>(judged->graded()),
               static_cast<long long>(judged->unscored()),
               static_cast<long long>(judged->flips()), judged->cost_usd(),
               r->baseline.run_id.c_str(), r->candidate.run_id.c_str());
  std::printf("%s\n%s\n", r->candidate.run_id.c_str(),
              r->baseline.run_id.c_str());
  return kExitOk;
}

int RescoreCommand(const RescoreFlags& f) {
  // The suites' items are read back a page at a time, never held whole.
  auto cfg = LoadConfigFile(f.config, /*read_items=*/true, /*stream=*/true);
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
  if (!f.against.empty()) {
    if (!f.judge)
      return Fail("rescore",
                  Status::Invalid("--against compares with a judge: add "
                                  "--judge"));
    return RescorePair(f, *cfg, store->get(), *run, opt);
  }
  auto judged = std::make_shared<judge::JudgeTally>();
  if (f.judge) {
    if (!judge::HasJudges(*cfg))
      return Fail(
          "rescore",
          Status::Invalid(f.config + ": --judge: no suite has a 'judge:' to "
                                     "grade with"));
    opt.score_hook = judge::JudgeScoring(*cfg, store->get(), &clock,
                                         CreateDefaultModel, judged);
  }
  auto s = runner::Rescore(cfg->project, *run, opt, store->get(), &clock);
  if (!s.ok()) return Fail("rescore", s.status());
  if (f.json) {
    nlohmann::json j = {{"run_id", s->run_id},
                        {"source_run", s->source_run},
                        {"suites", s->suites},
                        {"metric", f.metric},
                        {"items", s->items},
                        {"rescored", s->rescored},
                        {"errors", s->errors},
                        {"not_run", s->not_run},
                        {"judge",
                         {{"graded", judged->graded()},
                          {"unscored", judged->unscored()},
                          {"cost_usd", judged->cost_usd()}}},
                        {"db", (*store)->Describe()}};
    if (f.metric.empty()) j["metric"] = nullptr;
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(stderr,
               "rescored %s as %s: %lld items, %lld answers scored again, "
               "%lld errors%s; %s\n",
               s->source_run.c_str(), s->run_id.c_str(),
               static_cast<long long>(s->items),
               static_cast<long long>(s->rescored),
               static_cast<long long>(s->errors),
               s->not_run == 0 ? ""
                               : (", " + std::to_string(s->not_run) +
                                  " never answered in the source run")
                                     .c_str(),
               f.judge ? "only judges called" : "no model called");
  if (f.judge)
    std::fprintf(stderr,
                 "judge: %lld answers graded, %lld unscored (no verdict), "
                 "$%.4f\n",
                 static_cast<long long>(judged->graded()),
                 static_cast<long long>(judged->unscored()),
                 judged->cost_usd());
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
      "results database: a file or a postgresql:// URL (default: db: in the "
      "config, else .mmgate/results.db beside it)");
  sub->add_option("--run-id", f->run_id,
                  "id of the new run (default <run>-rescore-<UTC time>)");
  sub->add_flag("--judge", f->judge,
                "grade judge-scored suites with their judges (the only model "
                "calls a rescore makes; cached, retried and priced)");
  sub->add_option("--against", f->against,
                  "with --judge: the baseline run; pairwise-judged suites "
                  "compare the two runs' answers in both orders and both runs "
                  "are rescored (prints the candidate's and baseline's new "
                  "run ids)");
  sub->add_flag("--json", f->json, "print the rescore summary as JSON");
  sub->callback([f, exit_code] { *exit_code = RescoreCommand(*f); });
}

}  // namespace mmgate::cli
