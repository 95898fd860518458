// Gating a candidate pipeline against a baseline pipeline per stage, like
// slices: every blame unit's boundary (pass 1 / fail 0 per item) and the
// end-to-end outcome become strata of their own ("SUITE/STAGE",
// "SUITE/end_to_end", modality pipeline, binary metric `exact`), paired item
// by item and decided by gate::Evaluate (McNemar or the cluster bootstrap,
// weighted Holm across the family, the policy's margins and min_n), with the
// items' own slices gated inside each stage.
//
// Failure behaviour: runs of different suites or suite versions are refused
// (Invalid) as gate::Evaluate refuses them. Pure function of its inputs.
#ifndef MMGATE_PIPELINE_GATE_H_
#define MMGATE_PIPELINE_GATE_H_

#include "common/status.h"
#include "gate/evaluate.h"
#include "gate/policy.h"
#include "pipeline/run.h"

namespace mmgate::pipeline {

// The stored pipeline run as per-stage pass/fail rows the gate reads (both
// RunData::rows and RunData::items: the HTML report shows the items).
gate::RunData StageRunData(const StoredRun& run);

// The gate over both runs' stages, with the RunData it compared (for the
// Markdown, JUnit and HTML renderers of report/).
Result<gate::Evaluation> GateStages(const StoredRun& baseline,
                                    const StoredRun& candidate,
                                    const gate::Policy& policy);

// gate::RunExpander: the run's pipeline suites (modality pipeline) replaced
// by their per-stage strata, so `mmgate gate` on runs of `mmgate run` gates
// each stage like a slice. A run without pipeline suites is left as it is.
Status ExpandStages(store::Store* store, gate::RunData* run);

}  // namespace mmgate::pipeline

#endif  // MMGATE_PIPELINE_GATE_H_
