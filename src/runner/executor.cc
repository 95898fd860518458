#include "runner/executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "common/hash.h"
#include "common/redact.h"
#include "ground/input_text.h"
#include "runner/caps.h"

namespace mmgate::runner {
namespace {

// Folds an item's answers, one per repeat, into its response: the first
// answer's scores, or with repeats the mean of each metric over them, the
// answers with their primary score, and whether they disagree.
class RepeatFold {
 public:
  explicit RepeatFold(int repeat) : repeat_(repeat) {}

  void Add(const std::string& answer, std::vector<store::ScoreRecord> these) {
    distinct_.insert(answer);
    // at(): a hook that returns fewer scores than before throws, and the
    // fence makes that the item's error.
    // A judge that could not grade leaves the answer without scores.
    repeats_.push_back(
        {{"answer", answer},
         {"value", these.empty() ? nlohmann::json(nullptr)
                                 : nlohmann::json(these[0].value)}});
    if (scores_.empty()) {
      scores_ = std::move(these);
      return;
    }
    // The gate compares each item's mean over its repeats.
    for (size_t m = 0; m < scores_.size(); ++m) {
      scores_[m].value += these.at(m).value;
      scores_[m].numerator += these.at(m).numerator;
      scores_[m].denominator += these.at(m).denominator;
    }
  }

  // An errored response keeps no answer and no score.
  void Finish(store::ResponseRecord* r, std::vector<store::ScoreRecord>* out) {
    if (r->error) {
      r->answer.reset();
      out->clear();
      return;
    }
    if (repeat_ > 1) {
      for (store::ScoreRecord& sc : scores_) {
        sc.value /= repeat_;
        sc.numerator /= repeat_;
        sc.denominator /= repeat_;
        sc.detail =
            fmt::format("mean of {} repeats; first: {}", repeat_, sc.detail);
      }
      r->flaky = distinct_.size() > 1;
      r->repeats_json = repeats_.dump();
    }
    *out = std::move(scores_);
  }

 private:
  int repeat_;
  std::vector<store::ScoreRecord> scores_;
  nlohmann::json repeats_ = nlohmann::json::array();
  std::set<std::string> distinct_;
};

// The answers a stored response holds: one, or one per repeat.
std::vector<std::string> StoredAnswers(const store::ResponseRecord& r) {
  if (r.n_repeats <= 1) return {*r.answer};
  std::vector<std::string> out;
  // A malformed row throws here; the caller's fence makes it the item's error.
  for (const nlohmann::json& rep : nlohmann::json::parse(r.repeats_json))
    out.push_back(rep.at("answer").get<std::string>());
  return out;
}

}  // namespace

std::string_view ErrorKind(StatusCode code) {
  switch (code) {
    case StatusCode::kCorrupt:
      return "corrupt_media";
    case StatusCode::kEngineError:
      return "engine_error";
    case StatusCode::kInvalidArgument:
      return "invalid_request";
    case StatusCode::kNotFound:
    case StatusCode::kIoError:
      return "io_error";
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
  }
  return kInternalErrorKind;
}

std::vector<std::string> MetricsFor(const Suite& suite, const Item& item) {
  std::vector<std::string> out{item.metric.empty() ? suite.metric
                                                   : item.metric};
  for (const std::string& m : suite.extra_metrics) {
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  return out;
}

ScoreHook MetricScorer(score::ScoreContext context) {
  return [context = std::move(context)](const Suite& suite, const Item& item,
                                        const std::string& answer)
             -> Result<std::vector<store::ScoreRecord>> {
    std::vector<store::ScoreRecord> scores;
    for (const std::string& metric : MetricsFor(suite, item)) {
      auto s = score::ScoreAnswer(metric, item, answer, suite.params, context);
      if (!s.ok())
        return Status(s.status().code(),
                      "scoring " + metric + ": " + s.status().message());
      scores.push_back(
          {metric, s->value, s->numerator, s->denominator, s->detail});
    }
    return scores;
  };
}

Result<ScoreHook> MakeScoreHook(const ScoreHookFactory& factory,
                                const std::string& run_id,
                                score::ScoreContext context) {
  if (factory) return factory(run_id, std::move(context));
  return MetricScorer(std::move(context));
}

score::ScoreContext RunScoreContext(
    const ProjectConfig& project, const std::vector<WorkItem>& items,
    score::ScoreContext given, std::unique_ptr<ground::InputTextCache>* cache) {
  if (given.input_text) return given;
  const bool grounding =
      std::any_of(items.begin(), items.end(), [](const WorkItem& w) {
        const auto metrics = MetricsFor(*w.suite, *w.item);
        return std::find(metrics.begin(), metrics.end(), "grounding") !=
               metrics.end();
      });
  if (!grounding) return given;
  return InputTextContext(project, std::move(given), cache);
}

score::ScoreContext InputTextContext(
    const ProjectConfig& project, score::ScoreContext given,
    std::unique_ptr<ground::InputTextCache>* cache) {
  *cache = std::make_unique<ground::InputTextCache>(
      (std::filesystem::path(project.base_dir) / ".mmgate" / "input_text")
          .string());
  given.input_text = [c = cache->get()](const Item& i) { return c->TextOf(i); };
  return given;
}

// One answer for a request: from the cache, or from the model with the
// attempts it took.
struct ItemExecutor::Call {
  Result<ModelResponse> answer = Status::Internal("not called");
  std::vector<AttemptInfo> attempts;
  bool cached = false;
  double latency_ms = 0;
};

ItemExecutor::ItemExecutor(ExecutorConfig config, store::Store* store,
                           Clock* clock)
    : config_(std::move(config)), store_(store), clock_(clock) {
  config_.repeat = std::max(1, config_.repeat);
  if (!config_.score) config_.score = MetricScorer({});
}

ItemExecutor::Call ItemExecutor::CallModel(Model* model,
                                           const ModelRequest& req,
                                           const std::string& key,
                                           ItemOutcome* out) {
  Call c;
  auto t0 = clock_->Monotonic();
  std::optional<store::CacheEntry> hit;
  if (!key.empty()) {
    std::lock_guard<std::mutex> lock(store_mu_);
    auto found = store_->GetCached(key);
    if (!found.ok()) {
      if (out->store_status.ok()) out->store_status = found.status();
    } else if (found->has_value() &&
               (*found)->model_version == config_.model_version) {
      hit = std::move(*found);
    }
  }
  if (hit) {
    c.answer = ModelResponse{
        hit->answer, hit->input_tokens,  hit->output_tokens,
        -1,          hit->template_hash, static_cast<int>(hit->schema_valid)};
    c.cached = true;
  } else {
    c.answer = model->Answer(req);
    c.attempts = model->TakeAttempts();
  }
  c.latency_ms =
      std::chrono::duration<double, std::milli>(clock_->Monotonic() - t0)
          .count();
  return c;
}

// Attempts as stored, priced; the response gets their totals (cost per query
// includes retries; tokens are those billed over all attempts).
std::vector<store::AttemptRecord> ItemExecutor::RecordAttempts(
    const std::vector<AttemptInfo>& attempts, const Suite& suite,
    const Item& item, store::ResponseRecord* r) {
  std::vector<store::AttemptRecord> out;
  int64_t in = 0, out_tokens = 0;
  bool reported = false;
  for (const AttemptInfo& a : attempts) {
    store::AttemptRecord rec{
        suite.name,          item.id,         a.number,        a.http_status,
        a.error_kind,        Redact(a.error), a.latency_ms,    a.ttft_ms,
        a.wait_ms,           a.input_tokens,  a.output_tokens, 0,
        clock_->WallMillis()};
    if (config_.price)
      rec.cost_usd = config_.price->Cost(a.input_tokens, a.output_tokens);
    if (a.input_tokens >= 0 || a.output_tokens >= 0) {
      reported = true;
      in += std::max<int64_t>(a.input_tokens, 0);
      out_tokens += std::max<int64_t>(a.output_tokens, 0);
    }
    r->cost_usd += rec.cost_usd;
    out.push_back(std::move(rec));
  }
  r->n_attempts = static_cast<int64_t>(attempts.size());
  if (reported) {
    r->input_tokens = in;
    r->output_tokens = out_tokens;
  }
  return out;
}

std::optional<store::CacheEntry> ItemExecutor::CacheEntryFor(
    const Call& c, const std::string& key) {
  if (!c.answer.ok() || c.cached || key.empty() || !c.answer->media.empty())
    return std::nullopt;
  return store::CacheEntry{key,
                           config_.model_version,
                           c.answer->answer,
                           c.answer->input_tokens,
                           c.answer->output_tokens,
                           c.answer->template_hash,
                           c.answer->schema_valid,
                           clock_->WallMillis()};
}

void ItemExecutor::ExecuteUnfenced(const Suite& suite, const Item& item,
                                   Model* model, ItemOutcome* out) {
  const int repeat = config_.repeat;
  store::ResponseRecord& r = out->response;
  if (!config_.caps.empty()) {
    std::string over = CapViolation(item, CapsFor(config_.caps, item.modality));
    if (!over.empty()) {
      r.error = std::move(over);
      r.error_kind = kOverCapErrorKind;
      r.created_ms = clock_->WallMillis();
      return;
    }
  }
  ModelRequest req{item.id, item.modality, item.prompt, item.media};
  const std::string base_key = model->CacheKey(req);
  RepeatFold fold(repeat);
  int64_t in = 0, out_tokens = 0;
  bool tokens = false, all_cached = true;
  for (int k = 0; k < repeat; ++k) {
    // Each repeat is its own call with its own cache entry, so a resumed
    // run pays for none it already has.
    std::string key = base_key.empty() || k == 0
                          ? base_key
                          : Sha256Hex(base_key + "#repeat" + std::to_string(k));
    Call c = CallModel(model, req, key, out);
    store::ResponseRecord part;
    std::vector<store::AttemptRecord> attempts =
        RecordAttempts(c.attempts, suite, item, &part);
    r.latency_ms += c.latency_ms;
    r.cost_usd += part.cost_usd;
    r.n_attempts += part.n_attempts;
    out->provider_attempts += static_cast<int64_t>(attempts.size());
    if (c.cached) ++out->cache_hits;
    all_cached = all_cached && c.cached;
    if (c.answer.ok()) {
      bool billed = part.input_tokens >= 0 || part.output_tokens >= 0;
      int64_t i = billed ? part.input_tokens : c.answer->input_tokens;
      int64_t o = billed ? part.output_tokens : c.answer->output_tokens;
      if (i >= 0 || o >= 0) tokens = true;
      in += std::max<int64_t>(i, 0);
      out_tokens += std::max<int64_t>(o, 0);
    }
    if (repeat == 1) {
      out->attempts = std::move(attempts);
      out->cache_entry = CacheEntryFor(c, key);
    } else {
      auto e = CacheEntryFor(c, key);
      std::lock_guard<std::mutex> lock(store_mu_);
      Status st = store_->PutAttempts(config_.run_id, attempts, e);
      if (!st.ok() && out->store_status.ok()) out->store_status = st;
    }
    if (!c.answer.ok()) {
      r.error = Redact(c.answer.status().message());
      r.error_kind = ErrorKind(c.answer.status().code());
      if (!c.attempts.empty() && !c.attempts.back().error_kind.empty())
        r.error_kind = c.attempts.back().error_kind;
      if (repeat > 1)
        r.error = fmt::format("repeat {} of {}: {}", k + 1, repeat, *r.error);
      break;
    }
    auto these = config_.score(suite, item, c.answer->answer);
    if (!these.ok()) {
      r.error = these.status().message();
      r.error_kind = "score_error";
      break;
    }
    fold.Add(c.answer->answer, std::move(*these));
    if (k == 0) {
      out->media = std::move(c.answer->media);
      r.answer = c.answer->answer;
      r.ttft_ms = c.answer->ttft_ms;
      r.template_hash = c.answer->template_hash;
      r.schema_valid = c.answer->schema_valid;
    }
  }
  r.created_ms = clock_->WallMillis();
  r.cached = all_cached;
  if (tokens) {
    r.input_tokens = in;
    r.output_tokens = out_tokens;
  }
  fold.Finish(&r, &out->scores);
}

ItemOutcome ItemExecutor::Fenced(const Suite& suite, const Item& item,
                                 const std::function<void(ItemOutcome*)>& work,
                                 Model* model) {
  ItemOutcome out;
  store::ResponseRecord& r = out.response;
  r.suite = suite.name;
  r.item_id = item.id;
  r.content_hash = item.content_hash;
  r.model_version = config_.model_version;
  r.n_repeats = config_.repeat;
  std::string what;
  try {
    work(&out);
    return out;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  // What the item had already cost stays recorded; what it produced does not.
  if (model != nullptr) {
    try {
      store::ResponseRecord part;
      std::vector<store::AttemptRecord> more =
          RecordAttempts(model->TakeAttempts(), suite, item, &part);
      out.provider_attempts += part.n_attempts;
      r.n_attempts += part.n_attempts;
      r.cost_usd += part.cost_usd;
      for (store::AttemptRecord& a : more) out.attempts.push_back(std::move(a));
    } catch (...) {
      // The model is past answering for its attempts; the error stands.
    }
  }
  r.answer.reset();
  r.error = Redact(fmt::format("item {}: internal error: {}", item.id, what));
  r.error_kind = kInternalErrorKind;
  r.flaky = false;
  r.repeats_json.clear();
  r.created_ms = clock_->WallMillis();
  out.scores.clear();
  return out;
}

ItemOutcome ItemExecutor::Execute(const Suite& suite, const Item& item,
                                  Model* model) {
  return Fenced(
      suite, item,
      [&](ItemOutcome* out) { ExecuteUnfenced(suite, item, model, out); },
      model);
}

ItemOutcome ItemExecutor::Rescore(const Suite& suite, const Item& item,
                                  const store::ResponseRecord& stored) {
  // The copy comes first: if scoring throws, the fence keeps the stored
  // cost, latency and tokens.
  return Fenced(
      suite, item,
      [&](ItemOutcome* o) {
        o->response = stored;
        if (stored.error || !stored.answer) return;
        store::ResponseRecord& r = o->response;
        const std::vector<std::string> answers = StoredAnswers(stored);
        RepeatFold fold(static_cast<int>(answers.size()));
        for (const std::string& answer : answers) {
          auto these = config_.score(suite, item, answer);
          if (!these.ok()) {
            r.error = these.status().message();
            r.error_kind = "score_error";
            break;
          }
          fold.Add(answer, std::move(*these));
        }
        r.flaky = false;
        r.repeats_json.clear();
        fold.Finish(&r, &o->scores);
      },
      nullptr);
}

Status ItemExecutor::Write(const ItemOutcome& o) {
  std::lock_guard<std::mutex> lock(store_mu_);
  try {
    return store_->PutResult(config_.run_id, o.response, o.scores, o.attempts,
                             o.cache_entry);
  } catch (const std::exception& e) {
    store::ResponseRecord r = o.response;
    r.answer.reset();
    r.error =
        Redact(fmt::format("item {}: internal error: {}", r.item_id, e.what()));
    r.error_kind = kInternalErrorKind;
    r.repeats_json.clear();
    return store_->PutResult(config_.run_id, r, {}, o.attempts, std::nullopt);
  }
}

}  // namespace mmgate::runner
