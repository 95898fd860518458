// The backfill suite streamed: its items are made from the traces as the
// runner reads them (Suite::source), a batch at a time, so a replay of a
// history of millions holds one page of traces and their items, never the
// history. The traces are every stored trace (`run --all`), the ones a
// resumed run's suite holds an item for (read in trace id order and merged
// with the run's items, both a page at a time), or those of a drawn sample
// (its ids held, the traces read as for every trace). Each trace becomes an
// item as BuildSuite makes it (TraceItem); traces that cannot be replayed are
// the batch's problems, which the runner records as errored items.
//
// A read is not thread-safe (the runner reads a suite from one thread); the
// tally is filled as the suite is read, for the caller to read after. A
// store error ends the read with that error.
#ifndef MMGATE_BACKFILL_SOURCE_H_
#define MMGATE_BACKFILL_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backfill/replay.h"
#include "dataset/item.h"
#include "store/store.h"

namespace mmgate::backfill {

// What the last read of a streamed suite made of its traces (reset when a
// read starts, so after a replay or an estimate it describes that one).
struct SourceTally {
  int64_t traces = 0;            // traces read
  int64_t items = 0;             // ...made items (replayable)
  int64_t skipped_count = 0;     // ...not replayable, changed or unreadable
  std::vector<Skipped> skipped;  // the first `keep_skipped` of those
};

struct StreamedSuite {
  Suite suite;  // no items: suite.source makes them
  std::shared_ptr<const SourceTally> tally;
};

// Which stored traces a streamed suite replays.
enum class Pick {
  kAll,  // every trace
  kRun,  // those run `run_id`'s backfill suite holds an item for
};

// How a streamed suite makes its items.
struct StreamOptions {
  std::string media_dir;     // inline media are written here
  int64_t period_weeks = 1;  // the sample's, recorded on each item
  int64_t expected = 0;      // stored traces it is expected to read
  size_t keep_skipped = 20;  // skipped traces kept in the tally
};

// Stored traces, read a page at a time in trace id order (`store` must
// outlive the suite).
StreamedSuite StreamStored(store::Store* store, Pick pick,
                           const std::string& run_id,
                           const StreamOptions& options);

// The traces of a drawn sample (`ids`, moved in and held by the suite,
// about 40 bytes an id), read from the store a page at a time in trace id
// order like every trace, only those drawn made items (`store` must outlive
// the suite).
StreamedSuite StreamDrawn(store::Store* store, std::vector<std::string> ids,
                          const StreamOptions& options);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_SOURCE_H_
