#include "judge/scorer.h"

#include <map>

#include "judge/judge.h"
#include "score/metrics.h"

namespace mmgate::judge {
namespace {

using Judges = std::map<std::string, std::shared_ptr<Judge>>;

Result<Judges> MakeJudges(const config::Config& cfg, const std::string& run_id,
                          store::Store* store, Clock* clock,
                          const runner::ModelMaker& make_model, bool pairs) {
  Judges judges;
  for (const Suite& s : cfg.project.suites) {
    if (!s.judge) continue;
    // A pairwise judge compares two runs: one run's answers wait for
    // `gate` (or `rescore --against`) to compare them.
    if (s.judge->mode == "pairwise" && !pairs) continue;
    JudgeSetup setup;
    setup.name = s.judge->model;
    setup.spec = cfg.project.models.at(s.judge->model);
    setup.rubric = cfg.rubrics.at(s.name);
    auto price = cfg.project.prices.find(s.judge->model);
    if (price != cfg.project.prices.end()) setup.price = price->second;
    setup.run_id = run_id;
    auto j = Judge::Create(std::move(setup), store, clock, make_model);
    if (!j.ok()) return j.status().WithContext("suite " + s.name);
    judges[s.name] = std::move(*j);
  }
  return judges;
}

// One answer graded against the other run's: the candidate's preference, or
// its complement for the baseline's copy; unset when unscored.
std::optional<double> GradePair(Judge& j, const Suite& suite, const Item& item,
                                const std::string& answer,
                                const PairContext& pair,
                                const std::string& run_id, store::Store* store,
                                JudgeTally* tally, std::string* detail,
                                Status* st) {
  auto other = pair.other.find({suite.name, item.id});
  if (other == pair.other.end()) {
    if (tally) tally->Add(false, 0, 0, false);
    return std::nullopt;
  }
  const std::string& base = pair.candidate ? other->second : answer;
  const std::string& cand = pair.candidate ? answer : other->second;
  PairJudgement p = j.Compare(suite, item, base, cand);
  std::optional<double> value;
  if (p.candidate_score)
    value = pair.candidate ? *p.candidate_score : 1 - *p.candidate_score;
  std::vector<store::ExtraResponseRecord> recs = {
      j.ToRecord(item, 0, p.first, value),
      j.ToRecord(item, 1, p.second, value)};
  for (store::ExtraResponseRecord& r : recs) r.suite = suite.name;
  *st = store->PutExtraResponses(run_id, recs);
  if (tally) {
    tally->Add(value.has_value(), p.first.cost_usd + p.second.cost_usd,
               p.first.attempts + p.second.attempts,
               p.first.cached && p.second.cached);
    if (p.position_flip) tally->AddFlip();
  }
  nlohmann::json d = j.Describe(p);
  d["role"] = pair.candidate ? "candidate" : "baseline";
  *detail = d.dump();
  return value;
}

}  // namespace

void JudgeTally::AddFlip() {
  std::lock_guard<std::mutex> lock(mu_);
  ++flips_;
}
int64_t JudgeTally::flips() const {
  std::lock_guard<std::mutex> lock(mu_);
  return flips_;
}

void JudgeTally::Add(bool graded, double cost_usd, int64_t attempts,
                     bool cached) {
  std::lock_guard<std::mutex> lock(mu_);
  (graded ? graded_ : unscored_) += 1;
  cost_usd_ += cost_usd;
  attempts_ += attempts;
  cached_ += cached;
}
int64_t JudgeTally::graded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return graded_;
}
int64_t JudgeTally::unscored() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unscored_;
}
int64_t JudgeTally::attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}
int64_t JudgeTally::cached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cached_;
}
double JudgeTally::cost_usd() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cost_usd_;
}

bool HasJudges(const config::Config& cfg) {
  for (const Suite& s : cfg.project.suites)
    if (s.judge) return true;
  return false;
}

runner::ScoreHookFactory JudgeScoring(const config::Config& cfg,
                                      store::Store* store, Clock* clock,
                                      runner::ModelMaker make_model,
                                      std::shared_ptr<JudgeTally> tally,
                                      std::shared_ptr<const PairContext> pair) {
  return [&cfg, store, clock, make_model, tally, pair](
             const std::string& run_id,
             score::ScoreContext context) -> Result<runner::ScoreHook> {
    auto made =
        MakeJudges(cfg, run_id, store, clock, make_model, pair != nullptr);
    if (!made.ok()) return made.status();
    auto judges = std::make_shared<Judges>(std::move(*made));
    return runner::ScoreHook([judges, context, store, run_id, tally, pair](
                                 const Suite& suite, const Item& item,
                                 const std::string& answer)
                                 -> Result<std::vector<store::ScoreRecord>> {
      std::vector<store::ScoreRecord> scores;
      for (const std::string& metric : runner::MetricsFor(suite, item)) {
        if (metric != "judge") {
          auto s =
              score::ScoreAnswer(metric, item, answer, suite.params, context);
          if (!s.ok())
            return Status(s.status().code(),
                          "scoring " + metric + ": " + s.status().message());
          scores.push_back(
              {metric, s->value, s->numerator, s->denominator, s->detail});
          continue;
        }
        auto j = judges->find(suite.name);
        if (j == judges->end() && suite.judge &&
            suite.judge->mode == "pairwise")
          continue;  // unscored until compared with another run
        if (j == judges->end())
          return Status::Invalid("scoring judge: suite '" + suite.name +
                                 "' has no judge");
        if (suite.judge && suite.judge->mode == "pairwise") {
          std::string detail;
          Status st;
          auto v = GradePair(*j->second, suite, item, answer, *pair, run_id,
                             store, tally.get(), &detail, &st);
          if (!st.ok()) return st.WithContext("storing the judge's calls");
          if (v) scores.push_back({"judge", *v, *v, 1, detail});
          continue;
        }
        Judgement g = j->second->Score(suite, item, answer);
        std::optional<double> value;
        if (g.verdict) value = j->second->rubric().Normalized(g.verdict->grade);
        store::ExtraResponseRecord rec =
            j->second->ToRecord(item, 0, g.call, value);
        rec.suite = suite.name;
        Status st = store->PutExtraResponses(run_id, {rec});
        if (!st.ok()) return st.WithContext("storing the judge's call");
        if (tally)
          tally->Add(value.has_value(), g.call.cost_usd, g.call.attempts,
                     g.call.cached);
        if (value)
          scores.push_back({"judge", *value, *value, 1,
                            j->second->Describe(*g.verdict).dump()});
      }
      return scores;
    });
  };
}

}  // namespace mmgate::judge
