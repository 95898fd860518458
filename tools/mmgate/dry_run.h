// `mmgate run --dry-run`: what a run of one model would call and cost,
// sending nothing. Plain suites come from runner::EstimateRun; pipeline
// suites are listed with their items and each stage's model (after the
// candidate's swap and --set), but not priced: a stage's input is an earlier
// stage's output, unknown before the run.
#ifndef MMGATE_TOOLS_MMGATE_DRY_RUN_H_
#define MMGATE_TOOLS_MMGATE_DRY_RUN_H_

#include <map>
#include <string>
#include <vector>

#include "dataset/item.h"
#include "store/store.h"

namespace mmgate::cli {

struct DryRunRequest {
  std::string model;
  std::string run_id;               // a resumed run: its stored items cost 0
  std::vector<std::string> suites;  // selected suites; empty: all
  std::map<std::string, std::string> stage_sets;  // --set STAGE=MODEL
  int repeat = 1;
  bool json = false;
};

// Prints the estimate (text or JSON) on stdout; returns the exit code.
int DryRun(const DryRunRequest& r, const ProjectConfig& project,
           store::Store* store);

}  // namespace mmgate::cli

#endif  // MMGATE_TOOLS_MMGATE_DRY_RUN_H_
