// Running a pipeline suite into the store, and reading a pipeline run back.
// A pipeline run is a run of the store like any other: its items with one
// primary response each (the last stage's text; scores `pipeline_pass` and
// `stage:NAME` per checked boundary, the verdict with its blame as the
// detail of `pipeline_pass`), every stage in the stages table and every
// stage's model response as an extra response of kind stage.
//
// Failure behaviour: an unknown stage model, a model that cannot be made or a
// run id made by another pipeline is an Invalid status naming the stage and
// the suite line; a stage error is data on its item; a store failure stops
// the run and is returned. Not thread-safe: items run one after another (a
// pipeline's stages are sequential and the engines are local).
#ifndef MMGATE_PIPELINE_RUN_H_
#define MMGATE_PIPELINE_RUN_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "adapter/factory.h"
#include "common/clock.h"
#include "common/status.h"
#include "dataset/item.h"
#include "pipeline/pipeline.h"
#include "runner/runner.h"
#include "store/store.h"

namespace mmgate::pipeline {

struct RunOptions {
  std::string run_id;  // empty: a fresh "pipeline-<suite>-..." id
  // stage name -> model name: a candidate pipeline swaps some stages' models.
  std::map<std::string, std::string> overrides;
  std::string media_dir;  // tts audio; empty: .mmgate/pipeline/RUN beside
                          // the config
  std::function<void(int64_t done, int64_t total)> progress;
  const std::atomic<bool>* stop = nullptr;  // set: finish the item, stop
};

struct RunSummary {
  std::string run_id;
  int64_t items = 0, passed = 0, failed = 0, skipped = 0;
  bool resumed = false, interrupted = false;
};

Result<RunSummary> RunSuite(const ProjectConfig& project, const Suite& suite,
                            const RunOptions& opt, const ModelEnv& env,
                            store::Store* store, Clock* clock);

// The stage -> model swaps of a pipeline suite in a run of `model`: where a
// stage names the config's baseline and `model` is another model, the stage
// runs `model` (the candidate replaces the baseline wherever it serves);
// `overrides` (stage -> model) are applied last, those naming a stage of
// this suite (a project may have several pipeline suites).
std::map<std::string, std::string> StagesForModel(
    const ProjectConfig& project, const Suite& suite, const std::string& model,
    const std::map<std::string, std::string>& overrides);

struct InRunOptions {
  std::string model;                             // the run's model
  std::map<std::string, std::string> overrides;  // stage -> model
  std::function<void(const std::string& suite, int64_t done, int64_t total)>
      progress;
};

// The runner's stage runner (runner/runner.h) for `mmgate run`: a pipeline
// suite's items run through its stages (models from StagesForModel) into the
// model's run, written as RunSuite writes them (tts audio under
// .mmgate/pipeline/RUN/ beside the config). `project`, `store` and `clock`
// must outlive it. A stage model that cannot be made is an Invalid status.
runner::StageRunner MakeStageRunner(const ProjectConfig& project,
                                    InRunOptions opt, const ModelEnv& env,
                                    store::Store* store, Clock* clock);

// The same for a shared-database worker (runner/worker.h): one pipeline
// item at a time through its stages, nothing written (the worker writes the
// outcome under its lease). `project`, `store` (the stages' executors: cache
// and attempts) and `clock` must outlive it.
runner::StagedItemRunnerMaker MakeStagedItemRunner(const ProjectConfig& project,
                                                   InRunOptions opt,
                                                   const ModelEnv& env,
                                                   store::Store* store,
                                                   Clock* clock);

// One item of a stored pipeline run, as the gate and the reports read it.
struct StoredItem {
  std::string suite, item_id, group, content_hash;
  std::vector<std::pair<std::string, std::string>> slices;
  ItemVerdict verdict;  // stages filled from the stages table
};

struct StoredRun {
  store::RunRecord run;
  std::string suite;
  std::string suite_version;       // the suite's version hash
  std::vector<std::string> units;  // blame units in stage order
  // Per stage in order, from the run's spec: its model name, provider, kind.
  struct Stage {
    std::string name, model, provider, kind;
  };
  std::vector<Stage> stages;
  std::vector<StoredItem> items;
  std::vector<std::string> problems;  // rows that could not be read, named
};

// A pipeline run, or pipeline suite `suite` of a run of `mmgate run` (empty:
// its only one). Refuses a run holding no such suite.
Result<StoredRun> LoadRun(store::Store* store, const std::string& run_id,
                          const std::string& suite = "");

// The verdict without its stages, as stored in `pipeline_pass`'s detail.
nlohmann::json VerdictJson(const ItemVerdict& v);
Result<ItemVerdict> VerdictFromJson(const nlohmann::json& j);

}  // namespace mmgate::pipeline

#endif  // MMGATE_PIPELINE_RUN_H_
