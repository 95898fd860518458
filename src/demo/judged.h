// The demo's judge-scored suite (internal to the demo box; judged_suite.cc).
#ifndef MMGATE_DEMO_JUDGED_H_
#define MMGATE_DEMO_JUDGED_H_

#include <string>
#include <vector>

#include "common/status.h"

namespace mmgate::demo {

inline constexpr const char kJudgedSuite[] = "documents-judged";
// Judged items in a full build (a small build has fewer documents).
inline constexpr int kJudgedItems = 24;

// From the documents suite's item lines: writes data/documents-judged/ (the
// first `max_items` items scored by the judge, their media copied), its
// reference_labels.jsonl and README.md, and suites/document_rubric.yaml.
// Returns the number of items.
Result<int> BuildJudgedSuite(const std::string& out_dir,
                             const std::vector<std::string>& documents,
                             int max_items);

}  // namespace mmgate::demo

#endif  // MMGATE_DEMO_JUDGED_H_
