#include "backfill/analyze.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "backfill/replay.h"
#include "trace/trace.h"

namespace mmgate::backfill {

namespace {

// Reviewers' newest grade per trace of the run.
Result<std::map<std::string, std::string>> ReviewLabels(
    store::Store* store, const std::string& run_id) {
  auto labels = store->ListLabels({run_id, kSuiteName, "", ""});
  if (!labels.ok()) return labels.status();
  std::map<std::string, std::string> out;
  for (const store::LabelRecord& l : *labels) out[l.item_id] = l.grade;
  return out;
}

Replayed ToReplayed(const store::TraceRecord& t, const store::ItemResult& r) {
  Replayed x;
  x.trace_id = t.trace_id;
  x.created_ms = t.created_ms;
  x.category = t.category;
  x.old_decision = t.decision;
  auto in = trace::ParseInputs(t);
  if (in.ok()) {
    x.modality = in->modality;
    x.slices = in->slices;
    x.ground_truth = in->ground_truth;
    x.production_confidence = in->confidence;
  }
  if (in.ok() && r.response && r.response->answer) {
    auto [decision, conf] = ParseCandidateAnswer(*r.response->answer);
    x.new_decision = decision;
    x.candidate_confidence = conf;
  }
  return x;
}

}  // namespace

int64_t PeriodWeeks(const std::vector<store::ItemResult>& results) {
  for (const store::ItemResult& r : results) {
    if (r.item.suite != kSuiteName) continue;
    for (const auto& [k, v] : r.item.slices)
      if (k == kPeriodSlice) return std::max<int64_t>(1, std::atoll(v.c_str()));
  }
  return 1;
}

Result<FlipReport> AnalyzeRun(store::Store* store, const std::string& run_id,
                              const std::map<std::string, double>& stakes) {
  auto traces = store->ListTraces({});
  if (!traces.ok()) return traces.status();
  std::unordered_map<std::string, const store::TraceRecord*> by_id;
  for (const store::TraceRecord& t : *traces) by_id[t.trace_id] = &t;
  auto results = store->LoadResults(run_id);
  if (!results.ok()) return results.status();
  auto labels = ReviewLabels(store, run_id);
  if (!labels.ok()) return labels.status();
  const int64_t period = PeriodWeeks(*results);
  FlipAnalyzer analyzer(CountStrata(*traces, period), period, stakes,
                        std::move(*labels));
  bool any = false;
  for (const store::ItemResult& r : *results) {
    if (r.item.suite != kSuiteName) continue;
    any = true;
    auto t = by_id.find(r.item.item_id);
    if (t == by_id.end()) continue;  // the trace left the store
    analyzer.Add(ToReplayed(*t->second, r));
  }
  if (!any)
    return Status::Invalid("run " + run_id +
                           " replayed no traces (not a backfill run?)");
  return analyzer.Finish();
}

}  // namespace mmgate::backfill
