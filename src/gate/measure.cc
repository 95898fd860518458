// Measurement, the third step of Evaluate (steps.h): the paired test of
// every stratum, then one multiple-comparison correction over all of them.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <tuple>

#include "common/hash.h"
#include "gate/behaviour.h"
#include "gate/robustness.h"
#include "gate/steps.h"
#include "stats/multiple.h"

namespace mmgate::gate {
namespace {

// Each stratum's bootstrap gets its own stream, fixed by the policy's seed
// and the stratum's name, so adding a slice changes no other figure.
uint64_t StreamSeed(uint64_t seed, const std::string& suite,
                    const std::string& metric, const std::string& key,
                    const std::string& value) {
  std::string h = Sha256Hex(fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", seed,
                                        suite, metric, key, value));
  return std::stoull(h.substr(0, 16), nullptr, 16);
}

void Fill(Stratum* s, const PairedStats& st) {
  s->baseline = st.baseline;
  s->candidate = st.candidate;
  s->delta = st.delta;
  s->ci_lo = st.ci_lo;
  s->ci_hi = st.ci_hi;
  s->p = st.p_worse;
  s->mde = st.mde;
  s->worse = st.worse;
  s->better = st.better;
  s->test = st.test;
}

Stratum Measure(const SuiteWork& w, const std::vector<uint32_t>& idx,
                const std::string& key, const std::string& value,
                const Policy& policy) {
  Stratum s;
  s.key = key;
  s.value = value;
  s.n = static_cast<int64_t>(idx.size());
  if (idx.empty()) return s;
  const Thresholds& t = w.v.thresholds;
  uint64_t seed = StreamSeed(policy.seed, w.v.suite, w.v.metric, key, value);
  Result<PairedStats> st =
      w.v.binary
          ? BinaryTest(w.pairs, idx, w.v.higher_is_better, t, policy, seed)
          : ContinuousTest(w.pairs, idx, w.v.higher_is_better, t, policy, seed);
  if (!st.ok()) {
    s.p = 1;
    s.mde = std::numeric_limits<double>::infinity();
    s.reasons.push_back(Label(w.v, s) +
                        ": no test possible: " + st.status().message());
    return s;
  }
  Fill(&s, *st);
  return s;
}

Stratum MeasureAcc(const SuiteWork& w, const StratumAcc& st,
                   const Policy& policy) {
  Stratum s = Measure(w, st.idx, st.key, st.value, policy);
  s.baseline_errors = st.base_errors;
  s.candidate_errors = st.cand_errors;
  return s;
}

}  // namespace

void MeasureSuite(SuiteWork* w, const Policy& policy) {
  std::sort(w->strata.begin() + 1, w->strata.end(),
            [](const StratumAcc& a, const StratumAcc& b) {
              return std::tie(a.key, a.value) < std::tie(b.key, b.value);
            });
  w->v.total = MeasureAcc(*w, w->strata[0], policy);
  w->v.test = w->v.total.test;
  for (size_t i = 1; i < w->strata.size(); ++i) {
    w->v.slices.push_back(MeasureAcc(*w, w->strata[i], policy));
    w->v.slices.back().gated = policy.Gated(w->strata[i].key);
  }
  // Labelled tiers are already strata as the `difficulty` slice.
  if (w->v.residual.source != "slices.difficulty") {
    for (const auto& [tier, idx] : w->tiers) {
      w->v.difficulty.push_back(Measure(*w, idx, "difficulty", tier, policy));
      w->v.difficulty.back().gated =
          policy.hard_tail_max_drop.has_value() && tier == "hard";
    }
  }
  w->v.curves = BuildCurves(w->base_items, w->cand_items, w->v, policy);
  auto params = policy.suite_params.find(w->v.suite);
  const nlohmann::json none = nlohmann::json::object();
  const nlohmann::json& p =
      params == policy.suite_params.end() ? none : params->second;
  w->v.baseline_behaviour = Summarize(w->base_items, p);
  w->v.candidate_behaviour = Summarize(w->cand_items, p);
}

Status AdjustFamily(SuiteWorks* works, const Policy& policy) {
  // The family: every suite total, then each suite's gated slices and tiers,
  // then the gated robustness points.
  std::vector<Stratum*> gated;
  for (auto& [key, w] : *works) gated.push_back(&w.v.total);
  for (auto& [key, w] : *works) {
    for (Stratum& s : w.v.slices) {
      if (s.gated) gated.push_back(&s);
    }
    for (Stratum& s : w.v.difficulty) {
      if (s.gated) gated.push_back(&s);
    }
  }
  std::vector<CurvePoint*> robust;
  for (auto& [key, w] : *works) {
    for (Curve& c : w.v.curves) {
      for (CurvePoint& p : c.points) {
        if (p.gated) robust.push_back(&p);
      }
    }
  }
  std::vector<double> ps;
  for (const Stratum* s : gated) ps.push_back(s->p);
  for (const CurvePoint* p : robust) ps.push_back(p->p);
  auto adjusted = stats::AdjustPValues(ps, policy.correction);
  if (!adjusted.ok()) return adjusted.status();
  for (size_t i = 0; i < gated.size(); ++i)
    gated[i]->p_adjusted = (*adjusted)[i];
  for (size_t i = 0; i < robust.size(); ++i)
    robust[i]->p_adjusted = (*adjusted)[gated.size() + i];
  return Status::Ok();
}

}  // namespace mmgate::gate
