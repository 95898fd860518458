#include "backfill/analyze.h"

#include <algorithm>
#include <cstdlib>
#include <functional>

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

Replayed ToReplayed(const store::TraceRecord& t, const store::ItemResult& r,
                    DecisionReader* reader) {
  Replayed x;
  x.trace_id = t.trace_id;
  x.created_ms = t.created_ms;
  x.category = t.category;
  x.old_decision = t.decision;
  bool ok = reader->ReadInputs(t.inputs_json, &x);
  if (!ok) {
    auto in = trace::ParseInputs(t);
    ok = in.ok();
    if (ok) {
      x.modality = in->modality;
      x.slices = in->slices;
      x.ground_truth = in->ground_truth;
      x.production_confidence = in->confidence;
    }
  }
  if (ok && r.response && r.response->answer) {
    const std::string& answer = *r.response->answer;
    std::string decision;
    double conf = -1;
    if (reader->ReadAnswer(answer, &decision, &conf)) {
      x.new_decision = std::move(decision);
      x.candidate_confidence = conf;
    } else {
      auto [d, c] = ParseCandidateAnswer(answer);
      x.new_decision = std::move(d);
      x.candidate_confidence = c;
    }
  }
  return x;
}

constexpr int64_t kPageSize = 10000;

// The run's backfill items, a page at a time, in id order. An item whose
// trace left the store is passed over.
class ItemCursor {
 public:
  ItemCursor(store::Store* store, const std::string& run_id)
      : store_(store), run_id_(run_id) {}

  Status Start() { return Load(""); }
  bool empty() const { return page_.empty(); }
  int64_t period_weeks() const { return PeriodWeeks(page_); }

  // The item of `trace_id`, or null when the run has none; ids must come in
  // increasing order.
  Result<const store::ItemResult*> Seek(const std::string& trace_id) {
    for (;;) {
      if (next_ == page_.size()) {
        if (done_) return nullptr;
        MMGATE_RETURN_IF_ERROR(Load(page_.back().item.item_id));
        if (page_.empty()) return nullptr;
      }
      const std::string& id = page_[next_].item.item_id;
      if (id == trace_id) return &page_[next_++];
      if (id > trace_id) return nullptr;
      ++next_;
    }
  }

 private:
  Status Load(const std::string& after) {
    auto page = store_->LoadResultsPage(run_id_, kSuiteName, after, kPageSize);
    if (!page.ok()) return page.status();
    page_ = std::move(*page);
    next_ = 0;
    done_ = static_cast<int64_t>(page_.size()) < kPageSize;
    return Status::Ok();
  }

  store::Store* store_;
  std::string run_id_;
  std::vector<store::ItemResult> page_;
  size_t next_ = 0;
  bool done_ = false;
};

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
  ItemCursor items(store, run_id);
  MMGATE_RETURN_IF_ERROR(items.Start());
  if (items.empty())
    return Status::Invalid("run " + run_id +
                           " replayed no traces (not a backfill run?)");
  const int64_t period = items.period_weeks();
  FlipAnalyzer analyzer({}, period, stakes, std::move(*labels));
  // The history and the run's items, both paged in id order, are merged so
  // that neither is ever held whole.
  std::map<StratumKey, int64_t> strata;
  DecisionReader reader;
  std::string after;
  int64_t read = 0;
  for (;;) {
    auto page = store->ListTracesPage({}, after, kPageSize);
    if (!page.ok()) return page.status();
    if (page->empty()) break;
    for (const store::TraceRecord& t : *page) {
      ++strata[{t.category, PeriodOf(t.created_ms, period)}];
      auto item = items.Seek(t.trace_id);
      if (!item.ok()) return item.status();
      if (*item) analyzer.Add(ToReplayed(t, **item, &reader));
    }
    after = page->back().trace_id;
    read += static_cast<int64_t>(page->size());
    if (progress) progress(read);
  }
  analyzer.SetPopulation(std::move(strata));
  return analyzer.Finish();
}

}  // namespace mmgate::backfill
