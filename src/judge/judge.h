// A judge: a configured model (openai, anthropic, gemini, exec, or the local
// rules judge) that grades answers on a rubric. Every call goes through the
// item executor (runner/executor.h): the response cache, the provider's
// retries and the pricing of every attempt are the run's own. The judge's
// attempts are stored under the suite name "judge:SUITE" so they stay apart
// from the model under test's; its cache entries carry its own version.
// Every judge call is cacheable, also with a model that has no cache key of
// its own (exec): then the key is the judge's version, prompt and media.
//
// Thread-safety: Score() and Compare() may be called from many threads; each
// call borrows a model instance from a pool (models are single-threaded).
// Failure behaviour: a failed call or an unparsable verdict is a Judgement
// without a verdict (the item stays unscored) with the reason; only making
// the first model instance fails Create().
#ifndef MMGATE_JUDGE_JUDGE_H_
#define MMGATE_JUDGE_JUDGE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/prices.h"
#include "dataset/item.h"
#include "judge/prompt.h"
#include "judge/rubric.h"
#include "runner/executor.h"
#include "runner/runner.h"
#include "store/store.h"

namespace mmgate::judge {

// What one judge call cost and returned.
struct CallInfo {
  std::string reply;       // the judge's raw reply (empty on a failed call)
  std::string error;       // why there is no verdict; empty with one
  std::string error_kind;  // "judge_unparsable" or the call's error kind
  double latency_ms = 0;
  double cost_usd = 0;
  int64_t attempts = 0;
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  bool cached = false;
};

struct Judgement {
  std::optional<ScoreVerdict> verdict;  // unset: unscored
  CallInfo call;
};

// Pairwise: the judge saw (baseline, candidate) and (candidate, baseline).
struct PairJudgement {
  // Candidate against baseline: 1 better, 0.5 tie, 0 worse; unset when
  // either order had no verdict.
  std::optional<double> candidate_score;
  bool position_flip = false;  // the orders disagreed: counted as a tie
  CallInfo first, second;      // (baseline, candidate), then swapped
  std::optional<PairVerdict> first_verdict, second_verdict;
};

struct JudgeSetup {
  std::string name;  // the judge model's name in mmgate.yaml
  ModelSpec spec;
  Rubric rubric;
  std::optional<Price> price;
  std::string run_id;  // where attempts are recorded ("" for none)
};

class Judge {
 public:
  static Result<std::unique_ptr<Judge>> Create(JudgeSetup setup,
                                               store::Store* store,
                                               Clock* clock,
                                               runner::ModelMaker make_model);

  const std::string& name() const { return setup_.name; }
  const std::string& version() const { return version_; }
  const Rubric& rubric() const { return setup_.rubric; }

  Judgement Score(const Suite& suite, const Item& item,
                  const std::string& answer);
  PairJudgement Compare(const Suite& suite, const Item& item,
                        const std::string& baseline,
                        const std::string& candidate);

  // What is stored with a judgement: judge, version, rubric hash, grade,
  // failure modes and rationale (the score's detail).
  nlohmann::json Describe(const ScoreVerdict& v) const;
  nlohmann::json Describe(const PairJudgement& p) const;
  // The judge call as an extra response of the item (kind judge).
  store::ExtraResponseRecord ToRecord(const Item& item, int64_t seq,
                                      const CallInfo& call,
                                      std::optional<double> value) const;

 private:
  Judge(JudgeSetup setup, store::Store* store, Clock* clock,
        runner::ModelMaker make_model);
  // One call through the executor; the reply is checked by `check`.
  CallInfo Call(const Suite& suite, const Item& item, const std::string& prompt,
                const runner::ScoreHook& check);
  std::unique_ptr<Model> Borrow();
  void Return(std::unique_ptr<Model> m);

  JudgeSetup setup_;
  store::Store* store_;
  Clock* clock_;
  runner::ModelMaker make_model_;
  std::string version_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Model>> pool_;
};

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_JUDGE_H_
