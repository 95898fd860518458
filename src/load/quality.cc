#include "load/quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "runner/plan.h"

namespace mmgate::load {
namespace {

bool Answered(const RequestRecord& r) {
  return r.state == RequestState::kDone && r.outcome.error_kind.empty();
}

double PrimaryScore(const runner::ItemOutcome& o) {
  if (o.response.error || o.scores.empty()) return -1;
  return o.scores.front().value;
}

double CostOf(const RequestRecord& r, const std::optional<Price>& price) {
  if (!price || !Answered(r)) return 0;
  return price->Cost(r.outcome.input_tokens, r.outcome.output_tokens);
}

store::AttemptRecord AttemptOf(const RequestRecord& r, const LoadItem& li,
                               int64_t number, int64_t wall0,
                               const std::optional<Price>& price) {
  store::AttemptRecord a;
  a.suite = li.suite->name;
  a.item_id = li.item->id;
  a.attempt = number;
  a.http_status = r.outcome.http_status;
  if (r.state == RequestState::kAbandoned) {
    a.error_kind = "abandoned";
    a.error = "no answer before the load run ended";
  } else {
    a.error_kind = r.outcome.error_kind;
    a.error = r.outcome.error;
  }
  a.latency_ms = (r.outcome.end_ns - r.scheduled_ns) / 1e6;
  if (r.outcome.first_token_ns >= 0)
    a.ttft_ms = (r.outcome.first_token_ns - r.sent_ns) / 1e6;
  a.wait_ms = (r.sent_ns - r.scheduled_ns) / 1e6;  // held before the send
  a.input_tokens = r.outcome.input_tokens;
  a.output_tokens = r.outcome.output_tokens;
  a.cost_usd = CostOf(r, price);
  a.created_ms = wall0 + r.sent_ns / 1'000'000;
  return a;
}

// The request whose answer stands for the item: its last answered one in the
// latest stage it was sent in, else its last one.
const RequestRecord* Chosen(const std::vector<const RequestRecord*>& rs) {
  const RequestRecord* best = nullptr;
  for (const RequestRecord* r : rs) {
    if (!WasSent(*r)) continue;
    if (!best) {
      best = r;
      continue;
    }
    bool later_stage = r->stage > best->stage;
    bool same_stage = r->stage == best->stage;
    if (later_stage || (same_stage && (Answered(*r) || !Answered(*best))))
      best = r;
  }
  return best;
}

using ItemScores = std::map<size_t, std::pair<double, int64_t>>;

// Each stage's mean score difference from the first stage over the items
// both answered (the same items under more load).
void PairStages(const std::map<int, ItemScores>& by_item, Summary* s) {
  if (by_item.empty()) return;
  const ItemScores& first = by_item.begin()->second;
  for (const auto& [stage, items] : by_item) {
    if (stage < 0 || static_cast<size_t>(stage) >= s->stages.size()) continue;
    double delta = 0;
    int64_t n = 0;
    for (const auto& [item, v] : items) {
      auto f = first.find(item);
      if (f == first.end()) continue;
      delta += v.first / v.second - f->second.first / f->second.second;
      ++n;
    }
    StageSummary& st = s->stages[static_cast<size_t>(stage)];
    st.paired_items = n;
    st.quality_delta = n ? delta / n : 0;
  }
}

}  // namespace

std::vector<double> ScoreAnswers(const Prepared& p, const RunResult& run,
                                 runner::ItemExecutor* executor) {
  std::vector<double> scores(run.records.size(), -1);
  std::map<std::pair<size_t, std::string>, double> seen;
  for (size_t i = 0; i < run.records.size(); ++i) {
    const RequestRecord& r = run.records[i];
    if (!Answered(r) || r.item >= p.items.size()) continue;
    auto key = std::make_pair(r.item, r.outcome.answer);
    auto it = seen.find(key);
    if (it == seen.end()) {
      const LoadItem& li = p.items[r.item];
      store::ResponseRecord rr;
      rr.suite = li.suite->name;
      rr.item_id = li.item->id;
      rr.answer = r.outcome.answer;
      it =
          seen.emplace(key,
                       PrimaryScore(executor->Rescore(*li.suite, *li.item, rr)))
              .first;
    }
    scores[i] = it->second;
  }
  return scores;
}

void AddQualityAndCost(const RunResult& run, const std::vector<double>& scores,
                       const std::optional<Price>& price, Summary* s) {
  std::map<int, std::pair<double, int64_t>> by_stage;
  // stage -> item -> (sum, n), for the paired comparison between stages.
  std::map<int, std::map<size_t, std::pair<double, int64_t>>> by_item;
  double sum = 0;
  int64_t scored = 0, in_tok = 0, out_tok = 0;
  double cost = 0;
  for (size_t i = 0; i < run.records.size(); ++i) {
    const RequestRecord& r = run.records[i];
    if (!Answered(r)) continue;
    cost += CostOf(r, price);
    in_tok += std::max<int64_t>(0, r.outcome.input_tokens);
    out_tok += std::max<int64_t>(0, r.outcome.output_tokens);
    if (i >= scores.size() || scores[i] < 0) continue;
    sum += scores[i];
    ++scored;
    auto& [stage_sum, n] = by_stage[r.stage];
    stage_sum += scores[i];
    ++n;
    auto& [item_sum, item_n] = by_item[r.stage][r.item];
    item_sum += scores[i];
    ++item_n;
  }
  PairStages(by_item, s);
  s->scored = scored;
  s->quality = scored ? sum / scored : -1;
  for (auto& [stage, v] : by_stage)
    if (stage >= 0 && static_cast<size_t>(stage) < s->stages.size())
      s->stages[static_cast<size_t>(stage)].quality = v.first / v.second;
  s->priced = price.has_value();
  s->input_tokens = in_tok;
  s->output_tokens = out_tok;
  s->cost_usd = cost;
  if (!price) return;
  s->cost_per_query = s->ok ? cost / static_cast<double>(s->ok) : 0;
  int64_t tokens = in_tok + out_tok;
  s->usd_per_mtok = tokens ? cost / static_cast<double>(tokens) * 1e6 : 0;
  s->usd_per_correct = sum > 0 ? cost / sum : -1;
}

store::StageRecord LoadStageOf(const store::ResponseRecord& r,
                               const Schedule& schedule, int stage) {
  store::StageRecord st;
  st.suite = r.suite;
  st.item_id = r.item_id;
  st.stage = std::string(store::kLoadStage);
  st.input_ref =
      stage >= 0 && static_cast<size_t>(stage) < schedule.stages.size()
          ? schedule.stages[static_cast<size_t>(stage)].label
          : schedule.profile;
  st.answer = r.answer;
  st.error = r.error;
  st.error_kind = r.error_kind;
  st.latency_ms = r.latency_ms;
  st.created_ms = r.created_ms;
  return st;
}

Result<std::string> StoreLoadRun(const ProjectConfig& project,
                                 const Prepared& p, const RunResult& run,
                                 const StoreOptions& o, store::Store* store,
                                 Clock* clock, runner::ItemExecutor* executor) {
  auto spec = project.models.find(o.model);
  if (spec == project.models.end())
    return Status::Invalid("no model named '" + o.model + "'");
  auto started = runner::StartRun(o.run_id, o.model, p.model_version,
                                  spec->second, o.config_path, store, clock);
  if (!started.ok()) return started.status();
  std::vector<const Suite*> suites;
  for (const auto* list : {&p.items, &p.over_cap})
    for (const LoadItem& li : *list)
      if (std::find(suites.begin(), suites.end(), li.suite) == suites.end())
        suites.push_back(li.suite);
  auto plan = runner::PlanRun(suites, o.run_id, p.model_version, store, clock);
  if (!plan.ok()) return plan.status();
  std::vector<store::StageRecord> stages;
  std::vector<std::vector<const RequestRecord*>> by_item(p.items.size());
  for (const RequestRecord& r : run.records)
    if (r.item < by_item.size()) by_item[r.item].push_back(&r);
  for (size_t i = 0; i < p.items.size(); ++i) {
    const RequestRecord* c = Chosen(by_item[i]);
    if (!c) continue;
    const LoadItem& li = p.items[i];
    store::ResponseRecord rr;
    rr.suite = li.suite->name;
    rr.item_id = li.item->id;
    rr.content_hash = li.item->content_hash;
    rr.model_version = p.model_version;
    rr.latency_ms = (c->outcome.end_ns - c->scheduled_ns) / 1e6;
    rr.input_tokens = c->outcome.input_tokens;
    rr.output_tokens = c->outcome.output_tokens;
    rr.created_ms =
        run.started_wall_ms + std::max<int64_t>(0, c->sent_ns) / 1'000'000;
    if (c->outcome.first_token_ns >= 0)
      rr.ttft_ms = (c->outcome.first_token_ns - c->sent_ns) / 1e6;
    if (Answered(*c)) {
      rr.answer = c->outcome.answer;
    } else {
      rr.error_kind = c->state == RequestState::kAbandoned
                          ? "abandoned"
                          : c->outcome.error_kind;
      rr.error = fmt::format(
          "item {}: under load: {}", li.item->id,
          c->outcome.error.empty() ? rr.error_kind : c->outcome.error);
    }
    stages.push_back(LoadStageOf(rr, p.schedule, c->stage));
    runner::ItemOutcome out = executor->Rescore(*li.suite, *li.item, rr);
    int64_t n = 0;
    for (const RequestRecord* r : by_item[i]) {
      if (!WasSent(*r)) continue;
      out.attempts.push_back(
          AttemptOf(*r, li, ++n, run.started_wall_ms, o.price));
      out.response.cost_usd += out.attempts.back().cost_usd;
    }
    out.response.n_attempts = n;
    MMGATE_RETURN_IF_ERROR(executor->Write(out));
  }
  // Which traffic stage each stored answer came from: the gate names the
  // comparison with an idle run after it (quality under load at stage X).
  MMGATE_RETURN_IF_ERROR(store->PutStages(o.run_id, stages));
  // Over-cap items failed before any request: stored as such, no attempt.
  for (size_t i = 0; i < p.over_cap.size(); ++i) {
    const LoadItem& li = p.over_cap[i];
    store::ResponseRecord rr;
    rr.suite = li.suite->name;
    rr.item_id = li.item->id;
    rr.content_hash = li.item->content_hash;
    rr.model_version = p.model_version;
    rr.created_ms = run.started_wall_ms;
    rr.error = p.over_cap_reasons[i];
    rr.error_kind = runner::kOverCapErrorKind;
    MMGATE_RETURN_IF_ERROR(
        executor->Write(executor->Rescore(*li.suite, *li.item, rr)));
  }
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(o.run_id,
                          run.interrupted ? store::RunStatus::kInterrupted
                                          : store::RunStatus::kFinished,
                          clock->WallMillis()));
  return o.run_id;
}

}  // namespace mmgate::load
