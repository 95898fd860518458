// Pairs two runs item by item (stats/pairing.h: same suite, item id and
// content hash, the gate's pairing) and aggregates each metric per suite and
// per slice value, side by side. Suites are never pooled: every figure belongs
// to one suite, hence one modality.
#ifndef MMGATE_STATS_COMPARE_H_
#define MMGATE_STATS_COMPARE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace mmgate::stats {

// sum(numerator) / sum(denominator) over items: corpus WER for wer/cer, a mean
// for every other metric.
struct Aggregate {
  int64_t n = 0;
  double numerator = 0;
  double denominator = 0;
  void Add(const store::ScoreRecord& s);
  double value() const { return denominator > 0 ? numerator / denominator : 0; }
};

struct SideBySide {
  std::string slice_key;  // empty for the whole suite
  std::string slice_value;
  int64_t n = 0;  // items scored in both runs
  double baseline = 0;
  double candidate = 0;
  double delta = 0;  // candidate - baseline, on the metric's scale
  // Items of this stratum that errored in that run: failed, or never run
  // (stats::Errored).
  int64_t baseline_errors = 0;
  int64_t candidate_errors = 0;
};

struct SuiteComparison {
  std::string suite;
  std::string modality;
  std::string metric;
  bool higher_is_better = true;
  SideBySide total;
  std::vector<SideBySide> slices;  // sorted by key, then value
};

struct Comparison {
  std::string baseline_run;
  std::string candidate_run;
  std::vector<SuiteComparison> suites;  // one per (suite, metric)
  // "suite/item" of items present in only one run or whose content changed.
  std::vector<std::string> unmatched;
};

// Compare's aggregation fed one pair at a time, for runs too large to hold
// (read from the store a page at a time). Pairs added in any order give the
// same suites as Compare over them; unmatched items are the caller's to
// list. Thread-compatible.
class ComparisonBuilder {
 public:
  ComparisonBuilder(std::string baseline_run, std::string candidate_run,
                    std::vector<store::SuiteRecord> baseline_suites);
  ~ComparisonBuilder();
  ComparisonBuilder(const ComparisonBuilder&) = delete;
  ComparisonBuilder& operator=(const ComparisonBuilder&) = delete;

  // One paired item: same suite, item id and content hash in both runs.
  void Add(const store::ItemResult& baseline,
           const store::ItemResult& candidate);
  // The comparison of every pair added (its `unmatched` empty).
  Comparison Finish() const;

 private:
  struct Cells;
  std::string baseline_run_;
  std::string candidate_run_;
  std::vector<store::SuiteRecord> suites_;
  std::unique_ptr<Cells> cells_;
};

Comparison Compare(const std::string& baseline_run,
                   const std::vector<store::ItemResult>& baseline,
                   const std::vector<store::SuiteRecord>& baseline_suites,
                   const std::string& candidate_run,
                   const std::vector<store::ItemResult>& candidate);

// Loads both runs from the store and compares them; an unknown run is an error.
Result<Comparison> CompareRuns(store::Store* store,
                               const std::string& baseline_run,
                               const std::string& candidate_run);

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_COMPARE_H_
