#include "report/run_end.h"

#include <algorithm>
#include <tuple>

namespace mmgate::report {

Result<RunEnd> ReadRunEnd(store::Store* store, const std::string& run_id,
                          const std::vector<store::SuiteRecord>& suites,
                          int64_t page_size) {
  RunEnd out;
  stats::ComparisonBuilder self(run_id, run_id, suites);
  for (const store::SuiteRecord& s : suites) {
    std::string after;
    for (;;) {
      auto page = store->LoadResultsPage(run_id, s.suite, after, page_size);
      if (!page.ok()) return page.status();
      if (page->empty()) break;
      for (const store::ItemResult& r : *page) {
        ++out.items;
        self.Add(r, r);
      }
      std::vector<FailedItem> failed =
          FailedItems(store::GateRun::Of(*page).items);
      out.failed.insert(out.failed.end(), failed.begin(), failed.end());
      after = page->back().item.item_id;
    }
  }
  // Pages come in id order; LoadResults' order is by line within a suite.
  std::sort(out.failed.begin(), out.failed.end(),
            [](const FailedItem& a, const FailedItem& b) {
              return std::tie(a.suite, a.line, a.item_id) <
                     std::tie(b.suite, b.line, b.item_id);
            });
  out.scores = self.Finish();
  return out;
}

}  // namespace mmgate::report
