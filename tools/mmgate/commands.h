// The mmgate command table: each command registers its options on its own
// CLI11 subcommand and a callback that runs it and stores the process exit
// code.
#ifndef MMGATE_TOOLS_MMGATE_COMMANDS_H_
#define MMGATE_TOOLS_MMGATE_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace mmgate::cli {

// Exit codes (DESIGN.md): 0 ok / roll forward, 1 blocked, 2 usage, config or
// input error, 3 inconclusive, 4 a run in which every item failed (nothing
// to compare), 130 interrupted.
enum ExitCode : int {
  kExitOk = 0,
  kExitBlocked = 1,
  kExitUsage = 2,
  kExitInconclusive = 3,
  kExitAllFailed = 4,
  kExitInterrupted = 130
};

using AddCommand = void (*)(CLI::App* sub, int* exit_code);

void AddDemoCommand(CLI::App* sub, int* exit_code);
void AddRunCommand(CLI::App* sub, int* exit_code);
void AddReportCommand(CLI::App* sub, int* exit_code);
void AddGateCommand(CLI::App* sub, int* exit_code);
void AddScoreCommand(CLI::App* sub, int* exit_code);
void AddInitCommand(CLI::App* sub, int* exit_code);
void AddServeCommand(CLI::App* sub, int* exit_code);
void AddPerturbCommand(CLI::App* sub, int* exit_code);
void AddRescoreCommand(CLI::App* sub, int* exit_code);
void AddRunsCommand(CLI::App* sub, int* exit_code);
void AddLoadCommand(CLI::App* sub, int* exit_code);
void AddCalibrateCommand(CLI::App* sub, int* exit_code);
void AddLabelCommand(CLI::App* sub, int* exit_code);
void AddBackfillCommand(CLI::App* sub, int* exit_code);
void AddPipelineCommand(CLI::App* sub, int* exit_code);
void AddGoldsetCommand(CLI::App* sub, int* exit_code);
void AddMineCommand(CLI::App* sub, int* exit_code);

}  // namespace mmgate::cli

#endif  // MMGATE_TOOLS_MMGATE_COMMANDS_H_
