// Flip analysis of a backfill: production's decision against the
// candidate's on each replayed trace, per category, modality and slice value
// (and overall). A flip is a changed decision (compared trimmed and
// case-folded); a negative flip is a trace whose ground truth production
// matched and the candidate does not (MUSCLE, arXiv 2407.09435).
//
// Rates are extrapolated to the whole history with the stratified
// estimator: each replayed trace of stratum h (category x period) weighs
// N_h / n_h (n_h: traces of the stratum answered), a group's rate is the
// weighted ratio, its variance the stratified linearization with the
// finite-population correction, and its 95% interval Wilson's at the
// effective sample size p(1-p)/var (Korn & Graubard). Traces drawn but not
// answered are treated as missing at random within their stratum; a stratum
// with no answered trace cannot be extrapolated to and is counted apart
// (FlipReport::uncovered).
// McNemar (exact) compares production and candidate on the replayed traces
// with ground truth.
//
// The analyzer streams: Add() one replayed trace at a time (memory grows with
// groups, strata, distinct decisions and flips, not with traces), then
// Finish(). Not thread-safe.
#ifndef MMGATE_BACKFILL_FLIPS_H_
#define MMGATE_BACKFILL_FLIPS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backfill/sample.h"

namespace mmgate::backfill {

// One replayed trace.
struct Replayed {
  std::string trace_id;
  int64_t created_ms = 0;
  std::string category;
  std::string modality;
  std::vector<std::pair<std::string, std::string>> slices;  // the trace's
  std::string old_decision;
  std::optional<std::string> new_decision;  // unset: not answered
  std::string ground_truth;                 // empty: unknown
  double production_confidence = -1;        // -1: not given
  double candidate_confidence = -1;
};

// The candidate's decision and confidence from its answer: an answer that is
// a JSON object with "decision" (and optionally "confidence") gives both,
// any other answer is the decision itself.
std::pair<std::string, double> ParseCandidateAnswer(const std::string& answer);

// Trimmed, ASCII case-folded: how decisions are compared.
std::string NormalizeDecision(const std::string& d);
// The same into *out, whose storage is reused.
void NormalizeDecisionInto(std::string_view d, std::string* out);

struct RateEstimate {
  int64_t n = 0;       // replayed traces in the group (the denominator)
  int64_t events = 0;  // of them flipped (or negatively flipped...)
  double rate = 0;
  double lo = 0, hi = 0;  // 95%
  double population = 0;  // estimated traces of the group in the history
  double count = 0, count_lo = 0, count_hi = 0;  // extrapolated events
};

struct MatrixCell {
  std::string old_decision, new_decision;
  int64_t n = 0;         // replayed
  double estimated = 0;  // extrapolated to the history
};

struct GroupFlips {
  std::string dimension;  // all | category | modality | slice:KEY
  std::string value;
  RateEstimate flip;
  // Over the traces with ground truth; n == 0 when none has it.
  RateEstimate negative_flip;
  int64_t old_right_new_wrong = 0, old_wrong_new_right = 0;  // ground truth
  double mcnemar_p = 1;  // two-sided exact; 1 without discordant pairs
  std::vector<MatrixCell> matrix;  // by count, largest first
};

struct Contested {
  std::string trace_id;
  int64_t created_ms = 0;
  std::string category, modality;
  double stakes = 1;
  std::string old_decision, new_decision, ground_truth;
  double production_confidence = -1, candidate_confidence = -1;
  bool negative = false;
  std::vector<std::pair<std::string, std::string>> slices;
};

struct FlipReport {
  int64_t population = 0;  // traces in the history
  int64_t drawn = 0;       // replayed traces added
  int64_t answered = 0;
  // Traces of the history in strata with no answered replay: the rates
  // describe the rest of the history.
  int64_t uncovered = 0;
  std::vector<GroupFlips> groups;  // all, then by dimension and value
  // Flips, by category stakes (highest first), then the candidate's
  // confidence (highest first), then trace id.
  std::vector<Contested> contested;
  // Reviewed flips: how often the candidate is right (labels "new").
  RateEstimate review;
};

class FlipAnalyzer {
 public:
  // population: traces per stratum (of `period_weeks`) in the history;
  // stakes by category (absent: 1); labels: trace id -> "new" | "old" |
  // "neither", for the reviewed flips.
  FlipAnalyzer(std::map<StratumKey, int64_t> population, int64_t period_weeks,
               std::map<std::string, double> stakes,
               std::map<std::string, std::string> labels = {});
  // Not copyable: cells hold addresses into their group's matrix.
  FlipAnalyzer(const FlipAnalyzer&) = delete;
  FlipAnalyzer& operator=(const FlipAnalyzer&) = delete;
  void Add(const Replayed& r);
  // Replaces the history's strata given to the constructor, for a caller
  // that counts them while it streams the replays in (before Finish).
  void SetPopulation(std::map<StratumKey, int64_t> population);
  FlipReport Finish();

 private:
  struct Cell {
    int64_t m = 0, a = 0;                // in the group; flipped
    int64_t m_gt = 0, a_neg = 0;         // with ground truth; negative flips
    int64_t old_only = 0, new_only = 0;  // McNemar's discordant pairs
    // The group's matrix entries of this stratum by old x new decision id,
    // once looked up (both ids under kFewDecisions).
    std::vector<int64_t*> pairs;
  };
  struct Group {
    std::string dimension, value;
    std::vector<Cell> cells;                       // by stratum id
    std::unordered_map<uint64_t, int64_t> matrix;  // (old, new, stratum)
  };
  // The last group added at each slot of Add (all, category, modality, the
  // n-th slice).
  struct LastGroup {
    std::string dim, value;
    int id = -1;
  };
  static constexpr int kFewDecisions = 8;
  int Intern(const std::string& s);
  int GroupOf(size_t slot, std::string_view prefix, std::string_view dim,
              std::string_view value);
  int StratumOf(const Replayed& r);
  void AddTo(int group, int stratum, int old_id, int new_id, bool flip,
             bool has_gt, bool negative, bool new_right, bool old_right);
  GroupFlips Summarize(const Group& g) const;

  std::map<StratumKey, int64_t> population_;
  int64_t period_weeks_;
  std::map<std::string, double> stakes_;
  std::map<std::string, std::string> labels_;
  std::map<StratumKey, int> stratum_ids_;
  std::vector<int64_t> stratum_n_;  // answered per stratum
  std::vector<int64_t> stratum_N_;
  // By length of the dimension (4 bytes), dimension, value.
  std::unordered_map<std::string, int> group_ids_;
  std::string key_;
  std::vector<LastGroup> last_;
  std::string old_n_, new_n_, gt_n_;  // Add's normalized decisions
  std::vector<Group> groups_;
  std::unordered_map<std::string, int> decision_ids_;
  std::vector<std::string> decisions_;
  Group review_;  // m: labelled flips, a: candidate right
  FlipReport report_;
};

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_FLIPS_H_
