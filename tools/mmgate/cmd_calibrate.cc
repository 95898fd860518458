// `mmgate calibrate`: how far a judge agrees with people's labels, stored for
// the gate (judge/calibrate.h).
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "adapter/factory.h"
#include "commands.h"
#include "common/clock.h"
#include "judge/calibrate.h"
#include "project.h"

namespace mmgate::cli {
namespace {

struct CalibrateFlags {
  std::string config = "mmgate.yaml";
  std::string judge;
  std::string labels;
  std::string db;
  uint64_t seed = 20261206;
  int resamples = 2000;
  int workers = 4;
  bool json = false;
};

std::string Figure(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : "n/a";
}

std::string WithCi(const std::optional<double>& v,
                   const std::optional<judge::Interval>& ci) {
  return Figure(v) +
         (ci ? fmt::format(" [{:.3f}, {:.3f}]", ci->lo, ci->hi) : "");
}

void PrintText(const judge::CalibrationReport& r) {
  std::printf("judge %s (%s): %lld labels, %lld unscored (no verdict)\n",
              r.judge.c_str(), r.judge_version.c_str(),
              static_cast<long long>(r.labels),
              static_cast<long long>(r.unscored));
  std::printf("%-10s %-24s %5s %6s %-22s %-22s %7s %8s\n", "modality", "slice",
              "n", "agree", "kappa [95% CI]", "quadratic [95% CI]", "rho",
              "lenient");
  for (const judge::StratumCalibration& s : r.strata) {
    const store::CalibrationRecord& c = s.record;
    const judge::Agreement& g = s.agreement;
    std::string slice =
        c.slice_key.empty() ? "(all)" : c.slice_key + "=" + c.slice_value;
    std::printf("%-10s %-24s %5lld %6.3f %-22s %-22s %7s %+8.3f\n",
                c.modality.c_str(), TerminalSafe(slice).c_str(),
                static_cast<long long>(c.n), g.raw,
                WithCi(g.kappa, g.kappa_ci).c_str(),
                WithCi(g.weighted_kappa, g.weighted_ci).c_str(),
                Figure(g.spearman).c_str(), g.leniency);
  }
  for (const judge::StratumCalibration& s : r.strata) {
    if (!s.record.slice_key.empty()) continue;
    std::printf("\n%s: confusion (rows: people, columns: judge)\n",
                s.record.modality.c_str());
    for (const auto& row : s.agreement.confusion) {
      for (int64_t v : row) std::printf(" %5lld", static_cast<long long>(v));
      std::printf("\n");
    }
    auto detail = nlohmann::json::parse(s.record.detail_json);
    if (detail["position_bias_rate"].is_number())
      std::printf(
          "position bias: %.1f%% of pairwise verdicts flipped with "
          "the answers' order (counted as ties)\n",
          100 * detail["position_bias_rate"].get<double>());
    std::printf("gate reads: %s kappa lower bound %s (calibration #%lld)\n",
                s.record.kappa_kind.c_str(), Figure(s.record.kappa_lo).c_str(),
                static_cast<long long>(s.record.calibration_id));
  }
}

int CalibrateCommand(const CalibrateFlags& f) {
  auto cfg = LoadConfigFile(f.config);
  if (!cfg.ok()) return Fail("calibrate", cfg.status());
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("calibrate", store.status());
  SystemClock clock;
  judge::CalibrateOptions opt;
  opt.judge = f.judge;
  opt.labels_path = f.labels;
  opt.seed = f.seed;
  opt.resamples = f.resamples;
  opt.workers = f.workers;
  opt.progress = !f.json;
  auto r =
      judge::Calibrate(*cfg, opt, store->get(), &clock, CreateDefaultModel);
  if (!r.ok()) return Fail("calibrate", r.status());
  for (const std::string& p : r->problems)
    std::fprintf(stderr, "bad label (skipped): %s\n", TerminalSafe(p).c_str());
  if (f.json) {
    std::printf("%s\n", judge::ToJson(*r).dump(2).c_str());
  } else {
    PrintText(*r);
  }
  return kExitOk;
}

}  // namespace

void AddCalibrateCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<CalibrateFlags>();
  sub->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  sub->add_option("--judge", f->judge,
                  "the judge model (a model of the config that judges "
                  "suites)")
      ->required();
  sub->add_option("--labels", f->labels,
                  "people's labels, JSONL: {suite, item, answer, grade, "
                  "failure_modes, grader, note}")
      ->required();
  sub->add_option(
      "--db", f->db,
      "results database: a file or a postgresql:// URL (default: db: in the "
      "config, else .mmgate/results.db beside it)");
  sub->add_option("--seed", f->seed, "seed of the bootstrap intervals")
      ->capture_default_str();
  sub->add_option("--resamples", f->resamples, "bootstrap resamples")
      ->capture_default_str()
      ->check(CLI::Range(100, 100000));
  sub->add_option("-j,--workers", f->workers, "judge calls in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  sub->add_flag("--json", f->json, "print the calibration as JSON");
  sub->callback([f, exit_code] { *exit_code = CalibrateCommand(*f); });
}

}  // namespace mmgate::cli
