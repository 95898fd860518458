// `mmgate goldset health`: is the gold set still fit to gate with? Gold sets
// decay: labels age past the release cadence, items stop telling models
// apart (every recent run passes them, or every one fails them: saturated,
// or a wrong reference), and slices hold too few items for the gate's
// min_n. This reports all three and ranks the items to refresh first.
//
// Label age: from the newest label a person (not a judge) gave the item's
// current version in the store, else from the first run that used that
// version (its content hash covers the reference); unknown for an item no
// run has used. Discrimination: the item's primary metric in the last N
// runs that scored it (errors left out), pass or fail as the gate counts
// them (gate::IsFailure); decided once at least two runs scored it.
//
// Reads only through the store interface and the typed config. A store
// error is returned; not thread-safe per call (the store's own rules apply).
#ifndef MMGATE_GOLDSET_HEALTH_H_
#define MMGATE_GOLDSET_HEALTH_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "store/store.h"

namespace mmgate::goldset {

struct HealthOptions {
  int runs = 5;        // the last N runs judge discrimination
  int64_t now_ms = 0;  // the clock, injected
  size_t top = 20;     // items listed to refresh first (terminal)
};

enum class Discrimination { kUnknown, kMixed, kAllPass, kAllFail };
const char* DiscriminationName(Discrimination d);

struct ItemHealth {
  std::string suite, item_id, modality;
  std::optional<double> age_days;  // unset: no run used this version
  bool from_people = false;        // the age is a person's label's
  bool stale = false;              // older than the cadence
  Discrimination discrimination = Discrimination::kUnknown;
  int runs_scored = 0;  // of the last N runs
  double priority = 0;  // refresh first: highest; 0 healthy
  std::vector<std::string> why;
};

struct SliceCoverage {
  std::string suite, key, value;  // empty key: the whole suite
  int64_t n = 0;
  int64_t min_n = 0;
};

struct SuiteHealth {
  std::string suite, modality;
  int64_t items = 0, stale = 0, never_run = 0, all_pass = 0, all_fail = 0;
  int64_t strata = 0, strata_below = 0;
};

struct HealthReport {
  int cadence_days = 0;
  std::vector<std::string> runs;  // the last N runs, newest first
  std::vector<SuiteHealth> suites;
  std::vector<SliceCoverage> below_min_n;  // strata short of min_n
  std::vector<ItemHealth> refresh;         // priority > 0, highest first
  std::vector<ItemHealth> all;             // every item, in the suites' order
  int64_t items = 0, stale = 0, never_run = 0, all_pass = 0, all_fail = 0;
  int64_t mixed = 0, undecided = 0;
};

Result<HealthReport> Health(const config::Config& cfg, store::Store* store,
                            const HealthOptions& opt);

nlohmann::json ToJson(const HealthReport& r);
// The terminal text: totals, a row per suite, the strata below min_n and
// the first `top` items to refresh.
std::string ToText(const HealthReport& r, size_t top);

// The data of the health picture (src/report/web/goldset.js): ToJson with
// the refresh list cut to `top` ("refresh_total" counts it all) and
// "ages": one [suite, age_days or null, discrimination] per item.
nlohmann::json HtmlData(const HealthReport& r, size_t top);

}  // namespace mmgate::goldset

#endif  // MMGATE_GOLDSET_HEALTH_H_
