// What the backfill commands share: importing trace files with a progress
// line, and choosing the traces a backfill replays.
#ifndef MMGATE_TOOLS_MMGATE_BACKFILL_COMMON_H_
#define MMGATE_TOOLS_MMGATE_BACKFILL_COMMON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backfill/sample.h"
#include "backfill/selection.h"
#include "backfill/source.h"
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
  // Its strata, and a drawn sample's trace ids (history order; none when
  // every trace or a resumed run's recorded ones are replayed).
  backfill::Sample sample;
  int64_t n = 0;         // requested size
  int64_t drawn = 0;     // traces selected
  bool resumed = false;  // the selection of an existing run
  bool every = false;    // every trace of the history
  // The traces the run recorded with its items (a run without a usable
  // record of its selection, or whose history changed since).
  bool recorded = false;
  backfill::SelectionRecord record;  // kept with a new run (not `recorded`)
};

// The traces to replay. An existing run (`run_id` names one; sample flags
// are then refused) replays its recorded selection, drawn again from the
// history when that is unchanged (backfill/selection.h), else the traces it
// recorded with its items (said on stderr). A new run replays every trace
// (--all, or a sample as large as the history) or a fresh draw. The history
// is read a page at a time (backfill/draw.h): memory grows with a drawn
// sample, not with the history; `progress` shows the passes on a terminal.
Result<Selection> SelectTraces(store::Store* store, const SampleFlags& f,
                               const std::string& run_id,
                               bool progress = false);

// The suite that replays a selection (backfill/source.h): its items are
// made from the traces as the runner reads them, inline media written under
// `media_dir`; the tally keeps every skipped trace when `keep_skipped`, else
// the first 20. Takes the selection's drawn trace ids.
backfill::StreamedSuite ReplaySuiteOf(store::Store* store, Selection* s,
                                      const std::string& run_id,
                                      const std::string& media_dir,
                                      bool keep_skipped);

// The plan's figures as JSON (sample, strata, precision, skipped traces),
// once the suite was read (`t` is its tally).
nlohmann::json PlanJson(const Selection& s, const backfill::SourceTally& t,
                        const SampleFlags& f);

}  // namespace mmgate::cli

#endif  // MMGATE_TOOLS_MMGATE_BACKFILL_COMMON_H_
