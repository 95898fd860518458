// What `mmgate run` shows when a run ends (its failed items and its scores),
// read from the store a page of one suite at a time so that a run of a
// million items is never held whole: memory grows with the failed items and
// the strata, not with the run.
//
// Thread-compatible; the store is called from the calling thread only.
// Failure behaviour: a store error is returned as it comes.
#ifndef MMGATE_REPORT_RUN_END_H_
#define MMGATE_REPORT_RUN_END_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "report/failed_items.h"
#include "stats/compare.h"
#include "store/store.h"

namespace mmgate::report {

struct RunEnd {
  int64_t items = 0;  // items the run covers, invalid lines included
  // As FailedItems gives them over Store::LoadResults: by suite, line, id.
  std::vector<FailedItem> failed;
  // The run compared with itself, as stats::Compare figures it.
  stats::Comparison scores;
};

// Pages through each of `suites` (the run's, Store::GetSuites) with
// Store::LoadResultsPage, `page_size` items at a time.
Result<RunEnd> ReadRunEnd(store::Store* store, const std::string& run_id,
                          const std::vector<store::SuiteRecord>& suites,
                          int64_t page_size = 4096);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_RUN_END_H_
