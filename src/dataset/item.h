// The item, suite and project-config contracts of DESIGN.md as C++ values.
#ifndef MMGATE_DATASET_ITEM_H_
#define MMGATE_DATASET_ITEM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/prices.h"
#include "common/status.h"

namespace mmgate {
namespace dataset {
struct LoadOptions;
}

struct MediaRef {
  std::string type;      // "image" | "audio" (open set)
  std::string path;      // as written in the item, relative to the dataset file
  std::string abs_path;  // resolved, checked to stay inside the dataset folder
};

// One gold item: one line of a suite's JSONL dataset.
struct Item {
  std::string id;
  std::string modality;
  std::string prompt;
  std::vector<MediaRef> media;
  std::vector<std::string> references;  // a string reference becomes one entry
  std::string metric;                   // empty: the suite's metric
  std::string expect = "answer";        // "answer" | "abstain"
  std::vector<std::pair<std::string, std::string>> slices;  // in file order
  std::vector<std::string> evidence;
  std::string group;  // defaults to id
  nlohmann::json extra =
      nlohmann::json::object();  // other keys, kept as written
  std::string content_hash;      // sha256 of id, prompt, media bytes, reference
  int line = 0;                  // 1-based line in the JSONL file
  int64_t offset = -1;           // byte where that line starts (-1: unknown)
};

// An item line that failed validation: kept out of `Suite::items` but never
// dropped; the runner records it as an errored item.
struct ItemProblem {
  int line = 0;         // 1-based line in the JSONL file (0: not line-bound)
  std::string item_id;  // empty if the line had no readable id
  std::string message;  // names the file and line or item id
};

// One batch of a suite whose items come from an ItemSource: its valid items
// and what could not be made an item (each problem with its own item id,
// distinct from every other id of the suite).
struct ItemBatch {
  std::vector<Item> items;
  std::vector<ItemProblem> problems;
};

// Items made by the caller rather than read from a dataset file (backfill
// makes them from stored traces a page at a time): hands every batch, at
// most `batch_size` items each, to `each` in order; an error from `each`
// stops it and is returned. Each call reads the items again from the start.
using ItemSource = std::function<Status(
    size_t batch_size, const std::function<Status(ItemBatch&)>& each)>;

// A suite's `judge: {model, rubric, mode}`: a model of mmgate.yaml grades
// its answers on a rubric file (judge/, docs/judge.md).
struct JudgeSpec {
  std::string model;
  std::string rubric_path;     // absolute
  std::string mode = "score";  // score | pairwise
  std::string where;           // "suite.yaml:12", for later errors
};

// One stage of a pipeline suite (`stages:`; docs/pipeline.md): a model of
// mmgate.yaml fed the previous stage's output (the item's own input for the
// first) and scored at its boundary against the item's gold for the stage.
struct StageSpec {
  std::string name;    // "transcribe"; the key of its gold in the item
  std::string model;   // a model of mmgate.yaml
  std::string kind;    // asr | text | tts: what it reads and writes
  std::string metric;  // its boundary metric; empty: not scored itself
  // Passes at the boundary when the metric is at least (higher-is-better)
  // or at most (error rates) this.
  double threshold = 0;
  nlohmann::json schema;  // a JSON Schema its output must meet (hard check)
  std::string verifies;   // the earlier (tts) stage this one's score checks
  std::string where;      // "suite.yaml:12", for later errors
};

// A suite: one modality, its dataset, metric(s), rubric and gate thresholds.
struct Suite {
  std::string name;
  std::string modality;
  std::string description;
  std::string path;          // the suite YAML file
  std::string dataset_path;  // absolute path of the JSONL file (it is read
                             // unless LoadOptions::read_items is false)
  std::string metric;        // default metric for its items
  std::vector<std::string> extra_metrics;     // also computed and reported
  std::map<std::string, std::string> rubric;  // failure mode -> description
  std::optional<JudgeSpec> judge;             // scored by a judge model
  nlohmann::json gate = nlohmann::json::object();  // thresholds, read by gate/
  nlohmann::json params = nlohmann::json::object();  // metric parameters
  std::vector<StageSpec> stages;  // a pipeline suite's, in order
  std::vector<Item> items;        // empty when the dataset was not read
  std::vector<ItemProblem> problems;
  std::string version_hash;  // hash of the suite file and all item hashes
                             // (empty when the dataset was not read)
  // LoadOptions::stream_items: the dataset was read to check and hash it but
  // its valid items were not kept (`items` stays empty); the runner reads
  // them again in batches (dataset::ReadItemBatches).
  bool streamed = false;
  int64_t item_count = 0;  // valid items, as loaded (streamed or not)
  std::set<std::string> item_metrics;  // the items' own `metric`s
  std::string dataset_digest;          // of a streamed suite's lines
  // How a streamed suite was loaded: its items are read again alike.
  std::shared_ptr<const dataset::LoadOptions> load_options;
  // Set (with `streamed` and `item_count` the items it is expected to
  // hand, invalid ones included): the items come from here, the suite's
  // problems with their batch; `items` and `problems` stay empty.
  ItemSource source;
};

// A model: an engine or provider plus its configuration.
struct ModelSpec {
  std::string name;
  std::string provider;  // tesseract | pocketsphinx | exec | ...
  nlohmann::json params = nlohmann::json::object();  // every other key
  std::string base_dir;  // folder of mmgate.yaml, for relative paths
};

// Input caps of one modality's items (`caps:` in mmgate.yaml), checked
// before any request (runner/caps.h): an item whose media exceed one is a
// failed item, never sent. 0: no cap.
struct InputCaps {
  int64_t image_bytes = 0;   // each image file's size
  int64_t image_pixels = 0;  // each image's width x height
  double audio_seconds = 0;  // each audio file's duration
  bool Any() const {
    return image_bytes > 0 || image_pixels > 0 || audio_seconds > 0;
  }
};

// What running a model over the suites needs from mmgate.yaml; config/
// reads it, with the gate policy, in one pass (config/config.h).
struct ProjectConfig {
  std::string path;      // mmgate.yaml
  std::string base_dir;  // its folder
  std::map<std::string, ModelSpec> models;
  std::vector<Suite> suites;
  std::string baseline;  // optional default model names
  std::string candidate;
  PriceTable prices;  // `prices:`; a model not listed is not billed
  std::map<std::string, InputCaps> caps;  // `caps:`, by item modality
};

}  // namespace mmgate

#endif  // MMGATE_DATASET_ITEM_H_
