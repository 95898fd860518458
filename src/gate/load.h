// Reading what the gate needs from disk: the policy from mmgate.yaml (and the
// `gate:` sections of its suites) and the runs from the results database.
#ifndef MMGATE_GATE_LOAD_H_
#define MMGATE_GATE_LOAD_H_

#include <string>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"
#include "store/store.h"

namespace mmgate::gate {

// Reads only the config files, not the datasets: gating needs the database.
Result<Policy> LoadPolicy(const std::string& mmgate_yaml);

Result<RunData> LoadRun(store::Store* store, const std::string& run_id);

// Failure counts per item over every run but `exclude` (the candidates).
Result<History> LoadHistory(store::Store* store,
                            const std::vector<std::string>& exclude);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_LOAD_H_
