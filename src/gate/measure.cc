// Measurement, the third step of Evaluate (steps.h): the strata and their
// family weights, each stratum's paired test at its family-wise level, then
// one weighted correction of the p-values over all of them.
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

// A stratum before its test: what it is and how it counts in the family.
Stratum Shell(const std::string& key, const std::string& value, size_t n,
              bool gated, const Policy& policy) {
  Stratum s;
  s.key = key;
  s.value = value;
  s.n = static_cast<int64_t>(n);
  s.gated = gated;
  s.required = gated && (key.empty() || policy.Required(key));
  s.weight = gated ? policy.Weight(key) : 0;
  if (!gated) s.status = StratumStatus::kNotGated;
  return s;
}

// Runs the stratum's paired test at its level; `suite_spread` (the whole
// suite's) stands in for a stratum whose own is smaller, so a slice with
// no flip yet is not told it needs next to nothing.
void Measure(const SuiteWork& w, const std::vector<uint32_t>& idx,
             const Policy& policy, double suite_spread, double* spread,
             Stratum* s) {
  if (idx.empty()) return;
  const Thresholds& t = w.v.thresholds;
  uint64_t seed =
      StreamSeed(policy.seed, w.v.suite, w.v.metric, s->key, s->value);
  Result<PairedStats> st =
      w.v.binary ? BinaryTest(w.pairs, idx, w.v.higher_is_better, s->level,
                              t.power, policy, seed)
                 : ContinuousTest(w.pairs, idx, w.v.higher_is_better, s->level,
                                  t.power, policy, seed);
  if (!st.ok()) {
    s->p = 1;
    s->mde = std::numeric_limits<double>::infinity();
    s->reasons.push_back(Label(w.v, *s) +
                         ": no test possible: " + st.status().message());
    return;
  }
  Fill(s, *st);
  *spread = st->spread;
  s->items_needed = ItemsNeeded(w.v.binary, std::max(st->spread, suite_spread),
                                s->level, t.power, MarginOf(w.v, *s, policy));
}

}  // namespace

double MarginOf(const SuiteVerdict& v, const Stratum& s, const Policy& policy) {
  // Only the tiers from history (v.difficulty) fall under hard_tail; a
  // labelled `difficulty` slice is judged like any slice.
  const bool tier = !v.difficulty.empty() && &s >= &v.difficulty.front() &&
                    &s <= &v.difficulty.back() && s.gated &&
                    policy.hard_tail_max_drop.has_value();
  return tier ? *policy.hard_tail_max_drop : v.thresholds.margin;
}

void PrepareSuite(SuiteWork* w, const Policy& policy) {
  std::sort(w->strata.begin() + 1, w->strata.end(),
            [](const StratumAcc& a, const StratumAcc& b) {
              return std::tie(a.key, a.value) < std::tie(b.key, b.value);
            });
  w->v.total = Shell("", "", w->strata[0].idx.size(), true, policy);
  for (size_t i = 1; i < w->strata.size(); ++i) {
    const StratumAcc& a = w->strata[i];
    w->v.slices.push_back(
        Shell(a.key, a.value, a.idx.size(), policy.Gated(a.key), policy));
  }
  // Labelled tiers are already strata as the `difficulty` slice.
  if (w->v.residual.source != "slices.difficulty") {
    for (const auto& [tier, idx] : w->tiers) {
      bool gated = policy.hard_tail_max_drop.has_value() && tier == "hard";
      w->v.difficulty.push_back(
          Shell("difficulty", tier, idx.size(), gated, policy));
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

void AssignLevels(SuiteWorks* works, const Policy& policy) {
  double total = 0;
  for (auto& [key, w] : *works) {
    total += w.v.total.weight;
    for (const Stratum& s : w.v.slices) total += s.weight;
    for (const Stratum& s : w.v.difficulty) total += s.weight;
    for (const Curve& c : w.v.curves) {
      for (const CurvePoint& p : c.points) {
        if (p.gated) total += policy.weights.slice;
      }
    }
    for (const SloCheck& c : w.v.slos) total += c.weight;
  }
  for (auto& [key, w] : *works) {
    const double alpha = w.v.thresholds.alpha;
    // An ungated stratum is shown at the plain level: it spends nothing.
    auto set = [&](Stratum& s) {
      s.level = s.gated ? alpha * s.weight / total : alpha;
    };
    set(w.v.total);
    for (Stratum& s : w.v.slices) set(s);
    for (Stratum& s : w.v.difficulty) set(s);
    for (SloCheck& c : w.v.slos)
      c.level = c.weight > 0 ? alpha * c.weight / total : alpha;
  }
}

void MeasureSuite(SuiteWork* w, const Policy& policy) {
  double suite_spread = 0;
  Measure(*w, w->strata[0].idx, policy, 0, &suite_spread, &w->v.total);
  w->v.test = w->v.total.test;
  for (size_t i = 1; i < w->strata.size(); ++i) {
    double spread = 0;
    Stratum& s = w->v.slices[i - 1];
    Measure(*w, w->strata[i].idx, policy, suite_spread, &spread, &s);
    s.baseline_errors = w->strata[i].base_errors;
    s.candidate_errors = w->strata[i].cand_errors;
  }
  w->v.total.baseline_errors = w->strata[0].base_errors;
  w->v.total.candidate_errors = w->strata[0].cand_errors;
  size_t j = 0;
  for (const auto& [tier, idx] : w->tiers) {
    if (j >= w->v.difficulty.size()) break;
    double spread = 0;
    Measure(*w, idx, policy, suite_spread, &spread, &w->v.difficulty[j++]);
  }
}

void MeasureItems(const SuiteWork& w, const std::vector<uint32_t>& idx,
                  const Policy& policy, Stratum* s) {
  double spread = 0;
  s->n = static_cast<int64_t>(idx.size());
  Measure(w, idx, policy, 0, &spread, s);
}

std::vector<const std::vector<uint32_t>*> StratumItems(const SuiteWork& w) {
  std::vector<const std::vector<uint32_t>*> out;
  for (const StratumAcc& a : w.strata) out.push_back(&a.idx);
  size_t j = 0;
  for (const auto& [tier, idx] : w.tiers) {
    if (j++ >= w.v.difficulty.size()) break;
    out.push_back(&idx);
  }
  return out;
}

Status AdjustFamily(SuiteWorks* works, const Policy& policy) {
  // The family: every suite total, then each suite's gated slices and tiers,
  // then the gated robustness points; each with its weight.
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
  std::vector<SloCheck*> slos;
  for (auto& [key, w] : *works) {
    for (SloCheck& c : w.v.slos) {
      if (c.weight > 0) slos.push_back(&c);
    }
  }
  std::vector<double> ps, weights;
  for (const Stratum* s : gated) {
    ps.push_back(s->p);
    weights.push_back(s->weight);
  }
  for (const CurvePoint* p : robust) {
    ps.push_back(p->p);
    weights.push_back(policy.weights.slice);
  }
  for (const SloCheck* c : slos) {
    ps.push_back(c->p);
    weights.push_back(c->weight);
  }
  // Holm keeps the family-wise rate; BH (false discovery rate) is kept for
  // policies that ask for it, and only weighs on `block: significance`.
  auto adjusted = policy.correction == stats::Adjustment::kHolm
                      ? stats::WeightedHolm(ps, weights)
                      : stats::AdjustPValues(ps, policy.correction);
  if (!adjusted.ok()) return adjusted.status();
  for (size_t i = 0; i < gated.size(); ++i)
    gated[i]->p_adjusted = (*adjusted)[i];
  for (size_t i = 0; i < robust.size(); ++i)
    robust[i]->p_adjusted = (*adjusted)[gated.size() + i];
  for (size_t i = 0; i < slos.size(); ++i)
    slos[i]->p_adjusted = (*adjusted)[gated.size() + robust.size() + i];
  return Status::Ok();
}

}  // namespace mmgate::gate
