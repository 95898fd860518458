#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "project.h"
#include "runner/runner.h"

namespace mmgate::cli {
namespace {

struct RunFlags {
  std::string config = "mmgate.yaml";
  std::string model;
  std::vector<std::string> suites;
  std::string db;
  std::string run_id;
  int workers = 0;
  bool json = false;
};

int RunCommand(const RunFlags& f) {
  auto project = LoadProjectFile(f.config);
  if (!project.ok()) return Fail("run", project.status());
  PrintProblems(*project);
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("run", store.status());
  SystemClock clock;
  runner::RunOptions opt;
  opt.run_id = f.run_id;
  opt.suites = f.suites;
  opt.workers = f.workers;
  opt.progress = !f.json;
  opt.stop = InstallStopHandler();
  auto summary = runner::Run(*project, f.model, opt, store->get(), &clock);
  if (!summary.ok()) return Fail("run", summary.status());
  const runner::RunSummary& s = *summary;
  if (f.json) {
    nlohmann::json j = {{"run_id", s.run_id},
                        {"model", f.model},
                        {"model_version", s.model_version},
                        {"resumed", s.resumed},
                        {"total", s.total},
                        {"skipped", s.skipped},
                        {"done", s.done},
                        {"errors", s.errors},
                        {"interrupted", s.interrupted},
                        {"db", (*store)->path()}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fprintf(
        stderr,
        "%s %s: %lld items, %lld answered now, %lld already done, %lld "
        "errors%s\n",
        s.resumed ? "resumed" : "run", s.run_id.c_str(),
        static_cast<long long>(s.total), static_cast<long long>(s.done),
        static_cast<long long>(s.skipped), static_cast<long long>(s.errors),
        s.interrupted
            ? " (interrupted: run the same command with --run-id to resume)"
            : "");
    std::printf("%s\n", s.run_id.c_str());
  }
  return s.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace

void AddRunCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<RunFlags>();
  sub->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  sub->add_option("-m,--model", f->model, "model name in mmgate.yaml")
      ->required();
  sub->add_option("-s,--suite", f->suites,
                  "suite to run (repeatable; default: all)");
  sub->add_option(
      "--db", f->db,
      "results database (default .mmgate/results.db beside config)");
  sub->add_option("--run-id", f->run_id, "run id; an existing one resumes");
  sub->add_option("-j,--workers", f->workers,
                  "parallel workers (default: one per core)");
  sub->add_flag("--json", f->json, "print the run summary as JSON");
  sub->callback([f, exit_code] { *exit_code = RunCommand(*f); });
}

}  // namespace mmgate::cli
