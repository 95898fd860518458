// A stored pipeline run summarised per stage: how often each stage's boundary
// failed, how many failing items each blame rule put on it, and where the
// two rules agree; as JSON and as text for a terminal. Pure functions.
#ifndef MMGATE_PIPELINE_SUMMARY_H_
#define MMGATE_PIPELINE_SUMMARY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/run.h"

namespace mmgate::pipeline {

struct StageSummary {
  std::string stage;
  int64_t checked = 0, failed = 0;  // boundary checks and failures
  int64_t first_failing = 0;        // failing items blamed by each rule
  int64_t blamed = 0;
};

struct RunSummaryView {
  std::string run_id, suite;
  int64_t items = 0, passed = 0, agree = 0, disagree = 0;
  std::vector<StageSummary> stages;  // in stage order
  std::vector<const StoredItem*> failing;
};

RunSummaryView Summarise(const StoredRun& run);
nlohmann::json SummaryJson(const RunSummaryView& s);
// A table per stage, then each failing item with both blames and its reason.
std::string SummaryText(const RunSummaryView& s);

}  // namespace mmgate::pipeline

#endif  // MMGATE_PIPELINE_SUMMARY_H_
