#include "gate/load.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "dataset/load.h"
#include "score/metrics.h"

namespace mmgate::gate {

Result<Policy> LoadPolicy(const std::string& mmgate_yaml) {
  namespace fs = std::filesystem;
  YAML::Node root;
  try {
    root = YAML::LoadFile(mmgate_yaml);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(mmgate_yaml + ": " + e.what());
  }
  nlohmann::json config = dataset::YamlToJson(root);
  if (!config.is_object())
    return Status::Invalid(mmgate_yaml + ": expected a map");
  auto policy = ParsePolicy(config.value("gate", nlohmann::json()),
                            mmgate_yaml + ": gate");
  if (!policy.ok()) return policy.status();
  MMGATE_RETURN_IF_ERROR(ParsePrices(&*policy,
                                     config.value("prices", nlohmann::json()),
                                     mmgate_yaml + ": prices"));
  fs::path base = fs::path(mmgate_yaml).parent_path();
  for (const nlohmann::json& entry :
       config.value("suites", nlohmann::json::array())) {
    nlohmann::json suite = entry;
    std::string where = mmgate_yaml;
    if (entry.is_string()) {
      where = (base / entry.get<std::string>()).string();
      try {
        suite = dataset::YamlToJson(YAML::LoadFile(where));
      } catch (const YAML::Exception& e) {
        return Status::Invalid(where + ": " + e.what());
      }
    }
    if (suite.is_object() && suite.contains("params"))
      policy->suite_params[suite.value("name", "")] = suite["params"];
    if (!suite.is_object() || !suite.contains("gate")) continue;
    MMGATE_RETURN_IF_ERROR(AddSuiteThresholds(&*policy, suite.value("name", ""),
                                              suite.value("modality", ""),
                                              suite["gate"], where + ": gate"));
  }
  return policy;
}

Result<RunData> LoadRun(store::Store* store, const std::string& run_id) {
  RunData d;
  auto run = store->GetRun(run_id);
  if (!run.ok()) return run.status();
  if (!run->has_value())
    return Status::NotFound("no run '" + run_id + "' in " + store->Describe());
  d.run = **run;
  auto suites = store->GetSuites(run_id);
  if (!suites.ok()) return suites.status();
  d.suites = std::move(*suites);
  auto items = store->LoadResults(run_id);
  if (!items.ok()) return items.status();
  d.items = std::move(*items);
  return d;
}

Result<History> LoadHistory(store::Store* store,
                            const std::vector<std::string>& exclude) {
  auto outcomes = store->Outcomes(exclude);
  if (!outcomes.ok()) return outcomes.status();
  History h;
  for (const store::Outcome& o : *outcomes) {
    const score::MetricInfo* info = score::FindMetric(o.metric);
    auto& [seen, fails] = h[{o.suite, o.item_id, o.content_hash}];
    ++seen;
    fails +=
        IsFailure(o.error, o.value, info == nullptr || info->higher_is_better);
  }
  return h;
}

}  // namespace mmgate::gate
