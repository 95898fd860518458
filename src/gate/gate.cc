#include "gate/gate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "common/hash.h"
#include "gate/behaviour.h"
#include "gate/paired_tests.h"
#include "gate/robustness.h"
#include "score/metrics.h"
#include "stats/multiple.h"
#include "stats/pairing.h"

namespace mmgate::gate {
namespace {

using store::ItemResult;

using stats::Errored;

bool FailedItem(const ItemResult& r, const std::string& metric,
                bool higher_is_better) {
  auto s = r.scores.find(metric);
  bool error = Errored(r) || s == r.scores.end();
  return IsFailure(error, error ? 0 : s->second.value, higher_is_better);
}

uint64_t StreamSeed(uint64_t seed, const std::string& suite,
                    const std::string& metric, const std::string& key,
                    const std::string& value) {
  std::string h = Sha256Hex(fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", seed,
                                        suite, metric, key, value));
  return std::stoull(h.substr(0, 16), nullptr, 16);
}

std::string Fmt(double v) { return fmt::format("{:.3f}", v); }
std::string Signed(double v) { return fmt::format("{:+.3f}", v); }

// One stratum's pairs while they are collected.
struct StratumAcc {
  std::string key, value;  // empty key: the whole suite
  std::vector<uint32_t> idx;
  int64_t base_errors = 0, cand_errors = 0;
};

// One (suite, metric) with its pairs and strata, before the decisions.
struct Work {
  SuiteVerdict v;
  std::vector<Pair> pairs;
  std::vector<const ItemResult*> base_items, cand_items;
  std::vector<StratumAcc> strata{StratumAcc{}};   // [0] is the whole suite
  std::unordered_map<std::string, size_t> index;  // "key\x1fvalue" -> strata
  std::map<std::string, std::vector<uint32_t>> tiers;

  size_t At(const std::string& key, const std::string& value) {
    auto [it, fresh] = index.try_emplace(key + '\x1f' + value, strata.size());
    if (fresh) strata.push_back(StratumAcc{key, value});
    return it->second;
  }
};

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

std::string Label(const SuiteVerdict& v, const Stratum& s) {
  return s.key.empty() ? v.suite
                       : fmt::format("{} {}={}", v.suite, s.key, s.value);
}

Stratum Measure(const Work& w, const std::vector<uint32_t>& idx,
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

// The decision rule for one stratum, after the correction: block on a
// significant regression larger than the margin (below min_n only on the
// exact test); pass when the stratum shows
// non-inferiority (its interval's worst end is within the margin) or could
// have detected a drop of the margin at the policy's power; else, and below
// min_n, inconclusive.
void Decide(const SuiteVerdict& v, Stratum* s, double margin) {
  const Thresholds& t = v.thresholds;
  double oriented = v.higher_is_better ? s->delta : -s->delta;
  double worst_end = v.higher_is_better ? s->ci_lo : -s->ci_hi;
  std::string what = fmt::format(
      "{} {} {} -> {} ({}, {:.0f}% CI {}..{})", Label(v, *s), v.metric,
      Fmt(s->baseline), Fmt(s->candidate), Signed(s->delta),
      100 * (1 - t.alpha), Signed(s->ci_lo), Signed(s->ci_hi));
  if (s->n == 0) {
    s->verdict = Verdict::kInconclusive;
    s->reasons.push_back(Label(v, *s) + ": no paired items");
  } else if (s->p_adjusted < t.alpha && oriented < -margin &&
             (s->n >= t.min_n || s->test == "mcnemar-exact")) {
    // Only the exact test's p-value holds below min_n; a bootstrap over a
    // handful of clusters is no evidence either way.
    s->verdict = Verdict::kBlock;
    s->reasons.push_back(fmt::format(
        "{}: regression beyond the margin {} (p={:.2g}, adjusted {:.2g} < {})",
        what, Fmt(margin), s->p, s->p_adjusted, t.alpha));
  } else if (s->n < t.min_n) {
    s->verdict = Verdict::kInconclusive;
    s->reasons.push_back(
        fmt::format("{}: n={} is below min_n={}", what, s->n, t.min_n));
  } else if (worst_end <= -margin && s->mde > margin) {
    s->verdict = Verdict::kInconclusive;
    s->reasons.push_back(
        fmt::format("{}: too little evidence: the interval reaches past the "
                    "margin {} and the smallest "
                    "detectable drop is {} at {:.0f}% power",
                    what, Fmt(margin), Fmt(s->mde), 100 * t.power));
  } else {
    s->verdict = Verdict::kPass;
  }
}

Verdict Worst(Verdict a, Verdict b) {
  if (a == Verdict::kBlock || b == Verdict::kBlock) return Verdict::kBlock;
  if (a == Verdict::kInconclusive || b == Verdict::kInconclusive)
    return Verdict::kInconclusive;
  return Verdict::kPass;
}

RunCost Cost(const std::vector<const ItemResult*>& items,
             const std::string& model, const Policy& policy) {
  RunCost c;
  std::vector<double> lat;
  double tokens_in = 0, tokens_out = 0;
  bool have_tokens = false;
  for (const ItemResult* r : items) {
    if (!r->response || r->response->error_kind == "invalid_item") continue;
    lat.push_back(r->response->latency_ms);
    if (r->response->input_tokens >= 0 && r->response->output_tokens >= 0) {
      have_tokens = true;
      tokens_in += static_cast<double>(r->response->input_tokens);
      tokens_out += static_cast<double>(r->response->output_tokens);
    }
  }
  if (!lat.empty()) {
    std::nth_element(lat.begin(),
                     lat.begin() + static_cast<long>(lat.size() / 2),
                     lat.end());
    c.p50_latency_ms = lat[lat.size() / 2];
  }
  auto price = policy.prices.find(model);
  if (have_tokens && price != policy.prices.end() && !items.empty()) {
    c.cost_per_query =
        (tokens_in * price->second.first + tokens_out * price->second.second) /
        1e6 / static_cast<double>(items.size());
  }
  return c;
}

}  // namespace

bool IsFailure(bool error, double value, bool higher_is_better) {
  return error || (higher_is_better ? value < 0.5 : value > 0.5);
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

Result<GateResult> Evaluate(const RunData& baseline, const RunData& candidate,
                            const Policy& policy, const History& history) {
  GateResult out;
  out.baseline = baseline.run.run_id;
  out.candidate = candidate.run.run_id;
  out.policy_hash = policy.Hash();

  std::map<std::string, const store::SuiteRecord*> cand_suites;
  for (const store::SuiteRecord& s : candidate.suites)
    cand_suites[s.suite] = &s;
  for (const store::SuiteRecord& s : baseline.suites) {
    auto c = cand_suites.find(s.suite);
    if (c != cand_suites.end() && c->second->version_hash != s.version_hash) {
      return Status::Invalid(
          fmt::format("suite '{}' differs between the runs (version {} in {}, "
                      "{} in {}): the suite file or its "
                      "items changed, so the runs are not comparable; run both "
                      "models on the same version",
                      s.suite, s.version_hash.substr(0, 12), out.baseline,
                      c->second->version_hash.substr(0, 12), out.candidate));
    }
  }

  // Pair on (suite, id) with equal content; everything else is unmatched.
  stats::Pairing pairing = stats::PairItems(baseline.items, candidate.items);
  out.unmatched = std::move(pairing.unmatched);
  std::map<std::pair<std::string, std::string>, Work> work;  // (suite, metric)
  std::map<std::string, const store::SuiteRecord*> base_suites;
  for (const store::SuiteRecord& s : baseline.suites) base_suites[s.suite] = &s;
  Work* w = nullptr;
  int64_t left_out = 0;
  for (const stats::ItemPair& pair : pairing.pairs) {
    const ItemResult& b = *pair.baseline;
    const ItemResult& c = *pair.candidate;
    const std::string& metric = b.item.metric;
    if (w == nullptr || w->v.suite != b.item.suite || w->v.metric != metric) {
      w = &work[{b.item.suite, metric}];
    }
    if (w->v.suite.empty()) {
      w->v.suite = b.item.suite;
      w->v.metric = metric;
      w->v.modality = base_suites.count(b.item.suite)
                          ? base_suites[b.item.suite]->modality
                          : b.item.modality;
      const score::MetricInfo* info = score::FindMetric(metric);
      w->v.higher_is_better = info == nullptr || info->higher_is_better;
      w->v.binary = info != nullptr && info->binary;
      w->v.thresholds = policy.For(w->v.suite, w->v.modality);
    }
    bool be = Errored(b), ce = Errored(c);
    auto bs = b.scores.find(metric), cs = c.scores.find(metric);
    if (!be && bs == b.scores.end()) be = true;
    if (!ce && cs == c.scores.end()) ce = true;
    std::vector<size_t> strata{0};
    for (const auto& [k, v] : b.item.slices) strata.push_back(w->At(k, v));
    for (size_t st : strata) {
      w->strata[st].base_errors += be;
      w->strata[st].cand_errors += ce;
    }
    if ((be || ce) && !policy.errors_as_failures) {
      ++left_out;
      continue;
    }
    // An error scores as the worst outcome: 0 for accuracy-like metrics, every
    // reference token wrong for error rates (denominator from the other run).
    double den = !be   ? bs->second.denominator
                 : !ce ? cs->second.denominator
                       : 1;
    auto worst = [&]() {
      return std::pair<double, double>{w->v.higher_is_better ? 0 : den, den};
    };
    auto [bn, bd] =
        be ? worst() : std::pair{bs->second.numerator, bs->second.denominator};
    auto [cn, cd] =
        ce ? worst() : std::pair{cs->second.numerator, cs->second.denominator};
    uint32_t index = static_cast<uint32_t>(w->pairs.size());
    w->pairs.push_back({&b.item.group, bn, bd, cn, cd});
    w->base_items.push_back(&b);
    w->cand_items.push_back(&c);
    for (size_t st : strata) w->strata[st].idx.push_back(index);
  }
  if (!out.unmatched.empty()) {
    std::string some;
    for (size_t i = 0; i < out.unmatched.size() && i < 5; ++i)
      some += " " + out.unmatched[i];
    std::string msg = fmt::format(
        "{} items are in only one of the runs or changed between them:{}{}",
        out.unmatched.size(), some, out.unmatched.size() > 5 ? " ..." : "");
    if (!policy.allow_partial) {
      return Status::Invalid(
          msg + "; set gate.allow_partial: true to compare the intersection");
    }
    out.reasons.push_back(
        msg + " (compared on the intersection: gate.allow_partial)");
  }
  if (left_out > 0) {
    out.reasons.push_back(
        fmt::format("{} paired items errored in one run and were left out "
                    "(gate.errors_as_failures: false)",
                    left_out));
  }

  for (auto& [key, w] : work) NumberClusters(&w.pairs);

  // Difficulty tiers: the items' own `difficulty` slice, else their failure
  // rate over the earlier runs in the database.
  for (auto& [key, w] : work) {
    bool labelled = false;
    for (const StratumAcc& st : w.strata) labelled |= st.key == "difficulty";
    int runs_seen = 0;
    for (size_t i = 0; i < w.pairs.size(); ++i) {
      const store::ItemRecord& it = w.base_items[i]->item;
      std::string tier;
      if (labelled) {
        for (const auto& [k, v] : it.slices) {
          if (k == "difficulty") tier = v;
        }
      } else if (auto h = history.find({it.suite, it.item_id, it.content_hash});
                 h != history.end() && h->second.first > 0) {
        runs_seen = std::max(runs_seen, h->second.first);
        double rate = static_cast<double>(h->second.second) / h->second.first;
        tier = rate < 1.0 / 3 ? "easy" : rate < 2.0 / 3 ? "medium" : "hard";
      }
      if (!tier.empty()) w.tiers[tier].push_back(static_cast<uint32_t>(i));
    }
    Residual& r = w.v.residual;
    r.source = labelled ? "slices.difficulty"
                        : fmt::format("history ({} runs)", runs_seen);
    int64_t bh = 0, ch = 0;
    for (size_t i = 0; i < w.pairs.size(); ++i) {
      bool hard = false;
      if (auto t = w.tiers.find("hard"); t != w.tiers.end()) {
        hard = std::binary_search(t->second.begin(), t->second.end(),
                                  static_cast<uint32_t>(i));
      }
      if (FailedItem(*w.base_items[i], w.v.metric, w.v.higher_is_better)) {
        ++r.baseline_failures;
        bh += hard;
      }
      if (FailedItem(*w.cand_items[i], w.v.metric, w.v.higher_is_better)) {
        ++r.candidate_failures;
        ch += hard;
      }
    }
    r.baseline_hard_share =
        r.baseline_failures ? static_cast<double>(bh) / r.baseline_failures : 0;
    r.candidate_hard_share =
        r.candidate_failures ? static_cast<double>(ch) / r.candidate_failures
                             : 0;
  }

  // Measure every stratum, then correct across all gated ones at once.
  std::vector<Stratum*> gated;
  for (auto& [key, w] : work) {
    std::sort(w.strata.begin() + 1, w.strata.end(),
              [](const StratumAcc& a, const StratumAcc& b) {
                return std::tie(a.key, a.value) < std::tie(b.key, b.value);
              });
    auto measure = [&](const StratumAcc& st) {
      Stratum s = Measure(w, st.idx, st.key, st.value, policy);
      s.baseline_errors = st.base_errors;
      s.candidate_errors = st.cand_errors;
      return s;
    };
    w.v.total = measure(w.strata[0]);
    w.v.test = w.v.total.test;
    gated.push_back(&w.v.total);
    for (size_t i = 1; i < w.strata.size(); ++i) {
      w.v.slices.push_back(measure(w.strata[i]));
      w.v.slices.back().gated = policy.Gated(w.strata[i].key);
    }
    // Labelled tiers are already strata as the `difficulty` slice.
    bool estimated = w.v.residual.source != "slices.difficulty";
    for (const auto& [tier, idx] : w.tiers) {
      if (!estimated) break;
      w.v.difficulty.push_back(Measure(w, idx, "difficulty", tier, policy));
      w.v.difficulty.back().gated =
          policy.hard_tail_max_drop.has_value() && tier == "hard";
    }
    w.v.curves = BuildCurves(w.base_items, w.cand_items, w.v, policy);
    auto params = policy.suite_params.find(w.v.suite);
    const nlohmann::json none = nlohmann::json::object();
    const nlohmann::json& p =
        params == policy.suite_params.end() ? none : params->second;
    w.v.baseline_behaviour = Summarize(w.base_items, p);
    w.v.candidate_behaviour = Summarize(w.cand_items, p);
  }
  for (auto& [key, w] : work) {
    for (Stratum& s : w.v.slices) {
      if (s.gated) gated.push_back(&s);
    }
    for (Stratum& s : w.v.difficulty) {
      if (s.gated) gated.push_back(&s);
    }
  }
  std::vector<CurvePoint*> robust;  // gated robustness points, same family
  for (auto& [key, w] : work) {
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

  for (auto& [key, w] : work) {
    SuiteVerdict& v = w.v;
    v.baseline_cost = Cost(w.base_items, baseline.run.model, policy);
    v.candidate_cost = Cost(w.cand_items, candidate.run.model, policy);
    double margin = v.thresholds.margin;
    Decide(v, &v.total, margin);
    v.verdict = v.total.verdict;
    for (Stratum& s : v.slices) {
      Decide(v, &s, margin);
      if (s.gated) v.verdict = Worst(v.verdict, s.verdict);
    }
    for (Stratum& s : v.difficulty) {
      Decide(v, &s, s.gated ? *policy.hard_tail_max_drop : margin);
      if (s.gated) v.verdict = Worst(v.verdict, s.verdict);
    }
    auto collect = [&](const Stratum& s) {
      if (s.gated && s.verdict != Verdict::kPass) {
        v.reasons.insert(v.reasons.end(), s.reasons.begin(), s.reasons.end());
      }
    };
    collect(v.total);
    for (const Stratum& s : v.slices) collect(s);
    for (const Stratum& s : v.difficulty) collect(s);
    for (Curve& c : v.curves) {
      for (CurvePoint& p : c.points) {
        DecideRobustness(v, &p);
        if (!p.gated) continue;
        v.verdict = Worst(v.verdict, p.verdict);
        if (p.verdict != Verdict::kPass)
          v.reasons.insert(v.reasons.end(), p.reasons.begin(), p.reasons.end());
      }
    }
    out.verdict = Worst(out.verdict, v.verdict);
    out.suites.push_back(std::move(v));
  }
  if (out.suites.empty()) {
    out.verdict = Verdict::kInconclusive;
    out.reasons.push_back("no paired items to compare");
  }
  return out;
}

std::vector<size_t> Rank(const std::vector<GateResult>& results,
                         const Policy& policy) {
  std::vector<size_t> order;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].verdict == Verdict::kPass) order.push_back(i);
  }
  auto key = [&](size_t i, const std::string& what) {
    double worst =
        what == "quality" ? -std::numeric_limits<double>::infinity() : 0;
    for (const SuiteVerdict& v : results[i].suites) {
      if (what == "quality") {
        double oriented = v.higher_is_better ? v.total.delta : -v.total.delta;
        double m = v.thresholds.margin;
        worst = std::max(worst, -(m > 0 ? oriented / m : oriented));
      } else if (what == "cost") {
        double c = v.candidate_cost.cost_per_query;
        worst = std::max(worst,
                         c < 0 ? std::numeric_limits<double>::infinity() : c);
      } else {
        worst = std::max(worst, v.candidate_cost.p50_latency_ms);
      }
    }
    return worst;  // lower is better for every key
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    for (const std::string& what : policy.rank) {
      double ka = key(a, what), kb = key(b, what);
      if (ka != kb) return ka < kb;
    }
    return false;
  });
  return order;
}

}  // namespace mmgate::gate
