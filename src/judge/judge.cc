#include "judge/judge.h"

#include <fmt/format.h>

#include "common/hash.h"
#include "common/redact.h"

namespace mmgate::judge {
namespace {

// A judge model whose calls are always cacheable. A provider's own key is
// kept; a model that offers none (exec, whose answers under test are never
// cached because the user's command may change between runs) gets one from
// the judge's version, the prompt (which holds the rubric and answers) and
// the media bytes, so grading the same answers again (a second gate or
// rescore) asks the judge nothing. An exec judge whose script changed must
// say so in its version (`params: {version: ...}`).
class CachedJudgeModel final : public Model {
 public:
  explicit CachedJudgeModel(std::unique_ptr<Model> inner)
      : inner_(std::move(inner)) {}

  std::string Version() const override { return inner_->Version(); }
  Result<ModelResponse> Answer(const ModelRequest& request) override {
    return inner_->Answer(request);
  }
  void Issue(const ModelRequest& request, CompletionFn done) override {
    inner_->Issue(request, std::move(done));
  }
  int Concurrency() const override { return inner_->Concurrency(); }
  std::string CacheKey(const ModelRequest& request) const override {
    std::string own = inner_->CacheKey(request);
    if (!own.empty()) return own;
    Sha256 h;
    h.Feed("mmgate-judge-cache-v1")
        .Feed(inner_->Version())
        .Feed(request.prompt);
    for (const MediaRef& m : request.media) {
      h.Feed(m.type);
      // An unreadable file hashes as its path; the call then fails and
      // errors are never cached.
      if (!h.FeedFile(m.abs_path).ok()) h.Feed(m.path);
    }
    return h.HexDigest();
  }
  int64_t EstimateInputTokens(const ModelRequest& request) const override {
    return inner_->EstimateInputTokens(request);
  }
  std::vector<AttemptInfo> TakeAttempts() override {
    return inner_->TakeAttempts();
  }

 private:
  std::unique_ptr<Model> inner_;
};

}  // namespace

Judge::Judge(JudgeSetup setup, store::Store* store, Clock* clock,
             runner::ModelMaker make_model)
    : setup_(std::move(setup)),
      store_(store),
      clock_(clock),
      make_model_(std::move(make_model)) {}

Result<std::unique_ptr<Judge>> Judge::Create(JudgeSetup setup,
                                             store::Store* store, Clock* clock,
                                             runner::ModelMaker make_model) {
  std::unique_ptr<Judge> j(
      new Judge(std::move(setup), store, clock, std::move(make_model)));
  auto first = j->make_model_(j->setup_.spec);
  if (!first.ok())
    return first.status().WithContext("judge model " + j->setup_.name);
  j->version_ = (*first)->Version();
  j->pool_.push_back(std::make_unique<CachedJudgeModel>(std::move(*first)));
  return j;
}

std::unique_ptr<Model> Judge::Borrow() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!pool_.empty()) {
      std::unique_ptr<Model> m = std::move(pool_.back());
      pool_.pop_back();
      return m;
    }
  }
  auto made = make_model_(setup_.spec);
  if (!made.ok()) return nullptr;
  return std::make_unique<CachedJudgeModel>(std::move(*made));
}

void Judge::Return(std::unique_ptr<Model> m) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  pool_.push_back(std::move(m));
}

CallInfo Judge::Call(const Suite& suite, const Item& item,
                     const std::string& prompt,
                     const runner::ScoreHook& check) {
  CallInfo info;
  std::unique_ptr<Model> model = Borrow();
  if (!model) {
    info.error = "judge " + setup_.name + ": cannot make another instance";
    info.error_kind = "engine_error";
    return info;
  }
  Suite js;
  js.name = "judge:" + suite.name;
  js.modality = suite.modality;
  Item ji = item;
  ji.prompt = prompt;
  runner::ExecutorConfig cfg;
  cfg.run_id = setup_.run_id;
  cfg.model_version = version_;
  cfg.price = setup_.price;
  std::string seen;
  cfg.score = [&seen, &check](const Suite& s, const Item& i,
                              const std::string& reply) {
    seen = reply;
    return check(s, i, reply);
  };
  runner::ItemExecutor executor(std::move(cfg), store_, clock_);
  runner::ItemOutcome o = executor.Execute(js, ji, model.get());
  Return(std::move(model));
  const store::ResponseRecord& r = o.response;
  info.latency_ms = r.latency_ms;
  info.cost_usd = r.cost_usd;
  info.attempts = o.provider_attempts;
  info.input_tokens = r.input_tokens;
  info.output_tokens = r.output_tokens;
  info.cached = r.cached;
  // The reply is kept even when the verdict in it is unparsable.
  info.reply = r.answer ? *r.answer : seen;
  if (r.error) {
    info.error = *r.error;
    info.error_kind =
        r.error_kind == "score_error" ? "judge_unparsable" : r.error_kind;
  }
  if (!setup_.run_id.empty() || o.cache_entry) {
    std::vector<store::AttemptRecord> attempts;
    if (!setup_.run_id.empty()) attempts = o.attempts;
    Status st = store_->PutAttempts(setup_.run_id, attempts, o.cache_entry);
    if (!st.ok() && info.error.empty()) {
      info.error = "storing the judge's call: " + st.message();
      info.error_kind = "io_error";
    }
  }
  return info;
}

Judgement Judge::Score(const Suite& suite, const Item& item,
                       const std::string& answer) {
  Judgement out;
  const Rubric& rubric = setup_.rubric;
  // The check runs inside the executor, so an unparsable reply is that
  // call's score_error and the reply is still returned.
  auto check =
      [&rubric, &out](
          const Suite&, const Item&,
          const std::string& reply) -> Result<std::vector<store::ScoreRecord>> {
    auto v = ParseScoreVerdict(reply, rubric);
    if (!v.ok()) return v.status();
    out.verdict = *v;
    return std::vector<store::ScoreRecord>{
        {"verdict", rubric.Normalized(v->grade), 0, 1, ""}};
  };
  out.call = Call(suite, item, ScorePrompt(rubric, item, answer), check);
  if (!out.call.error.empty()) out.verdict.reset();
  if (out.call.error_kind == "judge_unparsable") {
    out.call.error = Redact("unparsable verdict: " + out.call.error);
  }
  return out;
}

PairJudgement Judge::Compare(const Suite& suite, const Item& item,
                             const std::string& baseline,
                             const std::string& candidate) {
  PairJudgement out;
  std::optional<PairVerdict>& v1 = out.first_verdict;
  std::optional<PairVerdict>& v2 = out.second_verdict;
  auto check = [](std::optional<PairVerdict>* into) {
    return [into](const Suite&, const Item&, const std::string& reply)
               -> Result<std::vector<store::ScoreRecord>> {
      auto v = ParsePairVerdict(reply);
      if (!v.ok()) return v.status();
      *into = *v;
      return std::vector<store::ScoreRecord>{{"preference", 0, 0, 1, ""}};
    };
  };
  const Rubric& r = setup_.rubric;
  out.first = Call(suite, item, PairwisePrompt(r, item, baseline, candidate),
                   check(&v1));
  out.second = Call(suite, item, PairwisePrompt(r, item, candidate, baseline),
                    check(&v2));
  if (!v1 || !v2 || !out.first.error.empty() || !out.second.error.empty())
    return out;
  // Candidate's view: first order shows it as B, second as A.
  auto score = [](Preference p, Preference candidate_is) {
    return p == Preference::kTie ? 0.5 : (p == candidate_is ? 1.0 : 0.0);
  };
  double s1 = score(v1->winner, Preference::kB);
  double s2 = score(v2->winner, Preference::kA);
  out.position_flip = s1 != s2;
  out.candidate_score = out.position_flip ? 0.5 : s1;
  return out;
}

nlohmann::json Judge::Describe(const ScoreVerdict& v) const {
  return {{"judge", setup_.name},         {"judge_version", version_},
          {"rubric", setup_.rubric.name}, {"rubric_hash", setup_.rubric.hash},
          {"grade", v.grade_name},        {"failure_modes", v.failure_modes},
          {"rationale", v.rationale}};
}

nlohmann::json Judge::Describe(const PairJudgement& p) const {
  auto rationale = [](const std::optional<PairVerdict>& v) {
    return v ? nlohmann::json(v->rationale) : nlohmann::json(nullptr);
  };
  return {{"judge", setup_.name},
          {"judge_version", version_},
          {"rubric", setup_.rubric.name},
          {"rubric_hash", setup_.rubric.hash},
          {"mode", "pairwise"},
          {"candidate_preference", p.candidate_score
                                       ? nlohmann::json(*p.candidate_score)
                                       : nlohmann::json(nullptr)},
          {"position_flip", p.position_flip},
          {"rationale_baseline_first", rationale(p.first_verdict)},
          {"rationale_candidate_first", rationale(p.second_verdict)}};
}

store::ExtraResponseRecord Judge::ToRecord(const Item& item, int64_t seq,
                                           const CallInfo& call,
                                           std::optional<double> value) const {
  store::ExtraResponseRecord r;
  r.item_id = item.id;
  r.kind = store::ResponseKind::kJudge;
  r.seq = seq;
  r.content_hash = item.content_hash;
  if (!call.reply.empty()) r.answer = call.reply;
  if (!call.error.empty()) r.error = call.error;
  r.error_kind = call.error_kind;
  r.latency_ms = call.latency_ms;
  r.model_version = version_ + " rubric:" + setup_.rubric.hash.substr(0, 16);
  r.input_tokens = call.input_tokens;
  r.output_tokens = call.output_tokens;
  r.cost_usd = call.cost_usd;
  r.value = value;
  r.created_ms = clock_->WallMillis();
  return r;
}

}  // namespace mmgate::judge
