// Internal to config/: the readers of mmgate.yaml's top-level sections, each
// filling its part of Config. Load (config.cc) calls them in order.
#ifndef MMGATE_CONFIG_SECTIONS_H_
#define MMGATE_CONFIG_SECTIONS_H_

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "dataset/yaml_util.h"

namespace mmgate::config::internal {

using dataset::internal::Field;

// What every reader sees of the load in progress.
struct Source {
  std::string file;             // mmgate.yaml as given: named in errors
  YAML::Node root;              // its top-level mapping
  dataset::LoadOptions suites;  // for the suites, `modalities:` included
  // Every modality a suite or a route may name.
  std::set<std::string> Modalities() const;
};

// One top-level section; `field` is empty when the file lacks the key.
using SectionReader = Status (*)(Source* src, const std::optional<Field>& field,
                                 Config* cfg);

Status ReadModalities(Source* src, const std::optional<Field>& field,
                      Config* cfg);
Status ReadModels(Source* src, const std::optional<Field>& field, Config* cfg);
Status ReadBaseline(Source* src, const std::optional<Field>& field,
                    Config* cfg);
Status ReadCandidate(Source* src, const std::optional<Field>& field,
                     Config* cfg);
// Replaces cfg->policy: it runs before the readers that add to the policy.
Status ReadGate(Source* src, const std::optional<Field>& field, Config* cfg);
Status ReadPrices(Source* src, const std::optional<Field>& field, Config* cfg);
Status ReadSuites(Source* src, const std::optional<Field>& field, Config* cfg);
Status ReadDatabase(Source* src, const std::optional<Field>& field,
                    Config* cfg);
Status ReadStakes(Source* src, const std::optional<Field>& field, Config* cfg);
Status ReadGoldset(Source* src, const std::optional<Field>& field, Config* cfg);
Status ReadCaps(Source* src, const std::optional<Field>& field, Config* cfg);

// A suite's own `gate:` thresholds and `params` join the policy. `doc` is
// the suite's mapping in `file` (its own file, or mmgate.yaml if inline).
Status AddSuitePolicy(const std::string& file, const YAML::Node& doc,
                      const Suite& suite, gate::Policy* policy);

// The gate's and the price table's parsers name what they reject by a dotted
// path from the section key ("gate.bootstrap.seed: ..."); this puts the file
// and the line of the deepest key of `doc` on that path in front.
Status AtPathLine(const std::string& file, const YAML::Node& doc,
                  const Status& st);

}  // namespace mmgate::config::internal

#endif  // MMGATE_CONFIG_SECTIONS_H_
