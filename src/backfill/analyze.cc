#include "backfill/analyze.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <future>

#include "backfill/decisions.h"
#include "backfill/replay.h"
#include "judge/labeling.h"
#include "trace/trace.h"

namespace mmgate::backfill {

namespace {

// The newest grade per trace of the run among reviewers' current labels
// (each reviewer's newest; one withdrawn by an undo on the labeling page
// no longer counts).
Result<std::map<std::string, std::string>> ReviewLabels(
    store::Store* store, const std::string& run_id) {
  auto labels = store->ListLabels({run_id, kSuiteName, "", ""});
  if (!labels.ok()) return labels.status();
  std::map<std::string, std::string> out;
  for (const store::LabelRecord& l : judge::Current(*labels))
    out[l.item_id] = l.grade;
  return out;
}

// Sets x from one stored decision, whose JSON is read in place. x is reused
// from row to row, so its strings keep their storage.
void ToReplayed(store::DecisionRow& d, DecisionReader* reader, Replayed* x) {
  x->trace_id.assign(d.trace_id);
  x->created_ms = d.created_ms;
  x->category.assign(d.category);
  x->old_decision.assign(d.decision);
  x->new_decision.reset();
  x->candidate_confidence = -1;
  if (d.has_facts) {
    x->modality.swap(d.modality);
    x->slices.swap(d.slices);
    x->ground_truth.swap(d.ground_truth);
    x->production_confidence = d.confidence;
  } else if (!reader->ReadInputs(&d.inputs_json, x)) {
    x->modality.clear();
    x->slices.clear();
    x->ground_truth.clear();
    x->production_confidence = -1;
    store::TraceRecord t;
    t.trace_id = d.trace_id;
    t.inputs_json = d.inputs_json;
    auto in = trace::ParseInputs(t);
    if (!in.ok()) return;  // unreadable inputs: not answered
    x->modality = in->modality;
    x->slices = in->slices;
    x->ground_truth = in->ground_truth;
    x->production_confidence = in->confidence;
  }
  if (!d.answered) return;
  std::string decision;
  double conf = -1;
  if (reader->ReadAnswer(&d.answer, &decision, &conf)) {
    x->new_decision = std::move(decision);
    x->candidate_confidence = conf;
  } else {
    auto [dec, c] = ParseCandidateAnswer(d.answer);
    x->new_decision = std::move(dec);
    x->candidate_confidence = c;
  }
}

constexpr int64_t kPageSize = 10000;

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
                              const std::map<std::string, double>& stakes,
                              const std::function<void(int64_t)>& progress) {
  auto labels = ReviewLabels(store, run_id);
  if (!labels.ok()) return labels.status();
  auto first = store->LoadResultsPage(run_id, kSuiteName, "", kPageSize);
  if (!first.ok()) return first.status();
  if (first->empty())
    return Status::Invalid("run " + run_id +
                           " replayed no traces (not a backfill run?)");
  const int64_t period = PeriodWeeks(*first);
  first->clear();
  FlipAnalyzer analyzer({}, period, stakes, std::move(*labels));
  // The history with the run's answers, a page at a time in trace id order,
  // so that neither is ever held whole. The next page is read on a second
  // thread while this one is analysed: the store's read and the analysis
  // cost about the same, so two cores take about half the wall time.
  std::map<StratumKey, int64_t> strata;
  DecisionReader reader;
  std::vector<store::DecisionRow> page, next;
  Replayed x;
  int64_t read = 0;
  MMGATE_RETURN_IF_ERROR(
      store->LoadDecisionsPage(run_id, kSuiteName, "", kPageSize, &page));
  while (!page.empty()) {
    std::future<Status> loading =
        std::async(std::launch::async, [&, after = page.back().trace_id] {
          return store->LoadDecisionsPage(run_id, kSuiteName, after, kPageSize,
                                          &next);
        });
    for (store::DecisionRow& d : page) {
      ++strata[{d.category, PeriodOf(d.created_ms, period)}];
      if (!d.in_run) continue;
      ToReplayed(d, &reader, &x);
      analyzer.Add(x);
    }
    read += static_cast<int64_t>(page.size());
    if (progress) progress(read);
    MMGATE_RETURN_IF_ERROR(loading.get());
    page.swap(next);
  }
  analyzer.SetPopulation(std::move(strata));
  return analyzer.Finish();
}

}  // namespace mmgate::backfill
