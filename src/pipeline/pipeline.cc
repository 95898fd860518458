#include "pipeline/pipeline.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "score/metrics.h"

namespace mmgate::pipeline {
namespace {

namespace fs = std::filesystem;

// A file name part from an item id or stage name.
std::string Safe(const std::string& s) {
  std::string out;
  for (char c : s)
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                          c == '.'
                      ? c
                      : '_');
  return out;
}

bool Passes(const std::string& metric, double value, double threshold) {
  const score::MetricInfo* info = score::FindMetric(metric);
  const bool higher = info == nullptr || info->higher_is_better;
  return higher ? value >= threshold : value <= threshold;
}

// The suite a stage's executor scores with: the stage's metric, and the
// schema check where the stage declares one.
Suite StageSuite(const Suite& suite, const StageSpec& st) {
  Suite s;
  s.name = suite.name;
  s.modality = suite.modality;
  s.metric = st.metric.empty() ? "json_schema" : st.metric;
  s.params = suite.params.is_object() ? suite.params : nlohmann::json::object();
  if (!st.schema.is_null()) {
    s.params["schema"] = st.schema;
    if (!st.metric.empty()) s.extra_metrics = {"json_schema"};
  }
  return s;
}

// A pass's part of its audio files' names, with the caller's tag.
std::string PassTag(const std::string& pass, const std::string& file_tag) {
  return file_tag.empty() ? pass : pass + "." + file_tag;
}

bool Scored(const StageSpec& st) {
  return !st.metric.empty() || !st.schema.is_null();
}

}  // namespace

std::optional<std::string> GoldFor(const Suite& suite, const Item& item,
                                   const std::string& stage) {
  if (item.extra.is_object() && item.extra.contains("gold")) {
    const nlohmann::json& g = item.extra["gold"];
    if (g.is_object() && g.contains(stage) && g[stage].is_string())
      return g[stage].get<std::string>();
  }
  // The last blame unit's gold is the item's reference (the canonical text).
  for (auto it = suite.stages.rbegin(); it != suite.stages.rend(); ++it) {
    if (!it->verifies.empty()) continue;
    if (it->name == stage && !item.references.empty())
      return item.references.front();
    break;
  }
  return std::nullopt;
}

Pipeline::Pipeline(const Suite& suite, StageModels models, std::string run_id,
                   std::string media_dir, store::Store* store, Clock* clock)
    : suite_(suite),
      models_(std::move(models)),
      run_id_(std::move(run_id)),
      media_dir_(std::move(media_dir)),
      clock_(clock),
      verifier_(suite.stages.size()) {
  for (size_t s = 0; s < suite_.stages.size(); ++s) {
    const StageSpec& st = suite_.stages[s];
    if (st.verifies.empty()) {
      units_.push_back(s);
    } else {
      for (size_t t = 0; t < s; ++t)
        if (suite_.stages[t].name == st.verifies) verifier_[t] = s;
    }
    runner::ExecutorConfig c;
    c.run_id = run_id_;
    c.model_version = models_.models[s]->Version();
    c.price = models_.prices[s];
    if (Scored(st)) {
      c.score = runner::MetricScorer({});
    } else {
      c.score =
          [](const Suite&, const Item&,
             const std::string&) -> Result<std::vector<store::ScoreRecord>> {
        return std::vector<store::ScoreRecord>{};
      };
    }
    executors_.push_back(
        std::make_unique<runner::ItemExecutor>(std::move(c), store, clock));
  }
}

std::string Pipeline::Version() const {
  std::string v;
  for (size_t s = 0; s < models_.models.size(); ++s) {
    if (!v.empty()) v += " | ";
    v += suite_.stages[s].name + ": " + models_.models[s]->Version();
  }
  return v;
}

StageResult Pipeline::RunStage(size_t s, const Item& item, const Input& in,
                               const std::string& pass_tag, Input* next) {
  const StageSpec& st = suite_.stages[s];
  const Suite stage_suite = StageSuite(suite_, st);
  Item it = item;
  it.prompt = in.text;
  it.media = in.media;
  it.metric = stage_suite.metric;
  it.references.clear();
  const std::string gold_of = st.verifies.empty() ? st.name : st.verifies;
  if (auto g = GoldFor(suite_, item, gold_of)) it.references.push_back(*g);

  StageResult r;
  r.stage = st.name;
  r.input_ref = in.ref;
  r.model_version = models_.models[s]->Version();
  r.start_ms = clock_->WallMillis();
  runner::ItemOutcome o =
      executors_[s]->Execute(stage_suite, it, models_.models[s].get());
  const store::ResponseRecord& resp = o.response;
  r.latency_ms = resp.latency_ms;
  r.cost_usd = resp.cost_usd;
  r.input_tokens = resp.input_tokens;
  r.output_tokens = resp.output_tokens;
  if (resp.error) {
    r.error = fmt::format("stage {}: {}", st.name, *resp.error);
    r.error_kind = resp.error_kind;
    r.pass = false;
    return r;
  }
  r.text = resp.answer.value_or("");
  for (const store::ScoreRecord& sc : o.scores) {
    if (sc.metric == "json_schema") r.schema_valid = sc.value >= 1;
    if (sc.metric == stage_suite.metric) r.score = sc.value;
  }
  r.pass = r.schema_valid && (!r.score || st.metric.empty() ||
                              Passes(st.metric, *r.score, st.threshold));
  next->text = *r.text;
  next->media.clear();
  next->ref = "text";
  if (st.kind == "tts") {
    if (o.media.empty()) {
      r.error = fmt::format("stage {}: the model returned no audio", st.name);
      r.error_kind = "no_media";
      r.pass = false;
      return r;
    }
    std::error_code ec;
    fs::create_directories(media_dir_, ec);
    const fs::path path =
        fs::path(media_dir_) / fmt::format("{}.{}.{}.wav", Safe(item.id),
                                           Safe(pass_tag), Safe(st.name));
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(o.media.front().bytes.data(),
            static_cast<std::streamsize>(o.media.front().bytes.size()));
    if (!f.good()) {
      r.error =
          fmt::format("stage {}: cannot write {}", st.name, path.string());
      r.error_kind = "io_error";
      r.pass = false;
      return r;
    }
    r.output_ref = path.string();
    next->media = {MediaRef{"audio", path.filename().string(), path.string()}};
    next->ref = path.string();
  }
  return r;
}

std::vector<StageResult> Pipeline::RunFrom(size_t first, const Item& item,
                                           Input in,
                                           const std::string& pass_tag) {
  std::vector<StageResult> out;
  for (size_t s = first; s < suite_.stages.size(); ++s) {
    Input next;
    out.push_back(RunStage(s, item, in, pass_tag, &next));
    if (out.back().error) break;  // later stages have no input
    in = std::move(next);
  }
  return out;
}

std::vector<Boundary> Pipeline::Boundaries(const std::vector<StageResult>& r,
                                           size_t first_unit) const {
  std::vector<Boundary> out;
  for (size_t u = first_unit; u < units_.size(); ++u) {
    const size_t t = units_[u];
    const StageSpec& st = suite_.stages[t];
    Boundary b{st.name};
    const StageResult* own = t < r.size() ? &r[t] : nullptr;
    const std::optional<size_t> v = verifier_[t];
    const StageResult* check = v ? (*v < r.size() ? &r[*v] : nullptr) : own;
    if (own == nullptr || (v && check == nullptr)) {
      b.checked = true;
      b.pass = false;
      b.detail = "not reached: an earlier stage failed";
    } else if (own->error || (check && check->error)) {
      b.checked = true;
      b.pass = false;
      b.detail = own->error ? *own->error : *check->error;
    } else if (!check->schema_valid) {
      b.checked = true;
      b.pass = false;
      b.detail = "output does not meet the stage's schema";
    } else if (check->score) {
      const StageSpec& cs = suite_.stages[v ? *v : t];
      b.checked = true;
      b.pass = check->pass && own->pass;
      const bool higher = Passes(cs.metric, 1, 0);
      const char* op =
          higher ? (check->pass ? ">=" : "<") : (check->pass ? "<=" : ">");
      b.detail = fmt::format("{} {:.3g} {} {:.3g}", cs.metric, *check->score,
                             op, cs.threshold);
    }
    out.push_back(std::move(b));
  }
  return out;
}

namespace {

// End to end: the last checked boundary (true when none is checked).
bool EndToEnd(const std::vector<Boundary>& b) {
  for (auto it = b.rbegin(); it != b.rend(); ++it)
    if (it->checked) return it->pass;
  return true;
}

}  // namespace

void Pipeline::Blame(const Item& item, const std::string& file_tag,
                     ItemVerdict* v) {
  for (size_t u = 0; u + 1 < units_.size(); ++u) {
    const size_t t = units_[u];
    const std::string& name = suite_.stages[t].name;
    const size_t next = (verifier_[t] ? *verifier_[t] : t) + 1;
    std::optional<std::string> gold = GoldFor(suite_, item, name);
    // Gold text can stand only where the next stage reads text.
    if (!gold || next >= suite_.stages.size() ||
        suite_.stages[next].kind == "asr")
      continue;
    Input in{*gold, {}, "gold:" + name};
    std::vector<StageResult> full(v->stages.begin(), v->stages.begin() + next);
    for (StageResult& r :
         RunFrom(next, item, in, PassTag("repair-" + name, file_tag))) {
      v->cost_usd += r.cost_usd;
      if (!r.output_ref.empty()) v->files.push_back(r.output_ref);
      full.push_back(std::move(r));
    }
    const bool fixed = EndToEnd(Boundaries(full, u + 1));
    v->repairs.push_back({name, fixed});
    if (fixed) {
      v->blamed = name;
      return;
    }
  }
  // No upstream repair fixed it: the last checked unit, whose own gold
  // would make the item pass by definition.
  for (auto it = v->boundaries.rbegin(); it != v->boundaries.rend(); ++it) {
    if (it->checked) {
      v->blamed = it->unit;
      v->by_elimination = true;
      return;
    }
  }
}

ItemVerdict Pipeline::Run(const Item& item, const std::string& file_tag) {
  ItemVerdict v;
  v.item_id = item.id;
  Input in{item.prompt, item.media,
           item.media.empty() ? "prompt" : item.media.front().path};
  v.stages = RunFrom(0, item, in, PassTag("main", file_tag));
  for (const StageResult& r : v.stages) {
    v.cost_usd += r.cost_usd;
    if (!r.output_ref.empty()) v.files.push_back(r.output_ref);
    if (r.error && v.error.empty()) v.error = *r.error;
  }
  v.boundaries = Boundaries(v.stages, 0);
  v.pass = v.error.empty() && EndToEnd(v.boundaries);
  for (const Boundary& b : v.boundaries) {
    if (b.checked && !b.pass) {
      v.first_failing = b.unit;
      break;
    }
  }
  if (!v.pass) Blame(item, file_tag, &v);
  return v;
}

}  // namespace mmgate::pipeline
