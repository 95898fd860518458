// The figures an SLO bounds, and their estimates with bounds (gate/slo.h).
#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <map>

#include "gate/behaviour.h"
#include "gate/slo.h"
#include "stats/one_sample.h"
#include "stats/pairing.h"

namespace mmgate::gate {
namespace {

using store::GateItem;

bool InSlice(const GateItem& r, const std::string& key,
             const std::string& value) {
  if (key.empty()) return true;
  for (const store::GateSlice& s : r.slices) {
    if (s.key == key && s.value == value) return true;
  }
  return false;
}

std::string_view SliceValue(const GateItem& r, std::string_view key) {
  for (const store::GateSlice& s : r.slices) {
    if (s.key == key) return s.value;
  }
  return "";
}

// Answered or errored by the model: an invalid item was never sent.
bool Sent(const GateItem& r) {
  return r.has_response && r.error_kind != "invalid_item";
}

// num/den of the suite's metric on one item; an error (or no score) is the
// worst outcome when errors count as failures, else the item is left out.
bool MetricSums(const GateItem& r, const SuiteVerdict& v, bool errors_count,
                double* num, double* den) {
  const store::GateScore* s = r.Score(v.metric);
  if (stats::Errored(r) || s == nullptr) {
    if (!errors_count) return false;
    *num = v.higher_is_better ? 0.0 : 1.0;
    *den = 1;
    return true;
  }
  *num = s->numerator;
  *den = s->denominator;
  return true;
}

double Quantile(SloFigure f) {
  return f == SloFigure::kLatencyP50   ? 0.5
         : f == SloFigure::kLatencyP95 ? 0.95
                                       : 0.99;
}

// The rates: x of n items, by the figure's own rule.
void SampleRate(const Slo& slo, const std::vector<const GateItem*>& items,
                const nlohmann::json& params, SloSample* s) {
  AbstainMemo memo(AbstainRuleOf(params));
  for (const GateItem* r : items) {
    switch (slo.figure) {
      case SloFigure::kSchemaValid:
        if (r->has_response && r->schema_valid >= 0) {
          ++s->n;
          s->x += r->schema_valid == 1;
        }
        break;
      case SloFigure::kHallucination: {
        const ItemBehaviour b = Classify(*r, &memo);
        if (!b.counted) break;
        if (slo.hallucination_type.empty()) {
          if (!b.expect_abstain) break;
          ++s->n;
          s->x += !b.abstains;
        } else if (SliceValue(*r, "hallucination_type") ==
                   slo.hallucination_type) {
          ++s->n;
          s->x += b.hallucinated;
        }
        break;
      }
      case SloFigure::kOverRefusal: {
        const ItemBehaviour b = Classify(*r, &memo);
        if (!b.counted || b.expect_abstain) break;
        ++s->n;
        s->x += b.abstains;
        break;
      }
      case SloFigure::kErrorRate:
        if (!r->has_response || r->error_kind != "invalid_item") {
          ++s->n;
          s->x += stats::Errored(*r);
        }
        break;
      case SloFigure::kFlakyRate:
        if (r->has_response && r->has_answer) {
          ++s->n;
          s->x += r->flaky;
        }
        break;
      default:
        break;
    }
  }
  if (s->n == 0) {
    s->missing = slo.figure == SloFigure::kSchemaValid
                     ? "no item was checked against a schema"
                 : slo.figure == SloFigure::kHallucination
                     ? (slo.hallucination_type.empty()
                            ? "no answered `expect: abstain` item"
                            : "no answered item of hallucination_type " +
                                  slo.hallucination_type)
                 : slo.figure == SloFigure::kOverRefusal
                     ? "no answered answerable item"
                     : "no item was run";
  }
}

}  // namespace

SloSample SampleSlo(const Slo& slo, const SuiteVerdict& v,
                    const std::vector<const GateItem*>& all,
                    const std::string& key, const std::string& value,
                    const std::string& model, const nlohmann::json& params,
                    const Policy& policy) {
  std::vector<const GateItem*> items;
  for (const GateItem* r : all) {
    if (InSlice(*r, key, value)) items.push_back(r);
  }
  SloSample s;
  if (SloFigureIsRate(slo.figure)) {
    SampleRate(slo, items, params, &s);
    return s;
  }
  const bool cost = slo.figure == SloFigure::kCostPerQuery ||
                    slo.figure == SloFigure::kCostPerCorrect;
  if (cost && !policy.prices.count(model)) {
    s.missing = "no price for model '" + model + "' under prices:";
    return s;
  }
  // Clusters by group, in name order, so the result does not depend on the
  // order of the items.
  std::map<std::string_view, size_t> cluster;
  bool have_tokens = false;
  for (const GateItem* r : items) {
    const bool quantile = slo.figure == SloFigure::kLatencyP50 ||
                          slo.figure == SloFigure::kLatencyP95 ||
                          slo.figure == SloFigure::kLatencyP99;
    double num = 0, den = 1;
    if (quantile || cost) {
      if (!Sent(*r)) continue;
      have_tokens |= r->input_tokens >= 0 && r->output_tokens >= 0;
    }
    if (slo.figure == SloFigure::kMean &&
        !MetricSums(*r, v, policy.errors_as_failures, &num, &den)) {
      continue;
    }
    if (cost) {
      num = r->cost_usd;
      const store::GateScore* score = r->Score(v.metric);
      den =
          slo.figure == SloFigure::kCostPerQuery
              ? 1.0
              : score != nullptr && !IsFailure(stats::Errored(*r), score->value,
                                               v.higher_is_better);
    }
    auto [it, added] = cluster.emplace(r->group, cluster.size());
    ++s.n;
    if (quantile) {
      if (added) s.values.emplace_back();
      s.values[it->second].push_back(r->latency_ms);
    } else {
      if (added) s.sums.emplace_back();
      stats::PairedSums& p = s.sums[it->second];
      p.base_den += 1;  // the baseline side is 0 / k: a one-sample ratio
      p.cand_num += num;
      p.cand_den += den;
    }
  }
  if (cost && !have_tokens) s.n = 0;
  if (s.n == 0) {
    s.missing = cost ? "no response reported its tokens, so none was priced"
                     : "no item measures it";
  }
  if (slo.figure == SloFigure::kCostPerCorrect && s.n > 0) {
    double correct = 0;
    for (const stats::PairedSums& p : s.sums) correct += p.cand_den;
    if (correct == 0) {
      s.n = 0;
      s.missing = "no correct answer to divide the cost by";
    }
  }
  return s;
}

namespace {

double Z(double tail) {
  return boost::math::quantile(
      boost::math::complement(boost::math::normal_distribution<>(), tail));
}

// Items for the bound at `level` to clear the threshold at the estimate, with
// `power`: ((z_level + z_power) * sd / |estimate - threshold|)^2.
int64_t Needed(double sd, double gap, double level, double power) {
  if (!(gap > 0) || !(sd > 0) || !std::isfinite(sd)) return 0;
  const double n = std::pow((Z(level) + Z(1 - power)) * sd / gap, 2);
  return n > 1e12 ? 0 : static_cast<int64_t>(std::ceil(n));
}

}  // namespace

void EstimateSlo(const SloSample& sample, double level, double power,
                 const Policy& policy, uint64_t seed, SloCheck* c) {
  const Slo& slo = c->slo;
  const double t = slo.threshold;
  c->n = sample.n;
  if (sample.n == 0) return;
  if (SloFigureIsRate(slo.figure)) {
    c->method = "clopper-pearson";
    c->x = sample.x;
    c->estimate = static_cast<double>(sample.x) / sample.n;
    auto ci = stats::ClopperPearson(sample.x, sample.n, level);
    c->lo = ci->lower;
    c->hi = ci->upper;
    c->p = slo.at_most ? stats::BinomialPAbove(sample.x, sample.n, t)
                       : stats::BinomialPBelow(sample.x, sample.n, t);
    // The one-sample test of a proportion: z at the threshold's variance
    // for the level, at the estimate's for the power.
    const double gap = std::abs(c->estimate - t);
    const double z = Z(level) * std::sqrt(t * (1 - t)) +
                     Z(1 - power) * std::sqrt(c->estimate * (1 - c->estimate));
    c->items_needed =
        gap > 0 && z > 0 ? static_cast<int64_t>(std::ceil(std::pow(z / gap, 2)))
                         : 0;
    return;
  }
  std::vector<double> reps;
  if (!sample.values.empty()) {
    c->method = "cluster-bootstrap-percentile";
    auto q = stats::BootstrapQuantile(sample.values, Quantile(slo.figure),
                                      level, policy.bootstrap_resamples, seed);
    if (!q.ok()) {
      c->reasons.push_back(c->label + ": no estimate: " + q.status().message());
      return;
    }
    c->estimate = q->estimate;
    c->lo = q->interval.lower;
    c->hi = q->interval.upper;
    reps = std::move(q->replicates);
  } else {
    stats::BootstrapOptions opt;
    opt.resamples = policy.bootstrap_resamples;
    opt.seed = seed;
    opt.confidence = 1 - 2 * level;
    auto r = stats::PairedBootstrap(sample.sums, opt);
    if (!r.ok()) {
      c->reasons.push_back(c->label + ": no estimate: " + r.status().message());
      return;
    }
    const bool bca = policy.interval == IntervalMethod::kBca;
    c->method = bca ? "cluster-bootstrap-bca" : "cluster-bootstrap-percentile";
    c->estimate = r->candidate;
    c->lo = bca ? r->bca.lower : r->percentile.lower;
    c->hi = bca ? r->bca.upper : r->percentile.upper;
    reps = std::move(r->replicates);
  }
  c->p = slo.at_most ? stats::BootstrapPAbove(reps, t)
                     : stats::BootstrapPBelow(reps, t);
  // The interval's half-width scales as 1/sqrt(n): its spread per item.
  const double sd = (c->hi - c->lo) / (2 * Z(level)) *
                    std::sqrt(static_cast<double>(sample.n));
  c->items_needed = Needed(sd, std::abs(c->estimate - t), level, power);
}

}  // namespace mmgate::gate
