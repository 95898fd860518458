// Building a Suite from its YAML node, shared by LoadSuite (a suite file) and
// config/ (the suites mmgate.yaml lists, in files or inline), which keeps the
// node to point its own errors about a suite's `gate:` at their lines.
#ifndef MMGATE_DATASET_SUITE_BUILD_H_
#define MMGATE_DATASET_SUITE_BUILD_H_

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "dataset/item.h"
#include "dataset/load.h"

namespace mmgate::dataset::internal {

struct SuiteSource {
  std::string file;      // named in errors; Suite::path is its absolute form
  std::string base_dir;  // a relative `dataset:` resolves here
  std::string text;      // the suite's YAML text, part of its version hash
};

Result<Suite> BuildSuite(const YAML::Node& node, const SuiteSource& source,
                         const LoadOptions& opt);

// What ParseItems needs to read `suite`'s dataset; `modalities` and `opt`
// must outlive it.
struct ItemsContext;
ItemsContext MakeContext(const Suite& suite,
                         const std::set<std::string>& modalities,
                         const LoadOptions& opt);

// A suite's `stages:` (stages.cc): required for modality pipeline, refused
// for any other; errors name file and line.
class FieldReader;
Result<std::vector<StageSpec>> ReadStages(const FieldReader& r,
                                          const std::string& modality);

// A suite file read and parsed, not yet validated.
struct SuiteDocument {
  YAML::Node root;
  SuiteSource source;
};
// An unreadable file is kIoError; malformed YAML names file and line.
Result<SuiteDocument> ReadSuiteFile(const std::string& suite_yaml_path);

}  // namespace mmgate::dataset::internal

#endif  // MMGATE_DATASET_SUITE_BUILD_H_
