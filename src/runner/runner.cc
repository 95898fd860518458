#include "runner/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/hash.h"
#include "common/prices.h"
#include "common/redact.h"
#include "ground/input_text.h"
#include "runner/progress.h"
#include "score/metrics.h"

namespace mmgate::runner {
namespace {

using nlohmann::json;

// The model's configuration as stored with the run: values that could hold
// secrets never reach the database.
std::string RedactedSpec(const ModelSpec& spec) {
  json j = spec.params;
  j["provider"] = spec.provider;
  for (auto it = j.begin(); it != j.end();) {
    std::string k = it.key();
    std::transform(k.begin(), k.end(), k.begin(), ::tolower);
    bool secret = k == "env" || k == "headers" || k == "api_key" ||
                  k.find("secret") != std::string::npos ||
                  k.find("password") != std::string::npos ||
                  k.find("token") != std::string::npos;
    it = secret ? j.erase(it) : std::next(it);
  }
  return Redact(j.dump());
}

std::string NewRunId(const std::string& model, Clock* clock) {
  std::time_t t = static_cast<std::time_t>(clock->WallMillis() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return model + "-" + buf;
}

store::ItemRecord ToRecord(const Suite& s, const Item& it) {
  json media = json::array();
  for (const MediaRef& m : it.media)
    media.push_back({{"type", m.type}, {"path", m.path}});
  json ref =
      it.references.size() == 1 ? json(it.references[0]) : json(it.references);
  return store::ItemRecord{s.name,
                           it.id,
                           it.content_hash,
                           it.modality,
                           MetricsFor(s, it)[0],
                           it.group,
                           it.expect,
                           it.slices,
                           ref.dump(),
                           it.prompt,
                           media.dump(),
                           it.line};
}

// Ids of invalid lines: the id they carried if it is free, else one naming the
// line.
std::string ProblemId(const ItemProblem& p,
                      const std::set<std::string>& taken) {
  if (!p.item_id.empty() && !taken.count(p.item_id)) return p.item_id;
  std::string base = p.item_id.empty() ? "line" : p.item_id + "@line";
  return fmt::format("{}-{}", base, p.line);
}

struct WorkItem {
  const Suite* suite;
  const Item* item;
};

struct Shared {
  std::mutex mu;  // guards the store and the counters below
  store::Store* store;
  score::ScoreContext score_context;  // thread-safe: read by every worker
  Status fatal;
  int64_t done = 0;
  int64_t errors = 0;
  int64_t attempts = 0;
  int64_t cache_hits = 0;
  double cost_usd = 0;
  int64_t schema_checked = 0;
  int64_t schema_valid = 0;
  std::vector<std::string> flaky;
};

// What every item of a run shares.
struct RunContext {
  std::string version;
  std::string run_id;
  std::optional<Price> price;  // from the config's prices: table
  int repeat;                  // calls per item (--repeat)
  Clock* clock;
  Shared* shared;
};

// Looks the request up in the response cache; a hit fills `answer`.
bool FromCache(const std::string& key, const RunContext& ctx,
               ModelResponse* answer) {
  if (key.empty()) return false;
  std::lock_guard<std::mutex> lock(ctx.shared->mu);
  auto hit = ctx.shared->store->GetCached(key);
  if (!hit.ok()) {
    if (ctx.shared->fatal.ok()) ctx.shared->fatal = hit.status();
    return false;
  }
  if (!hit->has_value() || (*hit)->model_version != ctx.version) return false;
  answer->answer = (*hit)->answer;
  answer->input_tokens = (*hit)->input_tokens;
  answer->output_tokens = (*hit)->output_tokens;
  answer->template_hash = (*hit)->template_hash;
  answer->schema_valid = (*hit)->schema_valid;
  return true;
}

// Attempts as stored, priced; the response gets their totals (cost per query
// includes retries; tokens are those billed over all attempts).
std::vector<store::AttemptRecord> RecordAttempts(
    const std::vector<AttemptInfo>& attempts, const WorkItem& w,
    const RunContext& ctx, store::ResponseRecord* r) {
  std::vector<store::AttemptRecord> out;
  int64_t in = 0, out_tokens = 0;
  bool reported = false;
  for (const AttemptInfo& a : attempts) {
    store::AttemptRecord rec{
        w.suite->name,          w.item->id,      a.number,
        a.http_status,          a.error_kind,    Redact(a.error),
        a.latency_ms,           a.ttft_ms,       a.wait_ms,
        a.input_tokens,         a.output_tokens, 0,
        ctx.clock->WallMillis()};
    if (ctx.price)
      rec.cost_usd = ctx.price->Cost(a.input_tokens, a.output_tokens);
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

// One answer for a request: from the cache, or from the model with the
// attempts it took.
struct Call {
  Result<ModelResponse> answer = Status::Internal("not called");
  std::vector<AttemptInfo> attempts;
  bool cached = false;
  double latency_ms = 0;
};

Call CallModel(Model* model, const ModelRequest& req, const std::string& key,
               const RunContext& ctx) {
  Call c;
  ModelResponse hit;
  auto t0 = ctx.clock->Monotonic();
  if (FromCache(key, ctx, &hit)) {
    c.answer = hit;
    c.cached = true;
  } else {
    c.answer = model->Answer(req);
    c.attempts = model->TakeAttempts();
  }
  c.latency_ms =
      std::chrono::duration<double, std::milli>(ctx.clock->Monotonic() - t0)
          .count();
  return c;
}

std::optional<store::CacheEntry> CacheEntryFor(const Call& c,
                                               const std::string& key,
                                               const RunContext& ctx) {
  if (!c.answer.ok() || c.cached || key.empty()) return std::nullopt;
  return store::CacheEntry{key,
                           ctx.version,
                           c.answer->answer,
                           c.answer->input_tokens,
                           c.answer->output_tokens,
                           c.answer->template_hash,
                           c.answer->schema_valid,
                           ctx.clock->WallMillis()};
}

// Scores one answer with every metric of the item; an error message if a
// metric cannot.
std::optional<std::string> ScoreAll(const WorkItem& w,
                                    const std::string& answer,
                                    const score::ScoreContext& context,
                                    std::vector<store::ScoreRecord>* scores) {
  for (const std::string& metric : MetricsFor(*w.suite, *w.item)) {
    auto s =
        score::ScoreAnswer(metric, *w.item, answer, w.suite->params, context);
    if (!s.ok()) {
      scores->clear();
      return "scoring " + metric + ": " + s.status().message();
    }
    scores->push_back(
        {metric, s->value, s->numerator, s->denominator, s->detail});
  }
  return std::nullopt;
}

void Record(const RunContext& ctx, const std::function<Status()>& write,
            int64_t attempts, double cost, bool cached) {
  std::lock_guard<std::mutex> lock(ctx.shared->mu);
  Status st = write();
  if (!st.ok() && ctx.shared->fatal.ok()) ctx.shared->fatal = st;
  ctx.shared->attempts += attempts;
  ctx.shared->cost_usd += cost;
  if (cached) ++ctx.shared->cache_hits;
}

void Process(const WorkItem& w, Model* model, const RunContext& ctx) {
  const Item& item = *w.item;
  ModelRequest req{item.id, item.modality, item.prompt, item.media};
  const std::string base_key = model->CacheKey(req);
  store::ResponseRecord r;
  r.suite = w.suite->name;
  r.item_id = item.id;
  r.content_hash = item.content_hash;
  r.model_version = ctx.version;
  r.n_repeats = ctx.repeat;
  std::vector<store::ScoreRecord> scores;
  std::vector<store::AttemptRecord> records;
  std::optional<store::CacheEntry> entry;
  nlohmann::json repeats = nlohmann::json::array();
  std::set<std::string> distinct;
  int64_t in = 0, out = 0;
  bool tokens = false, all_cached = true;
  for (int k = 0; k < ctx.repeat; ++k) {
    // Each repeat is its own call with its own cache entry, so a resumed
    // run pays for none it already has.
    std::string key = base_key.empty() || k == 0
                          ? base_key
                          : Sha256Hex(base_key + "#repeat" + std::to_string(k));
    Call c = CallModel(model, req, key, ctx);
    store::ResponseRecord part;
    std::vector<store::AttemptRecord> attempts =
        RecordAttempts(c.attempts, w, ctx, &part);
    r.latency_ms += c.latency_ms;
    r.cost_usd += part.cost_usd;
    r.n_attempts += part.n_attempts;
    all_cached = all_cached && c.cached;
    if (c.answer.ok()) {
      bool billed = part.input_tokens >= 0 || part.output_tokens >= 0;
      int64_t i = billed ? part.input_tokens : c.answer->input_tokens;
      int64_t o = billed ? part.output_tokens : c.answer->output_tokens;
      if (i >= 0 || o >= 0) tokens = true;
      in += std::max<int64_t>(i, 0);
      out += std::max<int64_t>(o, 0);
    }
    if (ctx.repeat == 1) {
      records = std::move(attempts);
      entry = CacheEntryFor(c, key, ctx);
    } else {
      auto e = CacheEntryFor(c, key, ctx);
      Record(
          ctx,
          [&] {
            return ctx.shared->store->PutAttempts(ctx.run_id, attempts, e);
          },
          static_cast<int64_t>(attempts.size()), 0, c.cached);
    }
    if (!c.answer.ok()) {
      r.error = Redact(c.answer.status().message());
      r.error_kind = ErrorKind(c.answer.status().code());
      if (!c.attempts.empty() && !c.attempts.back().error_kind.empty())
        r.error_kind = c.attempts.back().error_kind;
      if (ctx.repeat > 1)
        r.error =
            fmt::format("repeat {} of {}: {}", k + 1, ctx.repeat, *r.error);
      break;
    }
    std::vector<store::ScoreRecord> these;
    if (auto err = ScoreAll(w, c.answer->answer, ctx.shared->score_context,
                            &these)) {
      r.error = *err;
      r.error_kind = "score_error";
      break;
    }
    distinct.insert(c.answer->answer);
    repeats.push_back(
        {{"answer", c.answer->answer}, {"value", these[0].value}});
    if (k == 0) {
      r.answer = c.answer->answer;
      r.ttft_ms = c.answer->ttft_ms;
      r.template_hash = c.answer->template_hash;
      r.schema_valid = c.answer->schema_valid;
      scores = std::move(these);
    } else {
      // The gate compares each item's mean over its repeats.
      for (size_t m = 0; m < scores.size(); ++m) {
        scores[m].value += these[m].value;
        scores[m].numerator += these[m].numerator;
        scores[m].denominator += these[m].denominator;
      }
    }
  }
  r.created_ms = ctx.clock->WallMillis();
  r.cached = all_cached;
  if (tokens) {
    r.input_tokens = in;
    r.output_tokens = out;
  }
  if (r.error) {
    r.answer.reset();
    scores.clear();
  } else if (ctx.repeat > 1) {
    for (store::ScoreRecord& sc : scores) {
      sc.value /= ctx.repeat;
      sc.numerator /= ctx.repeat;
      sc.denominator /= ctx.repeat;
      sc.detail =
          fmt::format("mean of {} repeats; first: {}", ctx.repeat, sc.detail);
    }
    r.flaky = distinct.size() > 1;
    r.repeats_json = repeats.dump();
  }
  Record(
      ctx,
      [&] {
        return ctx.shared->store->PutResult(ctx.run_id, r, scores, records,
                                            entry);
      },
      ctx.repeat == 1 ? static_cast<int64_t>(records.size()) : 0,
      ctx.repeat == 1 ? r.cost_usd : 0, ctx.repeat == 1 && r.cached);
  std::lock_guard<std::mutex> lock(ctx.shared->mu);
  ++ctx.shared->done;
  if (r.error) ++ctx.shared->errors;
  if (ctx.repeat > 1) ctx.shared->cost_usd += r.cost_usd;
  if (r.schema_valid >= 0) {
    ++ctx.shared->schema_checked;
    ctx.shared->schema_valid += r.schema_valid;
  }
  if (r.flaky) ctx.shared->flaky.push_back(w.suite->name + "/" + item.id);
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
  return "internal_error";
}

std::vector<std::string> MetricsFor(const Suite& suite, const Item& item) {
  std::vector<std::string> out{item.metric.empty() ? suite.metric
                                                   : item.metric};
  for (const std::string& m : suite.extra_metrics) {
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  return out;
}

Result<RunSummary> Run(const ProjectConfig& project,
                       const std::string& model_name, const RunOptions& options,
                       store::Store* store, Clock* clock,
                       const ModelMaker& make_model) {
  auto spec_it = project.models.find(model_name);
  if (spec_it == project.models.end()) {
    std::string known;
    for (const auto& [name, spec] : project.models)
      known += (known.empty() ? "" : ", ") + name;
    return Status::Invalid(fmt::format("{}: no model named '{}' (models: {})",
                                       project.path, model_name, known));
  }
  const ModelSpec& spec = spec_it->second;

  std::vector<const Suite*> suites;
  for (const Suite& s : project.suites) {
    if (options.suites.empty() ||
        std::find(options.suites.begin(), options.suites.end(), s.name) !=
            options.suites.end()) {
      suites.push_back(&s);
    }
  }
  for (const std::string& name : options.suites) {
    bool found = std::any_of(suites.begin(), suites.end(),
                             [&](const Suite* s) { return s->name == name; });
    if (!found)
      return Status::Invalid(
          fmt::format("{}: no suite named '{}'", project.path, name));
  }

  const PriceTable* prices = &project.prices;
  auto first = make_model(spec);
  if (!first.ok()) return first.status().WithContext("model " + model_name);
  RunSummary summary;
  summary.model_version = (*first)->Version();

  summary.run_id = options.run_id;
  if (summary.run_id.empty()) {
    std::string base = NewRunId(model_name, clock);
    summary.run_id = base;
    for (int n = 2;; ++n) {
      auto existing = store->GetRun(summary.run_id);
      if (!existing.ok()) return existing.status();
      if (!existing->has_value()) break;
      summary.run_id = fmt::format("{}-{}", base, n);
    }
  }
  auto existing = store->GetRun(summary.run_id);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    const store::RunRecord& run = **existing;
    if (run.model != model_name || run.model_version != summary.model_version) {
      return Status::Invalid(
          fmt::format("run '{}' was made by model '{}' ({}), not '{}' ({}); "
                      "choose another --run-id",
                      run.run_id, run.model, run.model_version, model_name,
                      summary.model_version));
    }
    summary.resumed = true;
  } else {
    MMGATE_RETURN_IF_ERROR(store->CreateRun(
        {summary.run_id, model_name, summary.model_version, RedactedSpec(spec),
         project.path, store::RunStatus::kRunning, clock->WallMillis()}));
  }
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(summary.run_id, store::RunStatus::kRunning, 0));

  auto finished = store->FinishedItems(summary.run_id);
  if (!finished.ok()) return finished.status();
  std::vector<WorkItem> work;
  for (const Suite* s : suites) {
    std::vector<store::ItemRecord> records;
    std::set<std::string> ids;
    for (const Item& it : s->items) {
      records.push_back(ToRecord(*s, it));
      ids.insert(it.id);
    }
    std::vector<store::ResponseRecord> invalid;
    for (const ItemProblem& p : s->problems) {
      std::string id = ProblemId(p, ids);
      ids.insert(id);
      records.push_back(store::ItemRecord{s->name,
                                          id,
                                          "",
                                          s->modality,
                                          s->metric,
                                          id,
                                          "answer",
                                          {},
                                          "null",
                                          "",
                                          "[]",
                                          p.line});
      invalid.push_back(store::ResponseRecord{s->name, id, "", std::nullopt,
                                              p.message, "invalid_item", 0,
                                              summary.model_version});
    }
    std::vector<std::string> metrics{s->metric};
    for (const std::string& m : s->extra_metrics) metrics.push_back(m);
    MMGATE_RETURN_IF_ERROR(store->PutSuite(
        summary.run_id,
        store::SuiteRecord{s->name, s->modality, s->metric, metrics,
                           s->version_hash,
                           static_cast<int64_t>(records.size())},
        records));
    for (store::ResponseRecord& r : invalid) {
      r.created_ms = clock->WallMillis();
      MMGATE_RETURN_IF_ERROR(store->PutResult(summary.run_id, r, {}));
    }
    summary.total += static_cast<int64_t>(records.size());
    summary.errors += static_cast<int64_t>(invalid.size());
    for (const Item& it : s->items) {
      auto f = finished->find({s->name, it.id});
      if (f != finished->end() && f->second == it.content_hash) {
        ++summary.skipped;
      } else {
        work.push_back({s, &it});
      }
    }
  }

  int workers = options.workers > 0 ? options.workers
                : (*first)->Concurrency() > 0
                    ? (*first)->Concurrency()
                    : static_cast<int>(std::thread::hardware_concurrency());
  workers =
      std::clamp(workers, 1, std::max<int>(1, static_cast<int>(work.size())));
  std::vector<std::unique_ptr<Model>> models;
  models.push_back(std::move(*first));
  for (int i = 1; i < workers; ++i) {
    auto m = make_model(spec);
    if (!m.ok()) return m.status().WithContext("model " + model_name);
    models.push_back(std::move(*m));
  }

  Shared shared;
  shared.store = store;
  RunContext ctx{summary.model_version,       summary.run_id, std::nullopt,
                 std::max(1, options.repeat), clock,          &shared};
  if (auto p = prices->find(model_name); p != prices->end())
    ctx.price = p->second;
  shared.score_context = options.score_context;
  std::unique_ptr<ground::InputTextCache> input_text;
  const bool grounding =
      std::any_of(work.begin(), work.end(), [](const WorkItem& w) {
        const auto metrics = MetricsFor(*w.suite, *w.item);
        return std::find(metrics.begin(), metrics.end(), "grounding") !=
               metrics.end();
      });
  if (grounding && !shared.score_context.input_text) {
    input_text = std::make_unique<ground::InputTextCache>(
        (std::filesystem::path(project.base_dir) / ".mmgate" / "input_text")
            .string());
    shared.score_context.input_text =
        [cache = input_text.get()](const Item& i) { return cache->TextOf(i); };
  }
  std::atomic<size_t> next{0};
  Progress progress(options.progress && ::isatty(STDERR_FILENO), work.size(),
                    clock);
  auto stopping = [&] {
    if (options.stop && options.stop->load()) return true;
    std::lock_guard<std::mutex> lock(shared.mu);
    return !shared.fatal.ok();
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        if (stopping()) return;
        size_t k = next.fetch_add(1);
        if (k >= work.size()) return;
        Process(work[k], models[i].get(), ctx);
        std::lock_guard<std::mutex> lock(shared.mu);
        progress.Update(shared.done, shared.errors);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  progress.Finish();
  MMGATE_RETURN_IF_ERROR(shared.fatal);

  summary.done = shared.done;
  summary.errors += shared.errors;
  summary.attempts = shared.attempts;
  summary.cache_hits = shared.cache_hits;
  summary.cost_usd = shared.cost_usd;
  summary.schema_checked = shared.schema_checked;
  summary.schema_valid = shared.schema_valid;
  std::sort(shared.flaky.begin(), shared.flaky.end());
  summary.flaky = std::move(shared.flaky);
  summary.interrupted = summary.done < static_cast<int64_t>(work.size());
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(summary.run_id,
                          summary.interrupted ? store::RunStatus::kInterrupted
                                              : store::RunStatus::kFinished,
                          clock->WallMillis()));
  return summary;
}

}  // namespace mmgate::runner
