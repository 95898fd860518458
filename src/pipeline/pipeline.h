// Pipeline suites (docs/pipeline.md): one item runs through its suite's
// stages (transcribe -> reason -> synthesize -> verify), each stage's model
// called only through the runner's item executor, each stage's output fed to
// the next (text as the prompt, audio as a medium), each stage scored at its
// boundary against the item's gold for it. A failing item is then blamed on
// a stage two ways: the first boundary that failed, and by substitution (the
// downstream pipeline re-run with one stage's output replaced by its gold;
// the earliest stage whose repair fixes the item is blamed).
//
// Blame units: every stage except a verifier (`verifies: STAGE`), whose
// score is the boundary of the stage it verifies (synthesis fidelity: the
// speech transcribed back and compared with the canonical text).
//
// Thread-safety: a Pipeline is used by one thread (its models are engine
// handles). Failure behaviour: a stage's error is data on that item (later
// stages are not run, the item fails, the error names the stage); only store
// failures are returned as a Status.
#ifndef MMGATE_PIPELINE_PIPELINE_H_
#define MMGATE_PIPELINE_PIPELINE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/prices.h"
#include "common/status.h"
#include "dataset/item.h"
#include "model/model.h"
#include "runner/executor.h"
#include "store/store.h"

namespace mmgate::pipeline {

// What one stage produced on one pass over an item.
struct StageResult {
  std::string stage;
  std::string model_version;
  std::string input_ref;   // the item's medium, "text", or an audio file
  std::string output_ref;  // the audio file a tts stage wrote
  std::optional<std::string> text;  // its answer on success
  std::optional<std::string> error;
  std::string error_kind;
  std::optional<double> score;  // its boundary metric, when scored
  bool schema_valid = true;     // the declared schema's hard check
  bool pass = true;             // its own boundary (true when unscored)
  double latency_ms = 0;
  double cost_usd = 0;
  int64_t input_tokens = -1, output_tokens = -1;
  int64_t start_ms = 0;  // wall clock, for traces
};

// One blame unit's boundary on the main pass.
struct Boundary {
  std::string unit;      // the stage's name
  bool checked = false;  // false: nothing scores this unit
  bool pass = true;
  std::string detail;  // "wer 0.40 > 0.25", "schema invalid", the error
};

// A substitution: unit `unit`'s output replaced by its gold, the downstream
// stages re-run; `fixed` when the item then passes end to end.
struct Repair {
  std::string unit;
  bool fixed = false;
};

struct ItemVerdict {
  std::string item_id;
  std::vector<StageResult> stages;   // the main pass, in order
  std::vector<Boundary> boundaries;  // per unit, in order
  bool pass = false;                 // the last checked boundary passed
  std::string first_failing;         // empty when none failed
  std::string blamed;                // substitution rule; empty on a pass
  bool by_elimination = false;  // no upstream repair fixed it: the last unit
  std::vector<Repair> repairs;
  std::string error;               // the first stage error, with its stage
  double cost_usd = 0;             // every stage call, repairs included
  std::vector<std::string> files;  // audio its passes wrote, repairs' too
  bool Agree() const { return pass || blamed == first_failing; }
};

// The models of a pipeline, one per stage in stage order (a model may serve
// several stages: one instance each, so engine handles are not shared).
struct StageModels {
  std::vector<std::unique_ptr<Model>> models;
  std::vector<std::optional<Price>> prices;
};

class Pipeline {
 public:
  // `media_dir` receives the audio tts stages write (created if missing);
  // `store` (for the executors: nothing else is written) and `clock` must
  // outlive the pipeline.
  Pipeline(const Suite& suite, StageModels models, std::string run_id,
           std::string media_dir, store::Store* store, Clock* clock);

  // The main pass, boundaries and, for a failing item, blame. A non-empty
  // `file_tag` goes into the names of the audio files written (a worker's
  // lease token: two holders of one batch never write the same file).
  ItemVerdict Run(const Item& item, const std::string& file_tag = "");

  // Engine versions joined in stage order, for the run record.
  std::string Version() const;

 private:
  struct Input {
    std::string text;
    std::vector<MediaRef> media;
    std::string ref;
  };
  StageResult RunStage(size_t s, const Item& item, const Input& in,
                       const std::string& pass_tag, Input* next);
  std::vector<StageResult> RunFrom(size_t first, const Item& item, Input in,
                                   const std::string& pass_tag);
  std::vector<Boundary> Boundaries(const std::vector<StageResult>& r,
                                   size_t first_unit) const;
  void Blame(const Item& item, const std::string& file_tag, ItemVerdict* v);

  const Suite& suite_;
  StageModels models_;
  std::string run_id_;
  std::string media_dir_;
  Clock* clock_;
  std::vector<std::unique_ptr<runner::ItemExecutor>> executors_;
  std::vector<size_t> units_;                    // stage index of each unit
  std::vector<std::optional<size_t>> verifier_;  // per stage
};

// The gold an item carries for a stage: `gold.STAGE` in the item, else, for
// the last unit, the item's first reference.
std::optional<std::string> GoldFor(const Suite& suite, const Item& item,
                                   const std::string& stage);

}  // namespace mmgate::pipeline

#endif  // MMGATE_PIPELINE_PIPELINE_H_
