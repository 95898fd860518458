// The voice pipeline part of `mmgate demo`, and the pipeline flags `run`
// shares (cmd_pipeline.cc).
#ifndef MMGATE_TOOLS_MMGATE_PIPELINE_DEMO_H_
#define MMGATE_TOOLS_MMGATE_PIPELINE_DEMO_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mmgate::cli {

// Builds the demo's voice pipeline in <out>/pipeline, runs the baseline and
// the candidate pipeline (resuming finished items), gates them per stage and
// writes <out>/pipeline.html, pipeline.md and pipeline-otel.json; prints the
// per-stage verdict.
Status RunDemoPipeline(const std::string& out, uint64_t seed, bool small,
                       const std::atomic<bool>* stop);

// `--set STAGE=MODEL` values as a stage -> model map; a value without a
// stage or a model is an Invalid status naming it.
Result<std::map<std::string, std::string>> ParseStageSets(
    const std::vector<std::string>& sets);

}  // namespace mmgate::cli

#endif  // MMGATE_TOOLS_MMGATE_PIPELINE_DEMO_H_
