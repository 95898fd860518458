// mmgate load: open-loop traffic from a profile against a model's endpoint
// (src/load/), with latency from the schedule and from the send, a live
// progress line, and the report as text, JSON and an HTML page.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "common/files.h"
#include "ground/input_text.h"
#include "load/driver.h"
#include "load/html.h"
#include "load/prepare.h"
#include "load/quality.h"
#include "load/summary.h"
#include "project.h"
#include "runner/plan.h"

namespace mmgate::cli {
namespace {

struct LoadFlags {
  std::string config = "mmgate.yaml";
  load::LoadOptions options;
  int max_in_flight = 0;
  double catch_up = 1;
  double max_lag_s = 1;
  double slo_ms = 0;
  double window_s = 1;
  std::string report;
  std::string html;
  bool json = false;
  bool quiet = false;
  bool score = false;
  std::vector<std::string> budgets;  // MODALITY=MS
  std::string db;
  std::string run_id;
};

// Prints the progress line about once a second until told to stop: on a
// terminal it rewrites one line, elsewhere it prints one every 10 s.
class ProgressLine {
 public:
  ProgressLine(const load::Driver* driver, double total_s, bool enabled)
      : driver_(driver), total_s_(total_s) {
    if (enabled) thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressLine() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    bool tty = isatty(2);
    int tick = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (
        !cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) {
      ++tick;
      if (!tty && tick % 10 != 0) continue;
      load::Progress p = driver_->Snapshot();
      std::fprintf(
          stderr,
          "%sload: %5.1f/%.0f s  sent %lld  done %lld  errors %lld  in "
          "flight %lld  not sent in time %lld%s",
          tty ? "\r\033[K" : "", p.elapsed_ns / 1e9, total_s_,
          static_cast<long long>(p.sent), static_cast<long long>(p.done),
          static_cast<long long>(p.errors), static_cast<long long>(p.in_flight),
          static_cast<long long>(p.late), tty ? "" : "\n");
      std::fflush(stderr);
    }
    if (tty && tick > 0) std::fprintf(stderr, "\r\033[K");
  }

  const load::Driver* driver_;
  double total_s_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

Status WriteOutputs(const LoadFlags& f, const load::Summary& s) {
  if (!f.report.empty()) {
    Status st = WriteFileAtomic(f.report, load::ToJson(s).dump(2) + "\n");
    if (!st.ok()) return st;
  }
  if (!f.html.empty()) {
    Status st = WriteFileAtomic(f.html, load::RenderHtml(s, f.window_s));
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

// Scores the answers, stores the run and fills the summary's quality figures.
Status ScoreAndStore(const LoadFlags& f, const ProjectConfig& project,
                     const load::Prepared& p, const load::RunResult& run,
                     const std::optional<Price>& price, Clock* clock,
                     load::Summary* s) {
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return store.status();
  std::string run_id = f.run_id;
  if (run_id.empty()) {
    auto fresh =
        runner::FreshRunId("load-" + f.options.model, clock, store->get());
    if (!fresh.ok()) return fresh.status();
    run_id = *fresh;
  }
  std::vector<runner::WorkItem> work;
  for (const load::LoadItem& li : p.items) work.push_back({li.suite, li.item});
  std::unique_ptr<ground::InputTextCache> cache;
  runner::ExecutorConfig ec;
  ec.run_id = run_id;
  ec.model_version = p.model_version;
  ec.price = price;
  ec.score =
      runner::MetricScorer(runner::RunScoreContext(project, work, {}, &cache));
  runner::ItemExecutor executor(ec, store->get(), clock);
  std::vector<double> scores = load::ScoreAnswers(p, run, &executor);
  load::AddQualityAndCost(run, scores, price, s);
  load::StoreOptions so{run_id, f.options.model, project.path, price};
  auto stored =
      load::StoreLoadRun(project, p, run, so, store->get(), clock, &executor);
  if (!stored.ok()) return stored.status();
  s->run_id = *stored;
  return Status::Ok();
}

Result<std::map<std::string, double>> ParseBudgets(
    const std::vector<std::string>& given) {
  std::map<std::string, double> out;
  for (const std::string& b : given) {
    size_t eq = b.find('=');
    char* end = nullptr;
    double ms =
        eq == std::string::npos ? 0 : std::strtod(b.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || *end != '\0' || !(ms > 0))
      return Status::Invalid("--budget " + b +
                             ": expected MODALITY=MS, e.g. image=2000");
    out[b.substr(0, eq)] = ms;
  }
  return out;
}

// The policy's P99 budgets of whole modalities (`gate.budgets`, or latency_p99
// SLOs scoped by modality alone), which the run checks itself; `given`
// (--budget) replaces a modality's. Slice and P50/P95 budgets are gated by
// `mmgate gate` on the stored run.
std::map<std::string, double> Budgets(
    const gate::Policy& policy, const std::map<std::string, double>& given) {
  std::map<std::string, double> out;
  for (const gate::Slo& slo : policy.slos) {
    if (slo.figure != gate::SloFigure::kLatencyP99 || !slo.at_most ||
        slo.modality.empty() || !slo.slice_key.empty())
      continue;
    auto [it, added] = out.emplace(slo.modality, slo.threshold);
    if (!added) it->second = std::min(it->second, slo.threshold);
  }
  for (const auto& [modality, ms] : given) out[modality] = ms;
  return out;
}

int LoadCommand(LoadFlags& f) {
  f.options.keep_answers = f.score;
  auto given = ParseBudgets(f.budgets);
  if (!given.ok()) return Fail("load", given.status());
  auto cfg = LoadConfigFile(f.config);
  if (!cfg.ok()) return Fail("load", cfg.status());
  const std::map<std::string, double> budgets = Budgets(cfg->policy, *given);
  SystemClock clock;
  auto prepared = load::Prepare(cfg->project, f.options, &clock);
  if (!prepared.ok()) return Fail("load", prepared.status());
  load::Prepared& p = *prepared;
  for (const std::string& s : p.skipped)
    std::fprintf(stderr, "mmgate load: item left out: %s\n",
                 TerminalSafe(s).c_str());
  for (const std::string& s : p.over_cap_reasons)
    std::fprintf(stderr, "mmgate load: item failed: %s\n",
                 TerminalSafe(s).c_str());
  if (!f.quiet && !f.json) {
    std::fprintf(stderr,
                 "mmgate load: %s at %s, %zu requests scheduled over %.0f s "
                 "(%zu items)\n",
                 p.schedule.profile.c_str(), p.base_url.c_str(),
                 p.schedule.arrivals.size(), f.options.limits.duration_s,
                 p.items.size());
  }
  load::RealSleeper sleeper;
  load::DriverOptions dopt;
  dopt.max_in_flight = f.max_in_flight;
  dopt.catch_up = f.catch_up;
  dopt.max_requests = f.options.limits.max_requests;
  // HTTP/1.1 carries one request per connection: more handed to libcurl
  // would only queue inside it, hidden from the dispatch lag.
  dopt.client_window = static_cast<int>(std::min<long>(
      f.options.connections * std::max(1, f.options.event_loops), 1 << 20));
  dopt.max_lag = std::chrono::nanoseconds(
      static_cast<int64_t>(std::max(0.0, f.max_lag_s) * 1e9));
  dopt.stop = InstallStopHandler();
  load::Driver driver(&clock, &sleeper, p.sender.get(), dopt);
  load::RunResult run;
  {
    ProgressLine progress(&driver, f.options.limits.duration_s, !f.quiet);
    size_t n = p.items.size();
    std::map<std::string, size_t> by_id;
    for (size_t i = 0; i < n; ++i) by_id[p.items[i].item->id] = i;
    run = driver.Run(p.schedule, [&](int64_t index, const std::string& id) {
      auto it = id.empty() ? by_id.end() : by_id.find(id);
      return it != by_id.end() ? it->second : static_cast<size_t>(index) % n;
    });
  }
  load::SummaryOptions so;
  so.slo_ms = f.slo_ms;
  so.window_s = f.window_s;
  so.item_ids = p.ids;
  so.budgets_ms = budgets;
  for (const load::LoadItem& li : p.items)
    so.item_modalities.push_back(li.item->modality);
  load::Summary s = load::Summarize(p.schedule, run, so);
  s.failed_items = p.over_cap_reasons;
  auto price = runner::PriceOf(cfg->project, f.options.model);
  if (!price.ok()) return Fail("load", price.status());
  if (f.score) {
    Status st = ScoreAndStore(f, cfg->project, p, run, *price, &clock, &s);
    if (!st.ok()) {
      std::fprintf(stderr, "mmgate load: answers not scored or stored: %s\n",
                   TerminalSafe(st.message()).c_str());
    }
  } else {
    load::AddQualityAndCost(run, {}, *price, &s);
  }
  if (f.json)
    std::printf("%s\n", load::ToJson(s).dump(2).c_str());
  else
    std::printf("%s", TerminalSafe(load::ToText(s)).c_str());
  Status st = WriteOutputs(f, s);
  if (!st.ok()) return Fail("load", st);
  if (run.interrupted) return kExitInterrupted;
  if (s.sent > 0 && s.ok == 0) return kExitAllFailed;
  for (const load::ModalitySummary& m : s.modalities)
    if (m.over_budget) return kExitBlocked;
  return kExitOk;
}

}  // namespace

namespace {

// Budgets, caps, scoring and where the report goes.
void AddQualityOptions(CLI::App* sub, LoadFlags* f) {
  load::LoadOptions& o = f->options;
  sub->add_option("--budget", f->budgets,
                  "MODALITY=MS: P99 latency budget (from the schedule) of a "
                  "modality, replacing gate.budgets' for it; one over it "
                  "exits 1 (blocked)");
  sub->add_option("--max-image-bytes", o.caps.image_bytes,
                  "items with a larger image fail before any request "
                  "(replaces every modality's caps.image_bytes)");
  sub->add_option("--max-image-pixels", o.caps.image_pixels,
                  "items with an image of more pixels fail (replaces "
                  "caps.image_pixels)");
  sub->add_option("--max-audio-seconds", o.caps.audio_seconds,
                  "items with longer audio fail (replaces "
                  "caps.audio_seconds)");
  sub->add_flag("--score", f->score,
                "score every answer with its suite's metric (quality per "
                "stage) and store the run, to gate it against an idle run");
  sub->add_option("--db", f->db,
                  "--score: results database (default .mmgate/results.db "
                  "beside the config)");
  sub->add_option("--run-id", f->run_id,
                  "--score: id of the stored run (default load-MODEL-TIME)");
}

}  // namespace

void AddLoadCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<LoadFlags>();
  load::LoadOptions& o = f->options;
  sub->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  sub->add_option("-m,--model", o.model,
                  "model to load (an openai, anthropic or gemini entry; local "
                  "engines through `mmgate serve --engines`)")
      ->required();
  sub->add_option("--profile", o.profile,
                  "traffic: constant:rate=R | poisson:rate=R | "
                  "gamma:rate=R,burstiness=B | ramp:from=A,to=B | "
                  "burst:rate=R,size=N,every=S | sustained:rate=R | "
                  "step:rates=A/B/C,each=S | sweep:levels=1/2/4,each=S | "
                  "replay:file=TRACE")
      ->required();
  sub->add_option("-s,--suite", o.suites,
                  "suites whose items are sent (default: all)");
  sub->add_option("--duration", o.limits.duration_s,
                  "seconds of traffic at most")
      ->capture_default_str();
  sub->add_option("--max-requests", o.limits.max_requests, "requests at most")
      ->capture_default_str();
  sub->add_option("--seed", o.limits.seed, "seed of the arrival times")
      ->capture_default_str();
  sub->add_option("--concurrency", f->max_in_flight,
                  "cap on requests in flight (0: none); held requests are "
                  "released no faster than the target rate");
  sub->add_option("--catch-up", f->catch_up,
                  "--concurrency: held requests go out at up to this multiple "
                  "of the target rate (1: never above it; a backlog then "
                  "stays)")
      ->capture_default_str();
  sub->add_option("--max-lag", f->max_lag_s,
                  "seconds: a request the client cannot send within this of "
                  "its scheduled time (every connection busy, or the client "
                  "behind) is not sent and counted as not sent in time, "
                  "never as a latency (0: no limit)")
      ->capture_default_str();
  sub->add_option("--timeout", o.timeout_s,
                  "seconds per request (default: the model's timeout_s)");
  sub->add_flag("--stream", o.stream,
                "stream answers (TTFT, inter-token latency) even if the model "
                "does not");
  sub->add_option("--slo-ms", f->slo_ms,
                  "latency budget in ms for goodput (from the schedule)");
  sub->add_option("--window", f->window_s,
                  "seconds per window of the percentile-over-time series")
      ->capture_default_str();
  sub->add_option("--event-loops", o.event_loops, "libcurl event-loop threads")
      ->capture_default_str();
  sub->add_option("--connections", o.connections,
                  "connections to the host per event loop; also the most "
                  "requests handed to each loop at once")
      ->capture_default_str();
  sub->add_flag("--allow-remote", o.allow_remote,
                "allow a base_url that is not on this machine");
  sub->add_option("--report", f->report, "write the JSON report to FILE");
  sub->add_option("--html", f->html, "write the HTML report to FILE");
  sub->add_flag("--json", f->json, "print the report as JSON");
  sub->add_flag("-q,--quiet", f->quiet, "no progress line");
  AddQualityOptions(sub, f.get());
  sub->callback([f, exit_code] { *exit_code = LoadCommand(*f); });
}

}  // namespace mmgate::cli
