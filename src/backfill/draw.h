// The backfill sample drawn from a stored history too large to hold: two
// passes over the traces, a page at a time in id order. The first counts
// the history by category and week (every coarser period is a sum of
// weeks); the second keeps, in each stratum, the allocated number of traces
// with the smallest seeded hash (a bounded heap). The result is the sample
// DrawSample (sample.h) draws from the whole history in memory, with the
// same seed: the same traces, strata and period.
//
// Memory grows with the strata and the sample (its trace ids, not the
// traces), not the history. Not
// thread-safe per call; failure behaviour: a store error ends the draw.
#ifndef MMGATE_BACKFILL_DRAW_H_
#define MMGATE_BACKFILL_DRAW_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "backfill/sample.h"
#include "common/status.h"
#include "store/store.h"

namespace mmgate::backfill {

// Told the traces read so far in a pass (1 or 2).
using DrawProgress = std::function<void(int pass, int64_t traces)>;

// The history's size, and its traces per category and UTC week.
struct HistoryCounts {
  int64_t population = 0;
  std::map<StratumKey, int64_t> weeks;  // period = week
  // SHA-256 over every trace's id, category and time in id order: equal
  // fingerprints draw the same sample (a resumed run checks it).
  std::string fingerprint;
  // The strata at a longer period (a multiple of weeks).
  std::map<StratumKey, int64_t> Strata(int64_t period_weeks) const;
};

Result<HistoryCounts> CountHistory(store::Store* store,
                                   const DrawProgress& progress = nullptr);

struct Drawn {
  Sample sample;  // its trace_ids are the drawn traces, in history order
};

// Draws `n` traces as DrawSample(history, n, seed) would.
Result<Drawn> DrawFromStore(store::Store* store, const HistoryCounts& counts,
                            int64_t n, uint64_t seed,
                            const DrawProgress& progress = nullptr);

// The sample of every trace (DrawFromStore's with n = all: one-week strata,
// each taken whole) without its traces: a replay of all of them reads the
// history as it goes (source.h).
Sample EveryTrace(const HistoryCounts& counts);

// The history's counts and those of the traces run `run_id`'s backfill
// suite holds an item for (a resumed run's sample), in one pass.
struct RunHistoryCounts {
  HistoryCounts history;
  HistoryCounts run;
};
Result<RunHistoryCounts> CountRunHistory(
    store::Store* store, const std::string& run_id,
    const DrawProgress& progress = nullptr);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_DRAW_H_
