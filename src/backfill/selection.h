// What a backfill run was asked to replay, recorded with the run so that a
// resumed run replays the same traces, not only those it reached before it
// was stopped: every trace, or the sample of `size` drawn with `seed`, from
// the history as it was then (its size and fingerprint, draw.h). The record
// lives in the run's spec_json under "backfill" (Replay writes it when it
// creates the run); a resumed run draws again from the stored history when
// that history is unchanged, which gives the same traces (draw.h).
//
// Pure functions; thread-safe.
#ifndef MMGATE_BACKFILL_SELECTION_H_
#define MMGATE_BACKFILL_SELECTION_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "backfill/draw.h"
#include "common/status.h"
#include "store/records.h"

namespace mmgate::backfill {

// The key of the record in the run's spec_json.
inline constexpr const char* kSelectionKey = "backfill";

struct SelectionRecord {
  bool every = false;      // every trace of the history
  int64_t size = 0;        // traces selected (the history's size for every)
  uint64_t seed = 0;       // of the draw
  int64_t population = 0;  // the history's size when selected
  std::string history;     // HistoryCounts::fingerprint then
};

// The record for a selection made from `counts`.
SelectionRecord RecordSelection(const HistoryCounts& counts, bool every,
                                int64_t size, uint64_t seed);

nlohmann::json SelectionJson(const SelectionRecord& r);

// The record run `run` holds: none for a run recorded without one (made
// before records were kept, or not a backfill); an Invalid status naming the
// run when the record is there but cannot be read.
Result<std::optional<SelectionRecord>> SelectionOf(const store::RunRecord& run);

// Whether `counts` describe the history the record was selected from.
bool SameHistory(const SelectionRecord& r, const HistoryCounts& counts);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_SELECTION_H_
