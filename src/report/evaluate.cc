#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "dataset/load.h"
#include "gate/load.h"
#include "report/html_report.h"

namespace mmgate::report {

Result<Evaluation> EvaluateRuns(const std::string& config, store::Store* store,
                                const std::string& baseline,
                                const std::vector<std::string>& candidates) {
  auto policy = gate::LoadPolicy(config);
  if (!policy.ok()) return policy.status();
  Evaluation e;
  auto base = gate::LoadRun(store, baseline);
  if (!base.ok()) return base.status();
  e.baseline = std::move(*base);
  auto history = gate::LoadHistory(store, candidates);
  if (!history.ok()) return history.status();
  for (const std::string& id : candidates) {
    auto cand = gate::LoadRun(store, id);
    if (!cand.ok()) return cand.status();
    auto result = gate::Evaluate(e.baseline, *cand, *policy, *history);
    if (!result.ok())
      return result.status().WithContext(baseline + " vs " + id);
    e.outcome.results.push_back(std::move(*result));
    e.candidates.push_back(std::move(*cand));
  }
  e.outcome.ranking = gate::Rank(e.outcome.results, *policy);
  e.outcome.verdict = OverallVerdict(e.outcome.results);
  return e;
}

Result<std::map<std::string, std::string>> DatasetDirs(
    const std::string& mmgate_yaml) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> dirs;
  try {
    YAML::Node root = YAML::LoadFile(mmgate_yaml);
    fs::path base = fs::path(mmgate_yaml).parent_path();
    for (const YAML::Node& entry : root["suites"]) {
      YAML::Node suite = entry;
      fs::path suite_dir = base;
      if (entry.IsScalar()) {
        fs::path file = base / entry.as<std::string>();
        suite = YAML::LoadFile(file.string());
        suite_dir = file.parent_path();
      }
      if (!suite.IsMap() || !suite["name"] || !suite["dataset"]) continue;
      fs::path dataset = suite_dir / suite["dataset"].as<std::string>();
      dirs[suite["name"].as<std::string>()] =
          fs::absolute(dataset).lexically_normal().parent_path().string();
    }
  } catch (const YAML::Exception& e) {
    return Status::Invalid(mmgate_yaml + ": " + e.what());
  }
  return dirs;
}

}  // namespace mmgate::report
