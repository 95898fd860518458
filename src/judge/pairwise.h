// `mmgate rescore CANDIDATE --judge --against BASELINE`: both stored runs are
// rescored (no call to the models under test); pairwise-judged suites compare
// each candidate answer with the baseline's answer to the same item in both
// orders (scorer.h's PairContext), score-mode judged suites are graded as in
// any rescore. Gate the two new runs to test the candidate's net preference;
// position flips are ties, counted in the tally and in the gate's reasons.
//
// Failure behaviour: as runner::Rescore, for either run. Not thread-safe.
#ifndef MMGATE_JUDGE_PAIRWISE_H_
#define MMGATE_JUDGE_PAIRWISE_H_

#include <memory>
#include <string>

#include "judge/scorer.h"
#include "runner/rescore.h"

namespace mmgate::judge {

struct PairRescore {
  runner::RescoreSummary candidate;
  runner::RescoreSummary baseline;
};

Result<PairRescore> RescoreAgainst(const config::Config& cfg,
                                   const std::string& candidate_run,
                                   const std::string& baseline_run,
                                   const runner::RescoreOptions& options,
                                   store::Store* store, Clock* clock,
                                   runner::ModelMaker make_model,
                                   std::shared_ptr<JudgeTally> tally);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_PAIRWISE_H_
