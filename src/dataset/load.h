// Loading and validating suites (YAML) and their items (JSONL) into the
// contracts of dataset/item.h. The project config (mmgate.yaml) that lists
// them is read by config/config.h.
#ifndef MMGATE_DATASET_LOAD_H_
#define MMGATE_DATASET_LOAD_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
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
// a suite loaded whole too (its `items`, without reading the file), and on
// one with a Suite::source (its items; the source's problems are not
// handed on).
Status ReadItemBatches(const Suite& suite, size_t batch_size,
                       const std::function<Status(std::vector<Item>&)>& each);

// Where a suite's valid item is: its index among the valid items (file
// order) and its line's place in the dataset, to read a batch from it on
// without reading the lines before it (ReadItemsAt).
struct ItemPlace {
  int64_t index = 0;
  int64_t offset = 0;  // byte where its line starts
  int line = 0;
  std::string id;
};
ItemPlace PlaceOf(int64_t index, const Item& item);

// Up to `count` of a suite's valid items from `first` on, as ReadItemBatches
// hands them: a streamed suite's dataset is read from first.offset only (its
// invalid lines, Suite::problems, skipped), a suite loaded whole is sliced
// from first.index. A dataset that no longer holds first.id at first.line is
// an Invalid status naming the file; an unreadable one an IoError.
Status ReadItemsAt(const Suite& suite, const ItemPlace& first, size_t count,
                   std::vector<Item>* out);

// Keeps a suite's first `limit` valid items (`mmgate run --limit`) and its
// invalid lines among them. A streamed suite with more items is read until
// it has them, which are then held (Suite::streamed false); one with no more
// stays streamed. An unreadable dataset is the read's error.
Status KeepFirstItems(Suite* suite, size_t limit);

// Converts a YAML node to JSON with typed scalars (YAML 1.2 core schema: int,
// double like 1e-48, bool, null; quoted scalars stay strings).
nlohmann::json YamlToJson(const YAML::Node& node);

}  // namespace mmgate::dataset

#endif  // MMGATE_DATASET_LOAD_H_
