// Internal: parsing and validating a suite's JSONL items.
#ifndef MMGATE_DATASET_ITEMS_H_
#define MMGATE_DATASET_ITEMS_H_

#include <set>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "common/status.h"
#include "dataset/item.h"
#include "dataset/load.h"

namespace mmgate::dataset::internal {

struct ItemsContext {
  std::string dataset_path;  // absolute; media paths resolve beside it
  std::string suite_modality;
  std::string suite_metric;
  const std::set<std::string>* modalities = nullptr;  // builtin and declared
  const LoadOptions* opt = nullptr;
};

// Fills suite->items with the valid lines and suite->problems with one entry
// per invalid line, and feeds each line's hash to `version` in file order.
// Fails only if the dataset folder itself cannot be resolved.
Status ParseItems(std::string_view text, const ItemsContext& ctx, Suite* suite,
                  Sha256* version);

}  // namespace mmgate::dataset::internal

#endif  // MMGATE_DATASET_ITEMS_H_
