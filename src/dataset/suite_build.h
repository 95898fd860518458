// Internal: building a Suite from its YAML node, shared by LoadSuite (a suite
// file) and LoadProject (a suite written inline in mmgate.yaml).
#ifndef MMGATE_DATASET_SUITE_BUILD_H_
#define MMGATE_DATASET_SUITE_BUILD_H_

#include <yaml-cpp/yaml.h>

#include <string>

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

}  // namespace mmgate::dataset::internal

#endif  // MMGATE_DATASET_SUITE_BUILD_H_
