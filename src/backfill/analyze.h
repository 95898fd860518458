// Flip analysis of a stored backfill run: the run's items (suite
// "backfill") joined with their traces, the history's size per stratum from
// every stored trace, and reviewers' labels of the run's flips from the
// store (grade "new", "old" or "neither": whose decision is right).
//
// Failure behaviour: a store error or a run without a backfill suite is an
// error; a trace whose stored row cannot be decoded counts as not answered.
#ifndef MMGATE_BACKFILL_ANALYZE_H_
#define MMGATE_BACKFILL_ANALYZE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "backfill/flips.h"
#include "common/status.h"
#include "store/store.h"

namespace mmgate::backfill {

// The sample's period length, as BuildSuite recorded it on the run's items.
int64_t PeriodWeeks(const std::vector<store::ItemResult>& results);

// Reads the history and the run a page at a time (memory grows with the
// analyzer's groups and flips, not with the history), the next page on a
// second thread (the store is called from it; Store is thread-safe) while
// this one is analysed; `progress`, when set, is told the traces read so far
// after each page, on the calling thread.
Result<FlipReport> AnalyzeRun(
    store::Store* store, const std::string& run_id,
    const std::map<std::string, double>& stakes,
    const std::function<void(int64_t traces)>& progress = nullptr);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_ANALYZE_H_
