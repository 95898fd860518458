#include "gate/plan.h"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <map>

#include "gate/paired_tests.h"
#include "gate/steps.h"

namespace mmgate::gate {
namespace {

// The binary MDE (stats/power.h) with `churn` discordant pairs per item:
// (z_{1-level} + z_power) * sqrt(churn / n), floored by the exact test's
// ceil(log2(1 / level)) losses out of n.
double ChurnMde(double churn, int64_t n, double level, double power) {
  if (n <= 0) return 1;
  const boost::math::normal_distribution<> z;
  const double k =
      boost::math::quantile(z, 1 - level) + boost::math::quantile(z, power);
  int64_t losses = 0;
  for (double p = 1; p > level; p /= 2) ++losses;
  const double dn = static_cast<double>(n);
  return std::min(1.0, std::max(k * std::sqrt(churn / dn), losses / dn));
}

}  // namespace

std::vector<PlanRow> PlanFromItems(const std::vector<PlanSuite>& suites,
                                   const Policy& policy, double churn) {
  std::vector<PlanRow> rows;
  double total = 0;
  for (const PlanSuite& s : suites) {
    PlanRow all;
    all.suite = s.suite;
    all.n = static_cast<int64_t>(s.items.size());
    all.required = true;
    all.weight = policy.Weight("");
    rows.push_back(all);
    std::map<std::pair<std::string, std::string>, int64_t> counts;
    for (const auto& slices : s.items) {
      for (const auto& kv : slices) {
        if (policy.Gated(kv.first)) ++counts[kv];
      }
    }
    for (const auto& [kv, n] : counts) {
      PlanRow r;
      r.suite = s.suite;
      r.key = kv.first;
      r.value = kv.second;
      r.n = n;
      r.required = policy.Required(kv.first);
      r.weight = policy.Weight(kv.first);
      rows.push_back(r);
    }
  }
  for (const PlanRow& r : rows) total += r.weight;
  size_t i = 0;
  for (const PlanSuite& s : suites) {
    const Thresholds& t = policy.For(s.suite, s.modality);
    for (; i < rows.size() && rows[i].suite == s.suite; ++i) {
      PlanRow& r = rows[i];
      r.margin = t.margin;
      r.level = t.alpha * r.weight / total;
      r.mde = ChurnMde(churn, r.n, r.level, t.power);
      r.items_needed = std::max(
          t.min_n, ItemsNeeded(true, churn, r.level, t.power, t.margin));
    }
  }
  return rows;
}

std::vector<PlanRow> PlanFromResult(const GateResult& r, const Policy& policy) {
  std::vector<PlanRow> rows;
  for (const SuiteVerdict& v : r.suites) {
    auto add = [&](const Stratum& s) {
      if (!s.gated) return;
      PlanRow row;
      row.suite = v.suite;
      row.key = s.key;
      row.value = s.value;
      row.n = s.n;
      row.required = s.required;
      row.weight = s.weight;
      row.level = s.level;
      row.margin = MarginOf(v, s, policy);
      row.mde = s.mde;
      row.items_needed = std::max(s.items_needed, v.thresholds.min_n);
      rows.push_back(row);
    };
    add(v.total);
    for (const Stratum& s : v.slices) add(s);
    for (const Stratum& s : v.difficulty) add(s);
  }
  return rows;
}

}  // namespace mmgate::gate
