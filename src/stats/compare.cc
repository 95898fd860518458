#include "stats/compare.h"

#include <map>
#include <tuple>
#include <utility>

#include "score/metrics.h"
#include "stats/pairing.h"

namespace mmgate::stats {
namespace {

struct Cell {
  Aggregate base;
  Aggregate cand;
  int64_t base_errors = 0;
  int64_t cand_errors = 0;
};

SideBySide SideOf(const std::string& key, const std::string& value,
                  const Cell& c) {
  SideBySide s;
  s.slice_key = key;
  s.slice_value = value;
  s.n = c.base.n;
  s.baseline = c.base.value();
  s.candidate = c.cand.value();
  s.delta = s.candidate - s.baseline;
  s.baseline_errors = c.base_errors;
  s.candidate_errors = c.cand_errors;
  return s;
}

}  // namespace

void Aggregate::Add(const store::ScoreRecord& s) {
  ++n;
  numerator += s.numerator;
  denominator += s.denominator;
}

// (suite, metric) -> (slice key, slice value) -> cell; ("", "") is the suite
// total.
struct ComparisonBuilder::Cells {
  std::map<std::pair<std::string, std::string>,
           std::map<std::pair<std::string, std::string>, Cell>>
      by_metric;
};

ComparisonBuilder::ComparisonBuilder(
    std::string baseline_run, std::string candidate_run,
    std::vector<store::SuiteRecord> baseline_suites)
    : baseline_run_(std::move(baseline_run)),
      candidate_run_(std::move(candidate_run)),
      suites_(std::move(baseline_suites)),
      cells_(std::make_unique<Cells>()) {}

ComparisonBuilder::~ComparisonBuilder() = default;

void ComparisonBuilder::Add(const store::ItemResult& b,
                            const store::ItemResult& c) {
  auto& cells = cells_->by_metric;
  std::map<std::string, bool> metrics;
  for (const auto& [m, s] : b.scores) metrics[m] = true;
  for (const auto& [m, s] : c.scores) metrics[m] = true;
  for (const auto& [metric, unused] : metrics) {
    auto& by_slice = cells[{b.item.suite, metric}];
    auto bs = b.scores.find(metric);
    auto cs = c.scores.find(metric);
    bool paired = bs != b.scores.end() && cs != c.scores.end();
    auto add = [&](Cell& cell) {
      if (paired) {
        cell.base.Add(bs->second);
        cell.cand.Add(cs->second);
      }
    };
    add(by_slice[{"", ""}]);
    for (const auto& [k, v] : b.item.slices) add(by_slice[{k, v}]);
  }
  // Errors (never-run items included) count once per stratum, under every
  // metric of the suite.
  if (!Errored(b) && !Errored(c)) return;
  for (const store::SuiteRecord& s : suites_) {
    if (s.suite != b.item.suite) continue;
    for (const std::string& metric : s.metrics) {
      auto& by_slice = cells[{s.suite, metric}];
      auto count = [&](Cell& cell) {
        cell.base_errors += Errored(b);
        cell.cand_errors += Errored(c);
      };
      count(by_slice[{"", ""}]);
      for (const auto& [k, v] : b.item.slices) count(by_slice[{k, v}]);
    }
  }
}

Comparison ComparisonBuilder::Finish() const {
  Comparison out;
  out.baseline_run = baseline_run_;
  out.candidate_run = candidate_run_;
  std::map<std::string, const store::SuiteRecord*> suite_info;
  for (const store::SuiteRecord& s : suites_) suite_info[s.suite] = &s;
  for (const auto& [sm, by_slice] : cells_->by_metric) {
    SuiteComparison sc;
    sc.suite = sm.first;
    sc.metric = sm.second;
    if (auto it = suite_info.find(sc.suite); it != suite_info.end()) {
      sc.modality = it->second->modality;
    }
    const score::MetricInfo* info = score::FindMetric(sc.metric);
    sc.higher_is_better = info == nullptr || info->higher_is_better;
    for (const auto& [slice, cell] : by_slice) {
      if (slice.first.empty()) {
        sc.total = SideOf("", "", cell);
      } else {
        sc.slices.push_back(SideOf(slice.first, slice.second, cell));
      }
    }
    out.suites.push_back(std::move(sc));
  }
  return out;
}

Comparison Compare(const std::string& baseline_run,
                   const std::vector<store::ItemResult>& baseline,
                   const std::vector<store::SuiteRecord>& baseline_suites,
                   const std::string& candidate_run,
                   const std::vector<store::ItemResult>& candidate) {
  ComparisonBuilder builder(baseline_run, candidate_run, baseline_suites);
  Pairing pairing = PairItems(baseline, candidate);
  for (const auto& pair : pairing.pairs)
    builder.Add(*pair.baseline, *pair.candidate);
  Comparison out = builder.Finish();
  out.unmatched = std::move(pairing.unmatched);
  return out;
}

Result<Comparison> CompareRuns(store::Store* store,
                               const std::string& baseline_run,
                               const std::string& candidate_run) {
  for (const std::string& id : {baseline_run, candidate_run}) {
    auto run = store->GetRun(id);
    if (!run.ok()) return run.status();
    if (!run->has_value()) {
      return Status::NotFound("no run '" + id + "' in " + store->Describe());
    }
  }
  auto b = store->LoadResults(baseline_run);
  if (!b.ok()) return b.status();
  auto c = store->LoadResults(candidate_run);
  if (!c.ok()) return c.status();
  auto suites = store->GetSuites(baseline_run);
  if (!suites.ok()) return suites.status();
  return Compare(baseline_run, *b, *suites, candidate_run, *c);
}

}  // namespace mmgate::stats
