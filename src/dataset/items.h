// Internal: parsing and validating a suite's JSONL items.
#ifndef MMGATE_DATASET_ITEMS_H_
#define MMGATE_DATASET_ITEMS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
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
  // Set when a dataset loaded whole is read again: the lines that load found
  // invalid (Suite::problems). They are skipped unparsed (nothing fed to
  // `version`), and ids are not checked for repeats, since a repeat's line is
  // among them: the read then holds no map of every id seen.
  const std::set<int>* invalid_lines = nullptr;
};

// Fills suite->items with the valid lines and suite->problems with one entry
// per invalid line, and feeds each line's hash to `version` in file order.
// Fails only if the dataset folder itself cannot be resolved.
Status ParseItems(std::string_view text, const ItemsContext& ctx, Suite* suite,
                  Sha256* version);

// Where ParseItemsFile starts and stops: at byte `offset` (the start of a
// line), numbering lines from `first_line`, and once `suite` holds
// `max_items` items.
struct FileWindow {
  int64_t offset = 0;
  int first_line = 1;
  size_t max_items = SIZE_MAX;
};

// The same over the dataset file itself, read a line at a time so that no
// copy of the whole file is held: after each line `after_line` (if set) may
// take the items and problems added so far out of `suite` (a batch); an
// error it returns stops the read. `raw` (if set) is fed every line as read,
// to tell later whether the file changed. Fails if the file cannot be read.
Status ParseItemsFile(const ItemsContext& ctx, Suite* suite, Sha256* version,
                      Sha256* raw, const std::function<Status()>& after_line,
                      const FileWindow& window = {});

}  // namespace mmgate::dataset::internal

#endif  // MMGATE_DATASET_ITEMS_H_
