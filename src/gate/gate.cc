#include "gate/gate.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>
#include <vector>

#include "common/parallel.h"
#include "gate/cost.h"
#include "gate/slo.h"
#include "gate/steps.h"

namespace mmgate::gate {

bool IsFailure(bool error, double value, bool higher_is_better) {
  return error || (higher_is_better ? value < 0.5 : value > 0.5);
}

std::string_view StatusName(StratumStatus s) {
  switch (s) {
    case StratumStatus::kPass:
      return "pass";
    case StratumStatus::kBlock:
      return "block";
    case StratumStatus::kInconclusive:
      return "inconclusive";
    case StratumStatus::kCoverageGap:
      return "coverage_gap";
    case StratumStatus::kNotGated:
      return "not_gated";
  }
  return "inconclusive";
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kBlock:
      return "block";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

namespace {

std::string StageList(const std::set<std::string>& stages) {
  std::string out = stages.size() == 1 ? "stage " : "stages ";
  for (const std::string& s : stages)
    out += (&s == &*stages.begin() ? "" : ", ") + s;
  return out;
}

// Runs fn on every suite's work, on up to one thread per core: a suite's
// steps read only its own SuiteWork and the const policy and history
// (steps.h), so the results depend neither on the order nor on the threads.
template <typename Fn>
void ForEachSuite(SuiteWorks* works, const Fn& fn) {
  std::vector<SuiteWork*> all;
  for (auto& [key, w] : *works) all.push_back(&w);
  ParallelFor(CoreCount(), all.size(), [&](int, size_t i) { fn(all[i]); });
}

}  // namespace

std::string LoadCondition(const RunData& baseline, const RunData& candidate,
                          const std::string& suite) {
  auto c = candidate.load_stages.find(suite);
  auto b = baseline.load_stages.find(suite);
  const bool cand = c != candidate.load_stages.end();
  const bool base = b != baseline.load_stages.end();
  if (cand && !base) return "under load at " + StageList(c->second);
  if (cand && c->second != b->second) {
    return "under load at " + StageList(c->second) + " (baseline at " +
           StageList(b->second) + ")";
  }
  if (base && !cand)
    return "idle (baseline under load at " + StageList(b->second) + ")";
  return {};
}

// The steps are in steps.h: pairing, tiers, measurement (with one
// correction over every suite), decision.
Result<GateResult> Evaluate(const RunData& baseline, const RunData& candidate,
                            const Policy& policy, const History& history) {
  GateResult out;
  out.baseline = baseline.run.run_id;
  out.candidate = candidate.run.run_id;
  out.policy_hash = policy.Hash();
  auto works = PairRuns(baseline, candidate, policy, &out);
  if (!works.ok()) return works.status();
  for (auto& [key, w] : *works)
    w.v.condition = LoadCondition(baseline, candidate, w.v.suite);
  ForEachSuite(&*works, [&](SuiteWork* w) {
    AssignTiers(w, history);
    PrepareSuite(w, policy);
    PrepareSlos(w, policy, baseline.run.model, candidate.run.model);
  });
  AssignLevels(&*works, policy);
  ForEachSuite(&*works, [&](SuiteWork* w) {
    MeasureSuite(w, policy);
    MeasureSlos(w, policy);
    w->v.baseline_cost =
        CostOf(w->base_items, baseline.run.model, policy, &baseline);
    w->v.candidate_cost =
        CostOf(w->cand_items, candidate.run.model, policy, &candidate);
  });
  MMGATE_RETURN_IF_ERROR(AdjustFamily(&*works, policy));
  for (auto& [key, w] : *works) {
    DecideSuite(&w, policy);
    DecideSlos(&w, policy);
    out.verdict = Worst(out.verdict, w.v.verdict);
    ListCausesAndGaps(w.v, &out);
    out.suites.push_back(std::move(w.v));
  }
  if (out.suites.empty()) {
    out.verdict = Verdict::kInconclusive;
    out.reasons.push_back("no paired items to compare");
  }
  return out;
}

Verdict OverallVerdict(const std::vector<GateResult>& results) {
  // With several candidates, one that passes is enough to roll forward.
  Verdict v = Verdict::kBlock;
  for (const GateResult& r : results) {
    if (r.verdict == Verdict::kPass) return Verdict::kPass;
    if (r.verdict == Verdict::kInconclusive) v = Verdict::kInconclusive;
  }
  return results.empty() ? Verdict::kInconclusive : v;
}

double RankKey(const GateResult& r, const std::string& what) {
  double worst =
      what == "quality" ? -std::numeric_limits<double>::infinity() : 0;
  for (const SuiteVerdict& v : r.suites) {
    if (what == "quality") {
      double oriented = v.higher_is_better ? v.total.delta : -v.total.delta;
      double m = v.thresholds.margin;
      worst = std::max(worst, -(m > 0 ? oriented / m : oriented));
    } else if (what == "cost") {
      double c = v.candidate_cost.cost_per_query;
      worst =
          std::max(worst, c < 0 ? std::numeric_limits<double>::infinity() : c);
    } else {
      worst = std::max(worst, v.candidate_cost.p50_latency_ms);
    }
  }
  return worst;  // lower is better for every key
}

std::vector<size_t> Rank(const std::vector<GateResult>& results,
                         const Policy& policy) {
  std::vector<size_t> order;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].verdict == Verdict::kPass) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    for (const std::string& what : policy.rank) {
      double ka = RankKey(results[a], what), kb = RankKey(results[b], what);
      if (ka != kb) return ka < kb;
    }
    return false;
  });
  return order;
}

}  // namespace mmgate::gate
