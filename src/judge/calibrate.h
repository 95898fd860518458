// `mmgate calibrate`: how far a judge agrees with people. The judge grades
// every labeled answer (through the item executor: cached, retried, priced),
// and per modality — and per value of every slice key of the items — the
// judge's grades are compared with people's (agreement.h): raw agreement,
// Cohen's kappa plain and quadratic-weighted with bootstrap 95% intervals,
// Spearman's rho, the confusion matrix, base rates and leniency. Each stratum
// is stored (store::CalibrationRecord) with the judge's version and rubric
// hash; the gate reads the whole-modality ones (gate/judge_gate.h).
//
// Failure behaviour: bad label lines are problems (labels_file.h), never
// fatal; labels whose verdict is unparsable are counted as unscored and left
// out of the figures. An unknown judge, no usable label, or a store error is
// an error. Not thread-safe per call (it runs its own workers).
#ifndef MMGATE_JUDGE_CALIBRATE_H_
#define MMGATE_JUDGE_CALIBRATE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "judge/agreement.h"
#include "runner/runner.h"
#include "store/store.h"

namespace mmgate::judge {

struct CalibrateOptions {
  std::string judge;         // a model of mmgate.yaml that judges suites
  std::string labels_path;   // labels_file.h
  uint64_t seed = 20261206;  // the bootstrap's stream
  int resamples = 2000;
  int workers = 4;        // judge calls in flight
  bool progress = false;  // a progress line on stderr
};

struct StratumCalibration {
  store::CalibrationRecord record;  // as stored (id set)
  Agreement agreement;
};

struct CalibrationReport {
  std::string judge;
  std::string judge_version;
  std::vector<std::string> problems;  // bad label lines, file:line
  int64_t labels = 0;                 // good label lines
  int64_t unscored = 0;               // of them, without a verdict
  double judge_cost_usd = 0;
  std::vector<StratumCalibration> strata;  // whole modalities first
};

Result<CalibrationReport> Calibrate(const config::Config& cfg,
                                    const CalibrateOptions& options,
                                    store::Store* store, Clock* clock,
                                    const runner::ModelMaker& make_model);

nlohmann::json ToJson(const CalibrationReport& r);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_CALIBRATE_H_
