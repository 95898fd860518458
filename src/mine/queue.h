// Where mined traces go (docs/mine.md): one suite JSONL per modality
// (`mined-image.jsonl`, ...) with the media copied beside it under media/,
// named by their sha256, so the file can join the gold set; and one stored
// run (model "production", the logged answers as its responses) that the
// labeling page queues for people to grade, written through the store
// interface. The run's spec_json records the log, the output folder and each
// suite's rubric (its text, so grading does not depend on the file staying).
//
// Failure behaviour: nothing is written when a suite file exists and `force`
// is not set, when a mined modality has no rubric, or when the run id is
// taken; each is an Invalid status saying what to do. I/O and store errors
// are returned; a run left half-written by one stays marked running.
//
// Thread-safety: no shared state; the store serialises.
#ifndef MMGATE_MINE_QUEUE_H_
#define MMGATE_MINE_QUEUE_H_

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "dataset/item.h"
#include "judge/rubric.h"
#include "mine/mine.h"
#include "store/store.h"

namespace mmgate::mine {

struct QueueOptions {
  std::string log_file;  // named in the run's spec
  std::string out_dir;
  bool force = false;
  std::string run_id;  // empty: "mined-" + the clock's UTC time
  std::string config_path;
  std::map<std::string, judge::Rubric> rubrics;  // modality -> rubric
  std::string signals;                           // as given, for the record
  int64_t max = 0;
  uint64_t seed = 0;
  Clock* clock = nullptr;
};

struct QueueSummary {
  std::string run_id;
  std::vector<std::string> files;            // suite JSONL files written
  std::map<std::string, int64_t> per_suite;  // suite -> items
  int64_t media_files = 0;                   // media files written
};

// The suite a mined item of `modality` goes to.
std::string SuiteName(const std::string& modality);

Result<QueueSummary> WriteAndQueue(const MineResult& mined,
                                   const QueueOptions& opt,
                                   store::Store* store);

// A stored mined run read back for the labeling page: its suites (items with
// media resolved inside the output folder), rubrics and logged answers.
struct MinedSuite {
  Suite suite;
  judge::Rubric rubric;
};
struct MinedRun {
  std::string run_id;
  std::deque<MinedSuite> suites;  // stable addresses for the page's tasks
  std::map<std::pair<std::string, std::string>, std::string> answers;
};

// nullopt when the run was not made by `mmgate mine`.
Result<std::optional<MinedRun>> LoadMinedRun(store::Store* store,
                                             const std::string& run_id);

}  // namespace mmgate::mine

#endif  // MMGATE_MINE_QUEUE_H_
