#include "judge/pairwise.h"

namespace mmgate::judge {
namespace {

Result<std::shared_ptr<PairContext>> AnswersOf(store::Store* store,
                                               const std::string& run,
                                               bool candidate) {
  auto results = store->LoadResults(run);
  if (!results.ok()) return results.status();
  auto pair = std::make_shared<PairContext>();
  pair->candidate = candidate;
  for (const store::ItemResult& r : *results)
    if (r.response && r.response->answer && !r.response->error)
      pair->other[{r.item.suite, r.item.item_id}] = *r.response->answer;
  return pair;
}

}  // namespace

Result<PairRescore> RescoreAgainst(const config::Config& cfg,
                                   const std::string& candidate_run,
                                   const std::string& baseline_run,
                                   const runner::RescoreOptions& options,
                                   store::Store* store, Clock* clock,
                                   runner::ModelMaker make_model,
                                   std::shared_ptr<JudgeTally> tally) {
  if (!options.run_id.empty())
    return Status::Invalid(
        "--run-id names one run; --against makes two (ids are chosen)");
  auto base_answers = AnswersOf(store, baseline_run, true);
  if (!base_answers.ok()) return base_answers.status();
  auto cand_answers = AnswersOf(store, candidate_run, false);
  if (!cand_answers.ok()) return cand_answers.status();
  PairRescore out;
  runner::RescoreOptions opt = options;
  opt.score_hook =
      JudgeScoring(cfg, store, clock, make_model, tally, *base_answers);
  auto c = runner::Rescore(cfg.project, candidate_run, opt, store, clock);
  if (!c.ok()) return c.status().WithContext("rescoring " + candidate_run);
  out.candidate = std::move(*c);
  // The baseline's copy repeats the same judge calls: all from the cache.
  opt.score_hook =
      JudgeScoring(cfg, store, clock, make_model, nullptr, *cand_answers);
  auto b = runner::Rescore(cfg.project, baseline_run, opt, store, clock);
  if (!b.ok()) return b.status().WithContext("rescoring " + baseline_run);
  out.baseline = std::move(*b);
  return out;
}

}  // namespace mmgate::judge
