// What the labeling page (serve/label_page.h) shows and stores: the queue of
// answers to grade (each judge-scored suite's items with a stored run's
// answers; with two runs, both answers of an item, in a seeded random order
// that hides which run gave which; a run made by `mmgate mine` brings its
// own suites and rubrics: the logged answers), people's labels written through
// the store, agreement between graders, and the gold JSONL export that `mmgate
// calibrate` reads (labels_file.h).
//
// Labels are only ever added: an undo adds a label withdrawing the grader's
// latest one, and every figure uses each grader's newest label per answer.
// Thread-safe: no state; the store serialises.
#ifndef MMGATE_JUDGE_LABELING_H_
#define MMGATE_JUDGE_LABELING_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "mine/queue.h"
#include "store/store.h"

namespace mmgate::judge {

inline constexpr const char* kWithdrawn = "withdrawn";

struct LabelTask {
  std::string key;  // "suite/item/run": what a label is about
  const Suite* suite = nullptr;
  const Item* item = nullptr;
  const Rubric* rubric = nullptr;  // the grades and failure modes offered
  std::string run_id;
  std::string answer;
  // With two runs: the other run's answer to the same item (shown beside it,
  // never named), and which of the two this is ("1" or "2").
  std::optional<std::string> other_answer;
  std::string position;
  // A blinded comparison (a backfill's flip review): the grade chosen on the
  // page -> the grade stored ("A" -> "new"); empty: stored as chosen.
  std::map<std::string, std::string> store_as;
};

// The tasks, and the mined runs whose suites, items and rubrics they point
// at (config suites are the config's).
struct LabelQueue {
  std::vector<LabelTask> tasks;
  std::vector<std::unique_ptr<mine::MinedRun>> mined;
};

// Judge-scored suites only (their rubric gives the grades); `runs` one or
// two stored runs. A run without an answer to an item leaves it out. A
// mined run is labelled on its own (its answers are production's).
Result<LabelQueue> BuildQueue(const config::Config& cfg, store::Store* store,
                              const std::vector<std::string>& runs,
                              uint64_t seed);

// The task as the page's JSON (text only; media as URLs /media/INDEX/N).
nlohmann::json TaskJson(const LabelTask& t, size_t index);

// Each grader's newest label per (run, suite, item), withdrawn ones dropped.
std::vector<store::LabelRecord> Current(
    const std::vector<store::LabelRecord>& all);

struct GraderAgreement {
  std::string grader_a, grader_b;
  int64_t n = 0;  // answers both graded
  double raw = 0;
  std::optional<double> kappa;  // quadratic for ordinal scales, else plain
  std::string kappa_kind;
};

// Cohen's kappa between every two graders on the answers both graded, per
// rubric scale (labels of suites without a rubric are ignored).
Result<std::vector<GraderAgreement>> InterGrader(const config::Config& cfg,
                                                 store::Store* store);

// Writes current labels as labels_file.h's JSONL (answers from the runs they
// were given on); returns how many lines were written.
Result<int64_t> ExportGold(const config::Config& cfg, store::Store* store,
                           std::ostream& out);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_LABELING_H_
