#include "load/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace mmgate::load {
namespace {

using nlohmann::json;

constexpr double kMs = 1e6;

bool Ok(const RequestRecord& r) {
  return r.state == RequestState::kDone && r.outcome.error_kind.empty();
}

double Rate(std::vector<int64_t> t) {
  if (t.size() < 2) return 0;
  std::sort(t.begin(), t.end());
  double span = static_cast<double>(t.back() - t.front()) / 1e9;
  return span > 0 ? static_cast<double>(t.size() - 1) / span : 0;
}

json PJson(const Percentiles& p) {
  return {{"n", p.n},
          {"mean_ms", p.mean_ms},
          {"p50_ms", p.p50_ms},
          {"p90_ms", p.p90_ms},
          {"p95_ms", p.p95_ms},
          {"p99_ms", p.p99_ms},
          {"p999_ms", p.p999_ms},
          {"max_ms", p.max_ms}};
}

std::string PText(const char* name, const Percentiles& p) {
  if (p.n == 0) return fmt::format("  {:<22} -\n", name);
  return fmt::format(
      "  {:<22} p50 {:>9.2f}  p90 {:>9.2f}  p95 {:>9.2f}  p99 {:>9.2f}  "
      "p99.9 {:>9.2f}  max {:>9.2f} ms  (n={})\n",
      name, p.p50_ms, p.p90_ms, p.p95_ms, p.p99_ms, p.p999_ms, p.max_ms, p.n);
}

void Stages(const Schedule& schedule, const RunResult& run, Summary* s) {
  for (size_t k = 0; k < schedule.stages.size(); ++k) {
    const Stage& st = schedule.stages[k];
    StageSummary out;
    out.label = st.label;
    out.target_rate = st.offered_rate;
    out.concurrency = st.concurrency;
    Histogram lat, send, lag;
    std::vector<int64_t> sched, sent;
    for (const RequestRecord& r : run.records) {
      if (r.stage != static_cast<int>(k)) continue;
      ++out.scheduled;
      sched.push_back(r.scheduled_ns);
      if (r.state == RequestState::kLate) ++out.late;
      if (!WasSent(r)) continue;
      ++out.sent;
      sent.push_back(r.sent_ns);
      lag.Record(r.sent_ns - r.scheduled_ns);
      if (!Ok(r)) {
        if (r.state == RequestState::kDone) ++out.errors;
        continue;
      }
      ++out.ok;
      lat.Record(r.outcome.end_ns - r.scheduled_ns);
      send.Record(r.outcome.end_ns - r.sent_ns);
    }
    out.schedule_rate = Rate(sched);
    out.achieved_rate = Rate(sent);
    if (st.concurrency > 0) out.schedule_rate = out.achieved_rate;
    out.rate_error =
        out.schedule_rate > 0 ? out.achieved_rate / out.schedule_rate - 1 : 0;
    double secs = static_cast<double>(st.end_ns - st.start_ns) / 1e9;
    if (!sent.empty()) {
      secs = std::min(
          secs, static_cast<double>(
                    *std::max_element(sent.begin(), sent.end()) - st.start_ns) /
                    1e9);
    }
    out.throughput = secs > 0 ? static_cast<double>(out.ok) / secs : 0;
    out.latency = FromHistogram(lat);
    out.latency_send = FromHistogram(send);
    out.lag = FromHistogram(lag);
    s->stages.push_back(out);
  }
}

void Windows(const RunResult& run, double window_s, Summary* s) {
  std::map<int64_t, std::pair<Histogram, int64_t>> w;
  auto width = static_cast<int64_t>(window_s * 1e9);
  if (width <= 0) return;
  for (const RequestRecord& r : run.records) {
    if (r.state != RequestState::kDone) continue;
    int64_t key = r.scheduled_ns / width;
    auto it = w.find(key);
    // Coarser buckets (1.6%) per window keep a long soak's series small.
    if (it == w.end())
      it = w.emplace(key, std::make_pair(Histogram(5), int64_t{0})).first;
    auto& [h, errors] = it->second;
    if (Ok(r))
      h.Record(r.outcome.end_ns - r.scheduled_ns);
    else
      ++errors;
  }
  for (auto& [k, v] : w) {
    Window out;
    out.t_s = static_cast<double>(k) * window_s;
    out.n = v.first.count();
    out.errors = v.second;
    Percentiles p = FromHistogram(v.first);
    out.p50_ms = p.p50_ms;
    out.p90_ms = p.p90_ms;
    out.p99_ms = p.p99_ms;
    s->windows.push_back(out);
  }
}

// Which items the slowest 1% of successful requests were.
void Tail(const RunResult& run, const std::vector<std::string>& ids,
          const Histogram& lat, Summary* s) {
  if (lat.count() == 0) return;
  // The histogram's value is its bucket's midpoint: widen by the bucket.
  auto cut =
      static_cast<int64_t>(static_cast<double>(lat.ValueAtQuantile(0.99)) *
                           (1 - 2 * lat.RelativeError()));
  std::map<size_t, TailItem> by;
  for (const RequestRecord& r : run.records) {
    if (!Ok(r)) continue;
    TailItem& t = by[r.item];
    ++t.requests;
    int64_t v = r.outcome.end_ns - r.scheduled_ns;
    t.max_ms = std::max(t.max_ms, v / kMs);
    if (v >= cut) ++t.in_tail;
  }
  for (auto& [item, t] : by) {
    if (t.in_tail == 0) continue;
    t.item = item < ids.size() ? ids[item] : fmt::format("#{}", item);
    s->tail.push_back(t);
  }
  std::sort(s->tail.begin(), s->tail.end(), [](const auto& a, const auto& b) {
    return a.in_tail != b.in_tail ? a.in_tail > b.in_tail : a.max_ms > b.max_ms;
  });
  if (s->tail.size() > 10) s->tail.resize(10);
}

void Modalities(const RunResult& run, const SummaryOptions& o, Summary* s) {
  std::map<std::string, std::pair<Histogram, ModalitySummary>> by;
  for (const RequestRecord& r : run.records) {
    if (r.state != RequestState::kDone || r.item >= o.item_modalities.size())
      continue;
    auto& [h, m] = by[o.item_modalities[r.item]];
    if (!Ok(r)) {
      ++m.errors;
      continue;
    }
    ++m.ok;
    h.Record(r.outcome.end_ns - r.scheduled_ns);
  }
  for (const auto& [name, b] : o.budgets_ms)
    if (!by.count(name)) by[name].second.budget_ms = b;
  for (auto& [name, v] : by) {
    ModalitySummary m = v.second;
    m.modality = name;
    m.latency = FromHistogram(v.first);
    auto b = o.budgets_ms.find(name);
    if (b != o.budgets_ms.end()) {
      m.budget_ms = b->second;
      int64_t within = 0;
      for (const RequestRecord& r : run.records)
        if (Ok(r) && r.item < o.item_modalities.size() &&
            o.item_modalities[r.item] == name &&
            r.outcome.end_ns - r.scheduled_ns <= b->second * kMs)
          ++within;
      m.within_budget = m.ok ? static_cast<double>(within) / m.ok : 0;
      m.over_budget = m.ok == 0 || m.latency.p99_ms > m.budget_ms;
    }
    s->modalities.push_back(m);
  }
}

void Streams(const RequestRecord& r, Histogram* ttft, Histogram* itl,
             Histogram* tpot) {
  const Outcome& o = r.outcome;
  if (o.first_token_ns < 0) return;
  ttft->Record(o.first_token_ns - r.sent_ns);
  for (size_t i = 1; i < o.token_ns.size(); ++i)
    itl->Record(o.token_ns[i] - o.token_ns[i - 1]);
  int64_t tokens = o.output_tokens > 0
                       ? o.output_tokens
                       : static_cast<int64_t>(o.token_ns.size());
  if (tokens > 1) tpot->Record((o.end_ns - o.first_token_ns) / (tokens - 1));
}

}  // namespace

Percentiles FromHistogram(const Histogram& h) {
  Percentiles p;
  p.n = h.count();
  if (p.n == 0) return p;
  p.mean_ms = h.Mean() / kMs;
  p.p50_ms = h.ValueAtQuantile(0.5) / kMs;
  p.p90_ms = h.ValueAtQuantile(0.9) / kMs;
  p.p95_ms = h.ValueAtQuantile(0.95) / kMs;
  p.p99_ms = h.ValueAtQuantile(0.99) / kMs;
  p.p999_ms = h.ValueAtQuantile(0.999) / kMs;
  p.max_ms = h.max() / kMs;
  return p;
}

Summary Summarize(const Schedule& schedule, const RunResult& run,
                  const SummaryOptions& options) {
  Summary s;
  s.profile = schedule.profile;
  s.duration_s = static_cast<double>(run.duration_ns) / 1e9;
  s.interrupted = run.interrupted;
  s.slo_ms = options.slo_ms;
  Histogram lat, send, ttft, itl, tpot, lag, timer;
  int64_t good = 0, out_tokens = 0, first = INT64_MAX, last = 0;
  for (const RequestRecord& r : run.records) {
    ++s.scheduled;
    if (!WasSent(r)) {
      ++(r.state == RequestState::kLate ? s.late : s.not_sent);
      continue;
    }
    ++s.sent;
    first = std::min(first, r.sent_ns);
    lag.Record(r.sent_ns - r.scheduled_ns);
    timer.Record(r.sent_ns - r.planned_ns);
    if (r.state == RequestState::kAbandoned) {
      ++s.abandoned;
      continue;
    }
    last = std::max(last, r.outcome.end_ns);
    if (!Ok(r)) {
      ++s.errors;
      if (s.errors_by_kind[r.outcome.error_kind]++ == 0 &&
          s.error_examples.size() < 10)
        s.error_examples.push_back(r.outcome.error_kind + ": " +
                                   r.outcome.error);
      continue;
    }
    ++s.ok;
    int64_t e2e = r.outcome.end_ns - r.scheduled_ns;
    lat.Record(e2e);
    send.Record(r.outcome.end_ns - r.sent_ns);
    Streams(r, &ttft, &itl, &tpot);
    if (r.outcome.output_tokens > 0) out_tokens += r.outcome.output_tokens;
    if (options.slo_ms > 0 && e2e <= options.slo_ms * kMs) ++good;
  }
  double span = last > first ? static_cast<double>(last - first) / 1e9 : 0;
  if (span > 0) {
    s.throughput = static_cast<double>(s.ok) / span;
    s.output_tokens_per_s = static_cast<double>(out_tokens) / span;
    s.goodput =
        options.slo_ms > 0 ? static_cast<double>(good) / span : s.throughput;
  }
  s.latency = FromHistogram(lat);
  s.latency_send = FromHistogram(send);
  s.ttft = FromHistogram(ttft);
  s.itl = FromHistogram(itl);
  s.tpot = FromHistogram(tpot);
  s.lag = FromHistogram(lag);
  s.timer_lag = FromHistogram(timer);
  s.histogram_relative_error = lat.RelativeError();
  Stages(schedule, run, &s);
  Windows(run, options.window_s, &s);
  Tail(run, options.item_ids, lat, &s);
  Modalities(run, options, &s);
  return s;
}

namespace {

json StagesJson(const Summary& s) {
  json stages = json::array();
  for (const StageSummary& st : s.stages) {
    json j = {{"label", st.label},
              {"target_rate", st.target_rate},
              {"concurrency", st.concurrency},
              {"scheduled", st.scheduled},
              {"sent", st.sent},
              {"ok", st.ok},
              {"errors", st.errors},
              {"late", st.late},
              {"schedule_rate", st.schedule_rate},
              {"achieved_rate", st.achieved_rate},
              {"rate_error", st.rate_error},
              {"throughput", st.throughput},
              {"latency", PJson(st.latency)},
              {"latency_from_send", PJson(st.latency_send)},
              {"dispatch_lag", PJson(st.lag)}};
    if (st.quality >= 0) {
      j["quality"] = st.quality;
      j["quality_delta_vs_first_stage"] = st.quality_delta;
      j["paired_items"] = st.paired_items;
    }
    stages.push_back(j);
  }
  return stages;
}

json CostJson(const Summary& s) {
  auto priced = [&](double v) { return s.priced ? json(v) : json(); };
  return {
      {"priced", s.priced},
      {"input_tokens", s.input_tokens},
      {"output_tokens", s.output_tokens},
      {"usd", priced(s.cost_usd)},
      {"usd_per_query", priced(s.cost_per_query)},
      {"usd_per_mtok", priced(s.usd_per_mtok)},
      {"usd_per_correct",
       s.priced && s.usd_per_correct >= 0 ? json(s.usd_per_correct) : json()}};
}

}  // namespace

json ToJson(const Summary& s) {
  json stages = StagesJson(s);
  json windows = json::array();
  for (const Window& w : s.windows)
    windows.push_back({{"t_s", w.t_s},
                       {"n", w.n},
                       {"errors", w.errors},
                       {"p50_ms", w.p50_ms},
                       {"p90_ms", w.p90_ms},
                       {"p99_ms", w.p99_ms}});
  json modalities = json::array();
  for (const ModalitySummary& m : s.modalities) {
    json j = {{"modality", m.modality},
              {"ok", m.ok},
              {"errors", m.errors},
              {"latency", PJson(m.latency)}};
    if (m.budget_ms > 0) {
      j["budget_ms"] = m.budget_ms;
      j["within_budget"] = m.within_budget;
      j["over_budget"] = m.over_budget;
    }
    modalities.push_back(j);
  }
  json tail = json::array();
  for (const TailItem& t : s.tail)
    tail.push_back({{"item", t.item},
                    {"in_tail", t.in_tail},
                    {"requests", t.requests},
                    {"max_ms", t.max_ms}});
  return {{"profile", s.profile},
          {"duration_s", s.duration_s},
          {"interrupted", s.interrupted},
          {"requests",
           {{"scheduled", s.scheduled},
            {"sent", s.sent},
            {"not_sent", s.not_sent},
            {"late", s.late},
            {"ok", s.ok},
            {"errors", s.errors},
            {"abandoned", s.abandoned}}},
          {"errors_by_kind", s.errors_by_kind},
          {"error_examples", s.error_examples},
          {"failed_items", s.failed_items},
          {"latency", PJson(s.latency)},
          {"latency_from_send", PJson(s.latency_send)},
          {"ttft", PJson(s.ttft)},
          {"itl", PJson(s.itl)},
          {"tpot", PJson(s.tpot)},
          {"dispatch_lag", PJson(s.lag)},
          {"timer_lag", PJson(s.timer_lag)},
          {"throughput", s.throughput},
          {"output_tokens_per_s", s.output_tokens_per_s},
          {"slo_ms", s.slo_ms},
          {"goodput", s.goodput},
          {"histogram_relative_error", s.histogram_relative_error},
          {"stages", stages},
          {"windows", windows},
          {"tail", tail},
          {"modalities", modalities},
          {"quality", s.quality < 0 ? json() : json(s.quality)},
          {"scored", s.scored},
          {"run_id", s.run_id.empty() ? json() : json(s.run_id)},
          {"cost", CostJson(s)}};
}

std::string ToText(const Summary& s) {
  std::string out = fmt::format(
      "load {}: {:.1f} s{}\n  requests: {} scheduled, {} sent, {} ok, {} "
      "errors, {} abandoned, {} not sent, {} not sent in time\n",
      s.profile, s.duration_s, s.interrupted ? " (interrupted)" : "",
      s.scheduled, s.sent, s.ok, s.errors, s.abandoned, s.not_sent, s.late);
  if (s.late > 0)
    out += fmt::format(
        "  the client could not send {} requests in time (every connection "
        "busy, or the client behind, for longer than --max-lag): they are in "
        "no latency figure; the rate was above what this client and its "
        "connections can send\n",
        s.late);
  for (const auto& [kind, n] : s.errors_by_kind)
    out += fmt::format("  errors {}: {}\n", kind, n);
  for (const std::string& e : s.error_examples) out += "    e.g. " + e + "\n";
  if (!s.failed_items.empty())
    out += fmt::format("  items failed before any request: {}\n",
                       s.failed_items.size());
  for (const std::string& f : s.failed_items) out += "    " + f + "\n";
  out += PText("latency (from schedule)", s.latency);
  out += PText("latency (from send)", s.latency_send);
  if (s.ttft.n > 0) {
    out += PText("time to first token", s.ttft);
    out += PText("inter-token latency", s.itl);
    out += PText("time per output token", s.tpot);
  }
  out += PText("dispatch lag", s.lag);
  out += fmt::format("  throughput {:.1f} req/s", s.throughput);
  if (s.output_tokens_per_s > 0)
    out += fmt::format(", {:.1f} output tokens/s", s.output_tokens_per_s);
  if (s.slo_ms > 0)
    out += fmt::format(", goodput {:.1f} req/s within {:g} ms", s.goodput,
                       s.slo_ms);
  out += "\n";
  for (const StageSummary& st : s.stages) {
    out += fmt::format(
        "  stage {:<14} sent {:>7}  ok {:>7}  err {:>5}  schedule {:>9.2f}/s  "
        "achieved {:>9.2f}/s ({:+.3f}%)  p50 {:.2f}  p99 {:.2f} ms",
        st.label, st.sent, st.ok, st.errors, st.schedule_rate, st.achieved_rate,
        st.rate_error * 100, st.latency.p50_ms, st.latency.p99_ms);
    if (st.quality >= 0) {
      out += fmt::format("  quality {:.3f}", st.quality);
      if (st.paired_items > 0)
        out += fmt::format(" ({:+.3f} vs the first stage on {} items)",
                           st.quality_delta, st.paired_items);
    }
    out += "\n";
  }
  for (const ModalitySummary& m : s.modalities) {
    out += fmt::format(
        "  {:<10} ok {:>7}  err {:>5}  p50 {:.2f}  p99 {:.2f} ms", m.modality,
        m.ok, m.errors, m.latency.p50_ms, m.latency.p99_ms);
    if (m.budget_ms > 0)
      out += fmt::format("  budget {:g} ms: {:.1f}% within, {}", m.budget_ms,
                         100 * m.within_budget,
                         m.over_budget ? "P99 OVER BUDGET" : "P99 within");
    out += "\n";
  }
  if (s.quality >= 0)
    out += fmt::format("  quality {:.4f} (mean primary score of {} answers)\n",
                       s.quality, s.scored);
  if (s.priced) {
    out += fmt::format(
        "  cost ${:.6f}: ${:.8f} per query, ${:.4f} per million tokens",
        s.cost_usd, s.cost_per_query, s.usd_per_mtok);
    if (s.usd_per_correct >= 0)
      out += fmt::format(", ${:.8f} per correct answer", s.usd_per_correct);
    out += "\n";
  }
  if (!s.run_id.empty()) out += "  stored as run " + s.run_id + "\n";
  if (!s.tail.empty()) {
    out += "  slowest 1% by item:";
    for (const TailItem& t : s.tail)
      out += fmt::format(" {} ({}/{})", t.item, t.in_tail, t.requests);
    out += "\n";
  }
  return out;
}

}  // namespace mmgate::load
