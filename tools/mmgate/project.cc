#include "project.h"

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "common/redact.h"
#include "dataset/load.h"
#include "score/metrics.h"

namespace mmgate::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int sig) {
  if (g_stop.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

Result<ProjectConfig> LoadProjectFile(const std::string& path) {
  dataset::LoadOptions opt;
  opt.metric_known = [](std::string_view m) {
    return score::FindMetric(m) != nullptr;
  };
  return dataset::LoadProject(path, opt);
}

void PrintProblems(const ProjectConfig& project) {
  for (const Suite& s : project.suites) {
    for (const ItemProblem& p : s.problems) {
      std::fprintf(stderr, "invalid item (recorded as an error): %s\n",
                   p.message.c_str());
    }
  }
}

std::string DatabasePath(const std::string& config_path,
                         const std::string& db_flag) {
  if (!db_flag.empty()) return db_flag;
  std::filesystem::path dir = std::filesystem::path(config_path).parent_path();
  return (dir / ".mmgate" / "results.db").string();
}

Result<std::unique_ptr<store::Store>> OpenStore(const std::string& config_path,
                                                const std::string& db_flag) {
  return store::Store::Open(DatabasePath(config_path, db_flag));
}

const std::atomic<bool>* InstallStopHandler() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  return &g_stop;
}

int Fail(const char* command, const Status& status) {
  std::fprintf(stderr, "mmgate %s: %s\n", command,
               Redact(status.message()).c_str());
  return kExitUsage;
}

}  // namespace mmgate::cli
