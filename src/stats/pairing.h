// Pairs two runs item by item: the one pairing behind both the gate and the
// side-by-side comparison, so they agree on which items were compared and on
// which outcomes are errors. The gate pairs the compact rows it reads
// (store::GateItem), the comparison whole ItemResults: the same code pairs
// both (explicit instantiations in pairing.cc).
#ifndef MMGATE_STATS_PAIRING_H_
#define MMGATE_STATS_PAIRING_H_

#include <string>
#include <vector>

#include "store/gate_run.h"
#include "store/store.h"

namespace mmgate::stats {

// An item's outcome is an error when its call failed or when it has no
// response at all (never run: the run was stopped or is still going). A
// never-run item is not a finished comparison, so it is counted as an error
// in that run rather than dropped silently; it stays paired, and the gate
// scores it as the worst outcome (or leaves it out with
// gate.errors_as_failures: false) exactly as it does a failed call.
bool Errored(const store::ItemResult& r);
inline bool Errored(const store::GateItem& r) {
  return !r.has_response || r.has_error;
}

// Item: store::ItemResult or store::GateItem.
template <typename Item>
struct ItemPair {
  const Item* baseline;
  const Item* candidate;
};

template <typename Item>
struct Pairing {
  // Items with the same (suite, id) and content hash in both runs, in the
  // baseline's order.
  std::vector<ItemPair<Item>> pairs;
  // "suite/id" of the items present in one run only or whose content changed
  // between the runs: the baseline's first in its order, then the
  // candidate's.
  std::vector<std::string> unmatched;
};

// Never fails; pointers refer into `baseline` and `candidate`, which must
// outlive the result. Pure function, safe to call from any thread. Items are
// looked up by (suite, id) views, so pairing builds no key strings; two runs
// listing the same items in the same order (the usual case) are paired
// position by position without a lookup. (suite, id) is unique within a run,
// as the store keeps it.
template <typename Item>
Pairing<Item> PairItems(const std::vector<Item>& baseline,
                        const std::vector<Item>& candidate);

extern template Pairing<store::ItemResult> PairItems(
    const std::vector<store::ItemResult>&,
    const std::vector<store::ItemResult>&);
extern template Pairing<store::GateItem> PairItems(
    const std::vector<store::GateItem>&, const std::vector<store::GateItem>&);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_PAIRING_H_
