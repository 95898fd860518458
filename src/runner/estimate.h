// `mmgate run --dry-run`: what a run would cost before anything is spent.
// Input tokens come from the model's own estimate (prompt length, images,
// seconds of audio), output tokens from the reference answers' length; the
// config's prices: table turns them into dollars. Items whose answer is
// already stored (resumed run id) or cached cost nothing. Pipeline suites
// (their stages call other models, often several times) are left out here;
// `run --dry-run` lists them with their stages (tools/mmgate/dry_run.h).
#ifndef MMGATE_RUNNER_ESTIMATE_H_
#define MMGATE_RUNNER_ESTIMATE_H_

#include <string>
#include <vector>

#include "runner/runner.h"

namespace mmgate::runner {

struct SuiteEstimate {
  std::string suite;
  int64_t items = 0;   // calls the run would make
  int64_t cached = 0;  // answered from the cache or an earlier session
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  double cost_usd = -1;  // -1: the model has no price
};

struct RunEstimate {
  std::string model;
  std::string model_version;
  bool priced = false;
  bool billed = true;  // false: a local engine, nothing to pay
  std::vector<SuiteEstimate> suites;
  SuiteEstimate total;
};

Result<RunEstimate> EstimateRun(
    const ProjectConfig& project, const std::string& model_name,
    const RunOptions& options, store::Store* store,
    const ModelMaker& make_model = CreateDefaultModel);

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_ESTIMATE_H_
