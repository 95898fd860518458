// People's labels for judge calibration, one JSON object per line:
//   {"suite": "charts", "item": "chart-0042", "answer": "41.5",
//    "grade": 4, "failure_modes": ["chart_misread"], "grader": "ana",
//    "note": "..."}
// `answer` is the answer the person graded (the judge grades the same one);
// `grade` must be on the suite's rubric scale, `failure_modes` in its list.
// Pairwise-judged suites take preference labels instead:
//   {"suite", "item", "answer_a", "answer_b", "preferred": "A"|"B"|"tie",
//    "grader", "note"}
// (grade index 2: A better, 1: tie, 0: B better).
//
// Failure behaviour: a bad line (not JSON, unknown suite or item id, a suite
// without this judge, a grade off the scale, an unknown failure mode, a
// duplicate of an earlier line) is a problem naming the file and line, and
// every good line is kept. Only an unreadable file is an error.
#ifndef MMGATE_JUDGE_LABELS_FILE_H_
#define MMGATE_JUDGE_LABELS_FILE_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace mmgate::judge {

struct HumanLabel {
  std::string suite;
  std::string item_id;
  std::string answer;  // the graded answer, or answer A of a pair
  bool pairwise = false;
  std::string answer_b;  // pairwise: answer B
  int grade = 0;  // index on the suite's rubric scale (pairwise: see above)
  std::vector<std::string> failure_modes;
  std::string grader;
  std::string note;
  int line = 0;
};

struct LabelsFile {
  std::vector<HumanLabel> labels;
  std::vector<std::string> problems;  // "labels.jsonl:7: ..."
  std::string hash;                   // sha256 of the file
};

// Labels of suites graded by the judge named `judge` (empty: any judge).
Result<LabelsFile> ReadLabels(const std::string& path,
                              const config::Config& cfg,
                              const std::string& judge);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_LABELS_FILE_H_
