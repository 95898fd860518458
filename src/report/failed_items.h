// The items of a run that failed (corrupt media, a crashed or garbled model,
// an invalid dataset line), with the kind and reason of each: what `run`,
// `report` (every format) and the HTML report show so that a failure is never
// only a count.
#ifndef MMGATE_REPORT_FAILED_ITEMS_H_
#define MMGATE_REPORT_FAILED_ITEMS_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/gate_run.h"

namespace mmgate::report {

struct FailedItem {
  std::string suite;
  std::string item_id;  // empty for a dataset line with no readable id
  int64_t line = 0;     // its line in the dataset file
  std::string kind;     // the stored error kind, e.g. "corrupt_media"
  std::string reason;   // the stored error message
};

// The errored items of `items`, in their order (suite, line).
std::vector<FailedItem> FailedItems(const std::vector<store::GateItem>& items);

// "  suite/id (kind): reason" lines, at most `limit` of them (0: all), then
// "... and N more" when some were left out. Control characters escaped.
std::string FailedItemsText(const std::vector<FailedItem>& failed,
                            size_t limit);
// A Markdown section titled with the run: a table of every failed item.
std::string FailedItemsMarkdown(const std::string& run_id,
                                const std::vector<FailedItem>& failed);
nlohmann::json FailedItemsJson(const std::vector<FailedItem>& failed);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_FAILED_ITEMS_H_
