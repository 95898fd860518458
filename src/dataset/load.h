// Loading and validating suites (YAML) and their items (JSONL) into the
// contracts of dataset/item.h. The project config (mmgate.yaml) that lists
// them is read by config/config.h.
#ifndef MMGATE_DATASET_LOAD_H_
#define MMGATE_DATASET_LOAD_H_

#include <yaml-cpp/yaml.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "dataset/item.h"

namespace mmgate::dataset {

struct LoadOptions {
  // Injected so the dataset box does not depend on the scorer: returns true
  // for a known metric name. When empty, every metric name is accepted.
  std::function<bool(std::string_view)> metric_known;
  // Beyond the seven in DESIGN.md, declared in mmgate.yaml `modalities:`.
  std::set<std::string> extra_modalities;
  // False: a suite's own file is read and validated but its dataset is not
  // (no items, no version hash), for readers that need only the suite's
  // settings (gating and reporting work from the results database).
  bool read_items = true;
  // True: a suite's dataset is read a line at a time to check every line
  // and compute the version hash, keeping its problems but not its items
  // (Suite::streamed), so a million-item suite does not sit in memory; the
  // runner reads the items again with ReadItemBatches. Pipeline suites are
  // always read whole.
  bool stream_items = false;
};

// text image document chart table audio pipeline.
const std::set<std::string>& BuiltinModalities();

// Fatal errors only (unreadable or malformed YAML, missing required keys, a
// dataset file that cannot be read): returned as Status naming file and
// line. Per-item problems never fail the load: they go to Suite::problems,
// the item stays out of Suite::items.
Result<Suite> LoadSuite(const std::string& suite_yaml_path,
                        const LoadOptions& opt);

// A suite's valid items read again from its dataset, in file order, handed
// to `each` at most `batch_size` at a time (the vector is the reader's and is
// cleared after each call; `each` may move items out of it), with the options
// the suite was loaded with. Invalid lines are skipped (they are in
// Suite::problems). An error from `each` stops the read and is returned;
// a streamed suite whose dataset no longer reads as it did when loaded is an
// Invalid status naming the file (reported after the last batch). Works on
// a suite loaded whole too (its `items`, without reading the file).
Status ReadItemBatches(const Suite& suite, size_t batch_size,
                       const std::function<Status(std::vector<Item>&)>& each);

// Converts a YAML node to JSON with typed scalars (YAML 1.2 core schema: int,
// double like 1e-48, bool, null; quoted scalars stay strings).
nlohmann::json YamlToJson(const YAML::Node& node);

}  // namespace mmgate::dataset

#endif  // MMGATE_DATASET_LOAD_H_
