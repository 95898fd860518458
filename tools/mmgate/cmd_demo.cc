#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "adapter/factory.h"
#include "commands.h"
#include "common/files.h"
#include "common/hash.h"
#include "demo/gold_set.h"
#include "gate/evaluate.h"
#include "judge/calibrate.h"
#include "judge/scorer.h"
#include "pipeline_demo.h"
#include "project.h"
#include "quickstart_config.h"
#include "report/scorecard.h"
#include "report/side_by_side.h"
#include "runner/runner.h"

namespace mmgate::cli {

// The judge of the judge-scored suite against the reference labels the
// demo derived from the gold set (not people's), stored for the gate: the
// suite is gated only with a calibration above the floor.
int CalibrateDemoJudge(const config::Config& cfg,
                       const demo::BuildSummary& built, int workers,
                       store::Store* store, Clock* clock) {
  std::fprintf(stderr,
               "\nCalibrating judge '%s' against reference labels derived "
               "from the gold set (not from people)...\n",
               built.judge_model.c_str());
  judge::CalibrateOptions opt;
  opt.judge = built.judge_model;
  opt.labels_path = built.judge_labels;
  opt.workers = workers > 0 ? workers : 2;
  opt.progress = true;
  auto r = judge::Calibrate(cfg, opt, store, clock, CreateDefaultModel);
  if (!r.ok()) return Fail("demo", r.status());
  for (const std::string& p : r->problems)
    std::fprintf(stderr, "  bad label (skipped): %s\n", p.c_str());
  for (const judge::StratumCalibration& s : r->strata) {
    const store::CalibrationRecord& c = s.record;
    if (!c.slice_key.empty()) continue;
    std::fprintf(
        stderr,
        "  %s: %s kappa %s (95%% interval %s..%s), n %lld, floor "
        "%.2f\n",
        c.modality.c_str(), c.kappa_kind.c_str(),
        c.kappa ? fmt::format("{:.3f}", *c.kappa).c_str() : "n/a",
        c.kappa_lo ? fmt::format("{:.3f}", *c.kappa_lo).c_str() : "n/a",
        c.kappa_hi ? fmt::format("{:.3f}", *c.kappa_hi).c_str() : "n/a",
        static_cast<long long>(c.n), cfg.policy.judge_kappa_floor);
  }
  return kExitOk;
}

namespace {

struct DemoFlags {
  std::string out = "mmgate-demo";
  bool small = false;
  int workers = 0;
  uint64_t seed = demo::BuildOptions{}.seed;
};

int DemoCommand(const DemoFlags& f) {
  namespace fs = std::filesystem;
  std::fprintf(stderr,
               "Building the gold set in %s/ from real fonts, voices and "
               "recordings...\n",
               f.out.c_str());
  demo::BuildOptions build;
  build.seed = f.seed;
  build.small = f.small;
  auto built = demo::BuildGoldSet(f.out, build);
  if (!built.ok()) return Fail("demo", built.status());
  for (const auto& [suite, n] : built->items_per_suite) {
    std::fprintf(stderr, "  %-12s %4d items\n", suite.c_str(), n);
  }
  std::string config = (fs::path(f.out) / "mmgate.yaml").string();
  Status st = WriteFileAtomic(config, kQuickstartConfig);
  if (!st.ok()) return Fail("demo", st);

  auto cfg = LoadConfigFile(config);
  if (!cfg.ok()) return Fail("demo", cfg.status());
  const ProjectConfig& project = cfg->project;
  PrintProblems(project);
  auto store = OpenStore(config, "");
  if (!store.ok()) return Fail("demo", store.status());
  SystemClock clock;
  const std::atomic<bool>* stop = InstallStopHandler();
  if (int code =
          CalibrateDemoJudge(*cfg, *built, f.workers, store->get(), &clock))
    return code;

  std::string run_ids[2];
  const std::string models[2] = {project.baseline, project.candidate};
  for (int i = 0; i < 2; ++i) {
    runner::RunOptions opt;
    opt.workers = f.workers;
    opt.progress = true;
    opt.stop = stop;
    auto judged = std::make_shared<judge::JudgeTally>();
    opt.score_hook = judge::JudgeScoring(*cfg, store->get(), &clock,
                                         CreateDefaultModel, judged);
    // The run id follows the model's configuration, so running the demo again
    // resumes (and skips) finished work instead of repeating it.
    auto model = project.models.find(models[i]);
    if (model == project.models.end()) {
      return Fail("demo", Status::Invalid(config + ": no model named '" +
                                          models[i] + "'"));
    }
    opt.run_id =
        models[i] + "-" + Sha256Hex(model->second.params.dump()).substr(0, 8);
    std::fprintf(stderr, "\nRunning the %s (model '%s')...\n",
                 i == 0 ? "baseline" : "candidate", models[i].c_str());
    auto summary = runner::Run(project, models[i], opt, store->get(), &clock);
    if (!summary.ok()) return Fail("demo", summary.status());
    if (summary->interrupted) {
      std::fprintf(stderr, "interrupted; run `mmgate demo` again to resume\n");
      return kExitInterrupted;
    }
    std::fprintf(stderr,
                 "  %s: %s, %lld items (%lld already done), %lld errors\n",
                 summary->run_id.c_str(), summary->model_version.c_str(),
                 static_cast<long long>(summary->total),
                 static_cast<long long>(summary->skipped),
                 static_cast<long long>(summary->errors));
    std::fprintf(stderr, "  judge: %lld answers graded, %lld unscored, $%.4f\n",
                 static_cast<long long>(judged->graded()),
                 static_cast<long long>(judged->unscored()),
                 judged->cost_usd());
    run_ids[i] = summary->run_id;
  }

  auto cmp = stats::CompareRuns(store->get(), run_ids[0], run_ids[1]);
  if (!cmp.ok()) return Fail("demo", cmp.status());
  std::printf("\n%s", report::RenderTerminal(*cmp).c_str());
  auto e =
      gate::EvaluateRuns(cfg->policy, store->get(), run_ids[0], {run_ids[1]});
  if (!e.ok()) return Fail("demo", e.status());
  const gate::GateOutcome& outcome = e->outcome;
  std::printf("\n%s", report::RenderVerdictTerminal(outcome).c_str());
  std::printf("%s", report::ScorecardTerminal(*e).c_str());
  KeepVerdicts(store->get(), outcome);
  fs::path out(f.out);
  st = WriteGateOutputs(*e, (out / "verdict.md").string(),
                        (out / "junit.xml").string());
  if (st.ok()) {
    st = WriteFileAtomic((out / "verdict.json").string(),
                         report::OutcomeJson(outcome).dump(2) + "\n");
  }
  if (st.ok()) {
    st = WriteFileAtomic((out / "report.html").string(),
                         report::RenderHtmlReport(*e, HtmlReportOptions(*cfg)));
  }
  if (st.ok())
    st = WriteFileAtomic((out / "comparison.md").string(),
                         report::RenderMarkdown(*cmp));
  if (!st.ok()) return Fail("demo", st);
  std::printf(
      "\nWritten to %s/: report.html (charts and the failing items; open it "
      "in a browser), verdict.md (a pull-request comment), verdict.json, "
      "junit.xml, comparison.md\nResults database: %s\n",
      f.out.c_str(), (*store)->Describe().c_str());
  std::printf(
      "Gate again with:  mmgate gate -c %s --baseline %s --candidate %s\n",
      config.c_str(), run_ids[0].c_str(), run_ids[1].c_str());
  st = RunDemoPipeline(f.out, f.seed, f.small, stop);
  if (!st.ok()) return Fail("demo", st);
  return kExitOk;
}

}  // namespace

void AddDemoCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<DemoFlags>();
  sub->add_option("-o,--out", f->out,
                  "folder for the gold set, config, database and reports")
      ->capture_default_str();
  sub->add_flag("--small", f->small, "a few items per suite (a quick look)");
  sub->add_option("-j,--workers", f->workers,
                  "parallel workers (default: one per core)");
  sub->add_option("--seed", f->seed, "seed of the gold set's content")
      ->capture_default_str();
  sub->callback([f, exit_code] { *exit_code = DemoCommand(*f); });
}

}  // namespace mmgate::cli
