// The review sample of a backfill: a seeded draw of the run's flips for
// people to say whose decision is right, exported as JSONL or served on the
// labeling page (serve/label_page.h). On the page each flip shows the
// request, its media and the two decisions as "A" and "B" in a seeded order
// that hides which model gave which; the grade given (A, B or neither) is
// stored as the label "new", "old" or "neither" of the run's item, which is
// what AnalyzeRun reads back for the estimate of how often the candidate is
// right on the flips.
//
// Thread-safe: no state. Failure behaviour: a store error is returned; a
// flip whose trace left the store or cannot be read is served with its
// decisions and no request.
#ifndef MMGATE_BACKFILL_REVIEW_H_
#define MMGATE_BACKFILL_REVIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "backfill/flips.h"
#include "common/status.h"
#include "judge/labeling.h"
#include "store/store.h"

namespace mmgate::backfill {

// Up to `size` of the report's flips, in a seeded order (the same seed
// draws the same flips, and a larger size only adds to a smaller one's).
std::vector<const Contested*> DrawReview(const FlipReport& report, int size,
                                         uint64_t seed);

// The review sample as labeling-page tasks of `run_id`.
Result<judge::LabelQueue> ReviewQueue(store::Store* store,
                                      const std::string& run_id,
                                      const FlipReport& report, int size,
                                      uint64_t seed);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_REVIEW_H_
