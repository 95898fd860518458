// The demo's multimodal gold set, built at demo time from real sources:
// documents, tables, charts and screenshots rendered with cairo and real
// fonts, speech from eSpeak NG and Flite voices plus human recordings from
// Debian's pocketsphinx-testdata, each with degraded variants (perturb/).
#ifndef MMGATE_DEMO_GOLD_SET_H_
#define MMGATE_DEMO_GOLD_SET_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mmgate::demo {

struct BuildOptions {
  uint64_t seed = 20261122;
  bool small = false;  // a few items per suite, for tests and quick looks
  // What the suite files' first line says wrote them.
  std::string written_by = "`mmgate demo` (seed {}); rebuilt on every run.";
};

struct BuildSummary {
  int items = 0;
  std::map<std::string, int> items_per_suite;
  std::vector<std::string> suite_files;  // <out_dir>/suites/<name>.yaml
  // The judge-scored suite's reference labels, derived from the gold set
  // (not from people), and the judge of mmgate.yaml they calibrate.
  std::string judge_labels;
  std::string judge_model = "evidence-judge";
};

// Writes <out_dir>/suites/<name>.yaml and <out_dir>/data/<name>/items.jsonl
// with its media/ folder for the suites documents, tables, charts,
// screenshots (modality image) and speech (modality audio), and the
// judge-scored documents-judged (a prefix of documents, graded by the local
// rules judge, with reference labels derived from the gold set). Each suite's
// data folder is replaced as a whole. The same seed gives byte-identical
// files.
Result<BuildSummary> BuildGoldSet(const std::string& out_dir,
                                  const BuildOptions& opt);

}  // namespace mmgate::demo

#endif  // MMGATE_DEMO_GOLD_SET_H_
