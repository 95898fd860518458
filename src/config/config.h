// The project config, mmgate.yaml, read once into typed parts: what a run
// needs (models, suites with their items, default model names, prices) and
// what the gate needs (the policy with each suite's thresholds and params).
// Every reader takes its part from here; nothing reads mmgate.yaml again.
#ifndef MMGATE_CONFIG_CONFIG_H_
#define MMGATE_CONFIG_CONFIG_H_

#include <map>
#include <string>

#include "common/status.h"
#include "dataset/item.h"
#include "dataset/load.h"
#include "gate/policy.h"
#include "judge/rubric.h"

namespace mmgate::config {

// `goldset:`: how the gold set is kept fresh (`mmgate goldset health`).
struct GoldsetPolicy {
  // The release cadence: a label older than this is due for review.
  int cadence_days = 90;
  // The config has a `goldset:` section: the gate's HTML report then shows
  // the gold set's health too.
  bool configured = false;
};

// One member per top-level section of mmgate.yaml (config.cc lists them).
struct Config {
  // `models`, `suites` (their files and datasets), `baseline`, `candidate`,
  // `prices`; `modalities` is applied to the suites and routes.
  ProjectConfig project;
  // `gate`, each suite's own `gate:` thresholds and `params`, and `prices`
  // (for the cost per query of gate-then-rank).
  gate::Policy policy;
  // The rubric of each judge-scored suite (`judge:` in the suite), by suite
  // name; its judge is in policy.judged_suites.
  std::map<std::string, judge::Rubric> rubrics;
  // `db`: the results database (a path, sqlite:PATH or a postgresql:// URL;
  // a relative path is taken from mmgate.yaml's folder); empty when unset.
  std::string db;
  // `stakes:` category -> weight (> 0) for ranking contested backfill
  // decisions; a category not listed weighs 1.
  std::map<std::string, double> stakes;
  GoldsetPolicy goldset;  // `goldset:`
};

// Reads mmgate.yaml and the suite files it lists; with
// `opt.read_items` false the suites' datasets are not read (gating and
// reporting work from the results database). Fatal errors come back as a
// Status naming the file and line: unreadable or malformed YAML, an unknown
// or missing key at any level, a value of the wrong type or out of range,
// unknown model references, duplicate suite names, an unreadable dataset.
// Per-item problems never fail the load: they go to Suite::problems.
// Reentrant: no state survives the call.
Result<Config> Load(const std::string& mmgate_yaml,
                    const dataset::LoadOptions& opt);

// The `db:` setting of mmgate.yaml alone (as Config::db), without reading
// the rest, for commands that open the database before or without the
// project: empty when the file or the key is missing. Malformed YAML or a
// non-string value is an error naming the file and line.
Result<std::string> DatabaseSetting(const std::string& mmgate_yaml);

// Suite name -> the folder of its dataset file (item media paths are
// relative to it).
std::map<std::string, std::string> DatasetDirs(const ProjectConfig& project);

}  // namespace mmgate::config

#endif  // MMGATE_CONFIG_CONFIG_H_
