#include "report/judge_info.h"

#include <fmt/format.h>

namespace mmgate::report {
namespace {

nlohmann::json Opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string Fig(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : "undefined";
}

}  // namespace

nlohmann::json JudgeCalibrationJson(const gate::SuiteVerdict& v) {
  if (!v.judge) return nullptr;
  const gate::JudgeCalibration& j = *v.judge;
  nlohmann::json out = {{"judge", j.judge},
                        {"floor", j.floor},
                        {"trusted", j.trusted},
                        {"calibrated", !j.kappa_kind.empty()}};
  if (!j.kappa_kind.empty()) {
    out["kappa_kind"] = j.kappa_kind;
    out["kappa"] = Opt(j.kappa);
    out["ci"] = {Opt(j.kappa_lo), Opt(j.kappa_hi)};
    out["n"] = j.n;
    out["calibration"] = j.calibration_id;
  }
  if (j.pairwise) {
    const auto& p = *j.pairwise;
    const int64_t n = p.wins + p.ties + p.losses;
    out["pairwise"] = {
        {"wins", p.wins},
        {"ties", p.ties},
        {"losses", p.losses},
        {"position_flips", p.position_flips},
        {"position_bias_rate",
         n > 0 ? nlohmann::json(static_cast<double>(p.position_flips) /
                                static_cast<double>(n))
               : nlohmann::json(nullptr)}};
  }
  return out;
}

std::string JudgeCalibrationLine(const gate::SuiteVerdict& v) {
  if (!v.judge) return "";
  const gate::JudgeCalibration& j = *v.judge;
  if (j.kappa_kind.empty())
    return fmt::format(
        "judge {}: no calibration for this judge version and rubric "
        "(floor {:.2f}): not gated",
        j.judge, j.floor);
  return fmt::format(
      "judge {}: {} kappa {} (95% {}..{}), n {}, floor {:.2f}: {}", j.judge,
      j.kappa_kind, Fig(j.kappa), Fig(j.kappa_lo), Fig(j.kappa_hi), j.n,
      j.floor, j.trusted ? "gated" : "below the floor, not gated");
}

}  // namespace mmgate::report
