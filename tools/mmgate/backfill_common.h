// What the backfill commands share: importing trace files with a progress
// line, and choosing the traces a backfill replays.
#ifndef MMGATE_TOOLS_MMGATE_BACKFILL_COMMON_H_
#define MMGATE_TOOLS_MMGATE_BACKFILL_COMMON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backfill/replay.h"
#include "backfill/sample.h"
#include "common/status.h"
#include "store/store.h"
#include "trace/trace.h"

namespace mmgate::cli {

struct ImportTotals {
  std::vector<trace::IngestSummary> files;
  int64_t traces = 0;
  int64_t malformed = 0;
  int64_t not_replayable = 0;
  double seconds = 0;
};

// Ingests each file into the store; malformed lines and missing media are
// printed to stderr (up to 20 each, then a count) unless `quiet`.
Result<ImportTotals> ImportTraces(const std::vector<std::string>& files,
                                  store::Store* store, bool progress,
                                  bool quiet);
nlohmann::json ImportJson(const ImportTotals& t);

// How many traces to replay: --sample N, --precision X (at the expected
// flip rate) or --all.
struct SampleFlags {
  int64_t sample = 0;
  double precision = 0;
  double expected_rate = 0.1;
  bool all = false;
  uint64_t seed = 20260901;
};

struct Selection {
  backfill::Sample sample;
  std::vector<store::TraceRecord> traces;  // the drawn ones, history order
  int64_t n = 0;                           // requested size
  bool resumed = false;                    // the traces of an existing run
};

// The traces to replay: an existing run's own items when `run_id` names one
// (sample flags are then refused), else a fresh draw from the history. The
// history is read a page at a time (backfill/draw.h): memory grows with the
// sample, not the history; `progress` shows the passes on a terminal.
Result<Selection> SelectTraces(store::Store* store, const SampleFlags& f,
                               const std::string& run_id,
                               bool progress = false);

// The plan's figures as JSON (sample, strata, precision, skipped traces).
nlohmann::json PlanJson(const Selection& s, const backfill::ReplaySuite& r,
                        const SampleFlags& f);

}  // namespace mmgate::cli

#endif  // MMGATE_TOOLS_MMGATE_BACKFILL_COMMON_H_
