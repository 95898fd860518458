#include "runner/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

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
  return j.dump();
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
};

void Process(const WorkItem& w, Model* model, const std::string& version,
             const std::string& run_id, Clock* clock, Shared* shared) {
  const Item& item = *w.item;
  ModelRequest req{item.id, item.modality, item.prompt, item.media};
  auto t0 = clock->Monotonic();
  Result<ModelResponse> answer = model->Answer(req);
  auto t1 = clock->Monotonic();

  store::ResponseRecord r;
  r.suite = w.suite->name;
  r.item_id = item.id;
  r.content_hash = item.content_hash;
  r.latency_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  r.model_version = version;
  r.created_ms = clock->WallMillis();
  std::vector<store::ScoreRecord> scores;
  if (!answer.ok()) {
    r.error = answer.status().message();
    r.error_kind = ErrorKind(answer.status().code());
  } else {
    r.answer = answer->answer;
    r.input_tokens = answer->input_tokens;
    r.output_tokens = answer->output_tokens;
    for (const std::string& metric : MetricsFor(*w.suite, item)) {
      auto s = score::ScoreAnswer(metric, item, answer->answer, w.suite->params,
                                  shared->score_context);
      if (!s.ok()) {
        r.error = "scoring " + metric + ": " + s.status().message();
        r.error_kind = "score_error";
        scores.clear();
        break;
      }
      scores.push_back(
          {metric, s->value, s->numerator, s->denominator, s->detail});
    }
  }
  std::lock_guard<std::mutex> lock(shared->mu);
  Status st = shared->store->PutResult(run_id, r, scores);
  if (!st.ok() && shared->fatal.ok()) shared->fatal = st;
  ++shared->done;
  if (r.error) ++shared->errors;
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

  int workers = options.workers > 0
                    ? options.workers
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
        Process(work[k], models[i].get(), summary.model_version, summary.run_id,
                clock, &shared);
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
  summary.interrupted = summary.done < static_cast<int64_t>(work.size());
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(summary.run_id,
                          summary.interrupted ? store::RunStatus::kInterrupted
                                              : store::RunStatus::kFinished,
                          clock->WallMillis()));
  return summary;
}

}  // namespace mmgate::runner
