// Evaluating stored runs under the config's gate policy: the baseline, the
// history of earlier runs and each candidate from the results database, each
// candidate gated against the baseline (Evaluate), the ones that pass ranked
// (Rank), and the overall verdict.
#ifndef MMGATE_GATE_EVALUATE_H_
#define MMGATE_GATE_EVALUATE_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "gate/gate.h"
#include "gate/load.h"
#include "store/store.h"

namespace mmgate::gate {

// Several candidates (gate-then-rank): `ranking` holds indices of the ones
// that passed, best first. With one candidate it is empty or {0}.
struct GateOutcome {
  std::vector<GateResult> results;
  std::vector<size_t> ranking;
  Verdict verdict = Verdict::kPass;
};

// A gate outcome with the runs it compared.
struct Evaluation {
  GateOutcome outcome;
  RunData baseline;
  std::vector<RunData> candidates;  // parallel to outcome.results
};

// Rewrites a run as read from the store before it is gated (pipeline suites
// become their per-stage strata: pipeline/gate.h); an error stops the gate.
using RunExpander = std::function<Status(store::Store*, RunData*)>;

// Gates each candidate against the baseline under `policy` (the config's) and
// ranks the ones that pass; `expand`, when set, rewrites every run first.
// `detail` is what is read of each item (load.h): the whole rows by default,
// for callers that show prompts and references. A
// database or unknown-run error, or a refused comparison (Evaluate), is
// returned with the runs as context. Reads the store only (the candidates
// on a thread of its own while the baseline is read: store.h allows it);
// safe to call concurrently. `expand` is called on the caller's thread.
Result<Evaluation> EvaluateRuns(const Policy& policy, store::Store* store,
                                const std::string& baseline,
                                const std::vector<std::string>& candidates,
                                const RunExpander& expand = {},
                                ItemDetail detail = ItemDetail::kFull);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_EVALUATE_H_
