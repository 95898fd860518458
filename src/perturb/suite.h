// `mmgate perturb`: a suite's clean items plus paired degraded variants per
// kind and level, written as a new suite (YAML, JSONL and media) that any
// project can list. Variants keep their source's `group`, so the gate's
// statistics cluster them, and carry `slices.perturbation = kind:level`
// (clean items: "none"), which the degradation curves read.
#ifndef MMGATE_PERTURB_SUITE_H_
#define MMGATE_PERTURB_SUITE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "dataset/item.h"
#include "perturb/kinds.h"

namespace mmgate::perturb {

struct PerturbOptions {
  std::vector<Variant> variants;
  uint64_t seed = 0;
  std::string out_dir;  // gets <name>.yaml, items.jsonl and media/
  std::string name;     // empty: "<suite>-perturbed"; else a plain file name
  // Write into an out_dir that already holds files (never one holding the
  // source suite); only the files this writes are replaced.
  bool force = false;
};

struct PerturbSummary {
  std::string suite_name;
  std::string suite_file;
  std::string dataset_file;
  int clean_items = 0;
  int variant_items = 0;
};

// Checks the name, the output folder and every (item, variant) pair before
// writing anything: an out_dir that is or contains the source suite's
// folders, or (without `force`) is not empty, is an error; so is a kind the
// item's media cannot take (rotate on audio), an item with a validation
// problem, or an item whose `perturbation` slice is already set (these name
// the item). Media are decoded once per item; the same seed gives
// byte-identical files.
Result<PerturbSummary> PerturbSuite(const Suite& suite,
                                    const PerturbOptions& opt);

}  // namespace mmgate::perturb

#endif  // MMGATE_PERTURB_SUITE_H_
