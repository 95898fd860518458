// Judge-scored suites in a run or a rescore: the scoring hook that grades
// each answer of a suite with `metric: judge` (or judge among its metrics)
// through the suite's judge, computes the suite's other metrics as usual,
// and stores each judge call as an extra response (kind judge) of the item.
// The score's detail holds the judge, its version, the rubric hash, grade,
// failure modes and rationale — apart from the model under test's response.
// An answer without a verdict (unparsable reply, failed judge call) gets no
// `judge` score: it stays unscored, counted in the tally and by the gate,
// never wrong.
//
// Thread-safety: the hook may be called from every worker at once; the
// tally is shared and locked.
#ifndef MMGATE_JUDGE_SCORER_H_
#define MMGATE_JUDGE_SCORER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.h"
#include "config/config.h"
#include "runner/executor.h"
#include "runner/runner.h"
#include "store/store.h"

namespace mmgate::judge {

// What the judges did in one run or rescore.
class JudgeTally {
 public:
  void Add(bool graded, double cost_usd, int64_t attempts, bool cached);
  void AddFlip();  // a pairwise verdict that flipped with the order
  int64_t flips() const;
  int64_t graded() const;
  int64_t unscored() const;
  int64_t attempts() const;
  int64_t cached() const;
  double cost_usd() const;

 private:
  mutable std::mutex mu_;
  int64_t graded_ = 0, unscored_ = 0, attempts_ = 0, cached_ = 0, flips_ = 0;
  double cost_usd_ = 0;
};

// `rescore CANDIDATE --judge --against BASELINE`: pairwise suites compare
// each answer with the other run's answer to the same item, in both orders.
// The candidate's copy scores its preference (1 better, 0.5 tie or position
// flip, 0 worse), the baseline's copy 1 minus it, so the gate's paired delta
// is the candidate's net preference.
struct PairContext {
  // (suite, item id) -> the other run's answer.
  std::map<std::pair<std::string, std::string>, std::string> other;
  bool candidate = true;  // the run being rescored is the candidate
};

// True when any suite of the project is judge-scored.
bool HasJudges(const config::Config& cfg);

// The hook factory for RunOptions/RescoreOptions::score_hook. A pairwise
// judge cannot grade one run alone: without `pair`, a pairwise-mode suite's
// answers are left without a judge score until `gate` (or `rescore
// --against`) compares the two runs. `cfg`, `store`, `clock`
// and `tally` must outlive the hooks made.
runner::ScoreHookFactory JudgeScoring(
    const config::Config& cfg, store::Store* store, Clock* clock,
    runner::ModelMaker make_model, std::shared_ptr<JudgeTally> tally,
    std::shared_ptr<const PairContext> pair = nullptr);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_SCORER_H_
