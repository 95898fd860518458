// The figures of a load run: latency percentiles from the histogram, measured
// from the schedule and from the send; streaming times; dispatch lag;
// achieved rate against the schedule and the target, per stage; throughput,
// goodput against a latency budget; errors by kind (errors never enter a
// latency figure); per-window percentiles over time; the items behind the
// slowest 1%. Text for the terminal, JSON for --json and the HTML page.
//
// Thread-safety: pure functions of their arguments.
#ifndef MMGATE_LOAD_SUMMARY_H_
#define MMGATE_LOAD_SUMMARY_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "load/driver.h"
#include "load/histogram.h"
#include "load/schedule.h"

namespace mmgate::load {

struct Percentiles {
  int64_t n = 0;
  double mean_ms = 0, p50_ms = 0, p90_ms = 0, p95_ms = 0, p99_ms = 0,
         p999_ms = 0, max_ms = 0;
};
Percentiles FromHistogram(const Histogram& h);  // h in nanoseconds

struct StageSummary {
  std::string label;
  double target_rate = 0;  // req/s offered (open stages)
  int concurrency = 0;     // closed stages
  int64_t scheduled = 0, sent = 0, ok = 0, errors = 0;
  int64_t late = 0;          // not sent within max_lag (driver.h)
  double schedule_rate = 0;  // (n-1) / span of the scheduled times
  double achieved_rate = 0;  // (n-1) / span of the actual sends
  double rate_error = 0;     // achieved / schedule - 1
  double throughput = 0;     // successes per second of the stage
  Percentiles latency;       // from the schedule
  Percentiles latency_send;  // from the send
  Percentiles lag;           // actual send - scheduled
  double quality = -1;       // mean primary score of the stage's answers
  // Paired against the first stage: the mean over items answered in both of
  // (this stage's score - the first stage's), and how many items that is.
  double quality_delta = 0;
  int64_t paired_items = 0;
};

struct Window {
  double t_s = 0;  // window start
  int64_t n = 0, errors = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0;  // from the schedule
};

// Latency per modality (from the schedule) against its budget, if any.
struct ModalitySummary {
  std::string modality;
  int64_t ok = 0, errors = 0;
  Percentiles latency;
  double budget_ms = 0;       // 0: no budget
  double within_budget = -1;  // share of successes within it
  bool over_budget = false;   // P99 above the budget
};

struct TailItem {
  std::string item;
  int64_t in_tail = 0;  // of its requests among the slowest 1%
  int64_t requests = 0;
  double max_ms = 0;
};

struct Summary {
  std::string profile;
  double duration_s = 0;
  bool interrupted = false;
  int64_t scheduled = 0, sent = 0, not_sent = 0, ok = 0, errors = 0,
          abandoned = 0;
  // Not sent within max_lag of the schedule: the client's limit, counted
  // here and in no latency figure.
  int64_t late = 0;
  std::map<std::string, int64_t> errors_by_kind;
  std::vector<std::string> error_examples;  // first few, one per kind
  Percentiles latency;          // end to end, from the scheduled time
  Percentiles latency_send;     // end to end, from the actual send (naive)
  Percentiles ttft, itl, tpot;  // streams (from the send)
  Percentiles lag;              // actual send - scheduled
  Percentiles timer_lag;  // actual send - planned (the driver's own delay)
  double throughput = 0;  // successes per second
  double output_tokens_per_s = 0;
  double slo_ms = 0;   // 0: no budget given
  double goodput = 0;  // successes within the budget per second
  std::vector<StageSummary> stages;
  std::vector<Window> windows;
  std::vector<TailItem> tail;
  std::vector<ModalitySummary> modalities;
  double histogram_relative_error = 0;
  // Quality and cost (load/quality.h); quality -1: not scored.
  double quality = -1;
  int64_t scored = 0;
  bool priced = false;
  int64_t input_tokens = 0, output_tokens = 0;
  double cost_usd = 0, cost_per_query = 0, usd_per_mtok = 0;
  double usd_per_correct = -1;  // -1: nothing correct
  std::string run_id;           // the stored run, if any
  // Items that failed before any request (over an input cap), each with its
  // reason; never sent, so in no request count or latency figure.
  std::vector<std::string> failed_items;
};

struct SummaryOptions {
  double slo_ms = 0;
  double window_s = 1;
  std::vector<std::string> item_ids;         // names for the tail report
  std::vector<std::string> item_modalities;  // per item, for the budgets
  std::map<std::string, double> budgets_ms;  // modality -> P99 budget
};

Summary Summarize(const Schedule& schedule, const RunResult& run,
                  const SummaryOptions& options);
nlohmann::json ToJson(const Summary& s);
std::string ToText(const Summary& s);

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_SUMMARY_H_
