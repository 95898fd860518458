// What several commands share: loading the config with the scorer's metric
// registry, the default database path, and Ctrl-C handling.
#ifndef MMGATE_TOOLS_MMGATE_PROJECT_H_
#define MMGATE_TOOLS_MMGATE_PROJECT_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "dataset/item.h"
#include "demo/gold_set.h"
#include "gate/evaluate.h"
#include "report/html_report.h"
#include "report/verdict.h"
#include "store/store.h"

namespace mmgate::cli {

// `mmgate demo` and `mmgate init`: calibrates the bundled rules judge on the
// reference labels the gold set build derived (not people's), stored for
// the gate; prints the kappa with its interval, n and the floor. Returns an
// exit code (0 on success). Defined in cmd_demo.cc.
int CalibrateDemoJudge(const config::Config& cfg,
                       const demo::BuildSummary& built, int workers,
                       store::Store* store, Clock* clock);

// With `read_items` false the suites' datasets are not read: for commands
// that work from the results database (gate, report, serve). With
// `stream_items` they are read and checked but their items not kept
// (dataset::LoadOptions::stream_items): for runner::Run, which reads them
// again in batches.
Result<config::Config> LoadConfigFile(const std::string& path,
                                      bool read_items = true,
                                      bool stream_items = false);

// The suites a command was asked for with -s: each is a suite name of the
// project or a suite YAML file, which is loaded and added to `project` (a
// file the project lists already is taken by its name). Returns the names.
// An unknown name is an Invalid status listing the project's suites, and
// saying so when a suite file of that name exists that the project does not
// list.
Result<std::vector<std::string>> SelectSuiteArgs(
    const std::vector<std::string>& args, ProjectConfig* project);
// The error for a suite name the project does not have (as above).
Status UnknownSuite(const ProjectConfig& project, const std::string& name);
// A suite YAML file, loaded with the scorer's metric registry.
Result<Suite> LoadSuiteFile(const std::string& path);

// Prints each invalid item line of the project to stderr (they are recorded
// as errors in the run, not dropped).
void PrintProblems(const ProjectConfig& project);

// --db if given, else the config's `db:`, else .mmgate/results.db beside
// the config. An error only when mmgate.yaml is malformed.
Result<std::string> DatabasePath(const std::string& config_path,
                                 const std::string& db_flag);
Result<std::unique_ptr<store::Store>> OpenStore(const std::string& config_path,
                                                const std::string& db_flag);
// The same for a command that only reads runs (gate, report, rescore): a
// database file that does not exist is an error, not created empty.
Result<std::unique_ptr<store::Store>> OpenResults(
    const std::string& config_path, const std::string& db_flag,
    std::string_view command);

// A run reference as every command takes it: a run id, `latest` (the newest
// run in the database) or `latest:MODEL` (the newest run of MODEL), newest by
// start time. An existing run id wins, so a run named "latest" stays
// reachable. An unknown reference is a NotFound error listing the runs that
// exist, newest first.
Result<std::string> ResolveRun(store::Store* store, const std::string& ref);
// ResolveRun on each reference, in place.
Status ResolveRuns(store::Store* store, std::vector<std::string>* refs);

// Set by the first SIGINT or SIGTERM; a second one ends the process at once.
const std::atomic<bool>* InstallStopHandler();

// The HTML report's options for a project: where each suite's media is.
report::ReportOptions HtmlReportOptions(const config::Config& config);

// HtmlReportOptions plus, when mmgate.yaml has a goldset: section, the gold
// set's health read from `store` (its items are read from the config file).
Result<report::ReportOptions> HtmlReportOptions(const config::Config& config,
                                                store::Store* store);

// Keeps the verdicts in the database for `mmgate serve` (a failure to store
// is printed, not fatal: the verdict stands).
void KeepVerdicts(store::Store* store, const gate::GateOutcome& o);
// Writes the Markdown (the verdict, then the production scorecard) and JUnit
// files that were asked for (empty: not asked).
Status WriteGateOutputs(const gate::Evaluation& e, const std::string& markdown,
                        const std::string& junit);

// Text for a terminal: control and bidi characters of each line escaped
// (report::EscapeControl), line breaks kept.
std::string TerminalSafe(const std::string& text);

// The exit code DESIGN.md gives a verdict: 0 pass, 1 block, 3 inconclusive.
int ExitForVerdict(gate::Verdict v);

// Prints "mmgate <command>: <message>" to stderr and returns kExitUsage.
int Fail(const char* command, const Status& status);

}  // namespace mmgate::cli

#endif  // MMGATE_TOOLS_MMGATE_PROJECT_H_
