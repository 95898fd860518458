#include "gate/ranking.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace mmgate::gate {
namespace {

RankRow Row(const std::vector<GateResult>& results, size_t i) {
  const GateResult& r = results[i];
  RankRow row;
  row.index = i;
  row.candidate = r.candidate;
  row.verdict = r.verdict;
  row.quality = RankKey(r, "quality") + 0.0;  // no "-0.00"
  const double cost = RankKey(r, "cost");
  row.cost = std::isinf(cost) ? -1 : cost;
  row.latency = RankKey(r, "latency");
  return row;
}

// Why a candidate is out: the SLOs it misses come first (gate-then-rank),
// then its regressions, then what could not be decided.
void Explain(const GateResult& r, RankRow* row) {
  for (const SuiteVerdict& v : r.suites) {
    for (const SloCheck& c : v.slos) {
      if (c.status == SloStatus::kMissed)
        row->why.push_back(
            fmt::format("{} (estimate {:.4g})", c.label, c.estimate));
    }
    for (const Curve& k : v.curves) {
      for (const CurvePoint& p : k.points) {
        if (p.gated && p.verdict == Verdict::kBlock)
          row->why.push_back(
              fmt::format("{} degradation {} <= {:g}", v.suite, p.value,
                          v.thresholds.max_degradation.value_or(0)));
      }
    }
  }
  if (!row->why.empty()) {
    row->dropped = "misses SLO";
    return;
  }
  for (const StratumRef& c : r.causes) row->why.push_back(c.label);
  if (!row->why.empty()) {
    row->dropped = "regression";
    return;
  }
  row->dropped = "inconclusive";
  for (const SuiteVerdict& v : r.suites) {
    for (const std::string& reason : v.reasons) {
      if (row->why.size() < 3) row->why.push_back(reason);
    }
  }
  if (row->why.empty()) row->why = r.reasons;
}

}  // namespace

std::vector<RankRow> RankingTable(const std::vector<GateResult>& results,
                                  const std::vector<size_t>& ranking) {
  std::vector<RankRow> out;
  for (size_t k = 0; k < ranking.size(); ++k) {
    out.push_back(Row(results, ranking[k]));
    out.back().rank = static_cast<int>(k + 1);
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (std::find(ranking.begin(), ranking.end(), i) != ranking.end()) continue;
    out.push_back(Row(results, i));
    Explain(results[i], &out.back());
  }
  return out;
}

}  // namespace mmgate::gate
