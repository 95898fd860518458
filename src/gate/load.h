// Reading what the gate needs from the results database: the runs and the
// failure history. The policy comes from the config (config/config.h).
#ifndef MMGATE_GATE_LOAD_H_
#define MMGATE_GATE_LOAD_H_

#include <string>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"
#include "store/store.h"

namespace mmgate::gate {

// What LoadRun reads of each item: what the gate reads (RunData::rows,
// Store::LoadGateRun: no prompts, references, media or repeats), or also
// every column (RunData::items: the HTML report shows the failing items'
// prompts).
enum class ItemDetail { kGate, kFull };

Result<RunData> LoadRun(store::Store* store, const std::string& run_id,
                        ItemDetail detail = ItemDetail::kGate);

// Failure counts per item over the runs independent of `compared` (the
// baseline and the candidates): not one of them, not a rescore in their
// lineage (Store::Outcomes), not a run of the same model version. A run and
// its rescores count once.
Result<History> LoadHistory(store::Store* store,
                            const std::vector<std::string>& compared);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_LOAD_H_
