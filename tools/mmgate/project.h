// What several commands share: loading the project with the scorer's metric
// registry, the default database path, and Ctrl-C handling.
#ifndef MMGATE_TOOLS_MMGATE_PROJECT_H_
#define MMGATE_TOOLS_MMGATE_PROJECT_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "dataset/item.h"
#include "report/verdict.h"
#include "store/store.h"

namespace mmgate::cli {

Result<ProjectConfig> LoadProjectFile(const std::string& path);

// Prints each invalid item line of the project to stderr (they are recorded
// as errors in the run, not dropped).
void PrintProblems(const ProjectConfig& project);

// --db if given, else .mmgate/results.db beside the config.
std::string DatabasePath(const std::string& config_path,
                         const std::string& db_flag);
Result<std::unique_ptr<store::Store>> OpenStore(const std::string& config_path,
                                                const std::string& db_flag);

// Set by the first SIGINT or SIGTERM; a second one ends the process at once.
const std::atomic<bool>* InstallStopHandler();

// Gates each candidate run against the baseline under the config's policy
// and ranks the ones that pass (shared by `gate` and `demo`).
Result<report::GateOutcome> EvaluateGate(
    const std::string& config, store::Store* store, const std::string& baseline,
    const std::vector<std::string>& candidates);
// Writes the Markdown and JUnit files that were asked for (empty: not asked).
Status WriteGateOutputs(const report::GateOutcome& o,
                        const std::string& markdown, const std::string& junit);

// Prints "mmgate <command>: <message>" to stderr and returns kExitUsage.
int Fail(const char* command, const Status& status);

}  // namespace mmgate::cli

#endif  // MMGATE_TOOLS_MMGATE_PROJECT_H_
