#include "gate/policy.h"

#include <fmt/format.h>

#include "common/hash.h"
#include "common/prices.h"

namespace mmgate::gate {
namespace {

using nlohmann::json;

Status Expect(bool ok, const std::string& where, const std::string& what) {
  return ok ? Status::Ok() : Status::Invalid(where + ": " + what);
}

Status ParseThresholds(const json& j, const Thresholds& base, Thresholds* out,
                       const std::string& where) {
  *out = base;
  if (!j.is_object())
    return Status::Invalid(where + ": expected a map of thresholds");
  for (const auto& [key, v] : j.items()) {
    std::string at = where + "." + key;
    if (key == "margin") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_number() && v.get<double>() >= 0, at,
                 "margin must be a number >= 0 (in the metric's units)"));
      out->margin = v.get<double>();
    } else if (key == "alpha") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_number() && v.get<double>() > 0 && v.get<double>() < 0.5,
                 at, "alpha must be in (0, 0.5)"));
      out->alpha = v.get<double>();
    } else if (key == "power") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_number() && v.get<double>() > 0.5 && v.get<double>() < 1,
                 at, "power must be in (0.5, 1)"));
      out->power = v.get<double>();
    } else if (key == "min_n") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_number_integer() && v.get<int64_t>() >= 1, at,
                 "min_n must be an integer >= 1"));
      out->min_n = v.get<int64_t>();
    } else if (key == "robustness") {
      MMGATE_RETURN_IF_ERROR(Expect(
          v.is_object() && v.size() == 1 && v.contains("max_degradation") &&
              v["max_degradation"].is_number() &&
              v["max_degradation"].get<double>() >= 0 &&
              v["max_degradation"].get<double>() < 1,
          at, "expected {max_degradation: share in [0, 1)}, e.g. 0.10"));
      out->max_degradation = v["max_degradation"].get<double>();
    } else {
      return Status::Invalid(at +
                             ": unknown threshold (known: margin, alpha, "
                             "power, min_n, robustness)");
    }
  }
  return Status::Ok();
}

json ThresholdsJson(const Thresholds& t) {
  json j = {{"margin", t.margin},
            {"alpha", t.alpha},
            {"power", t.power},
            {"min_n", t.min_n}};
  // Only when set, so policies without the rule keep their hashes.
  if (t.max_degradation) j["max_degradation"] = *t.max_degradation;
  return j;
}

Status ParseWeights(const json& v, const std::string& at, Weights* out) {
  MMGATE_RETURN_IF_ERROR(
      Expect(v.is_object(), at, "expected {suite, required, slice}"));
  for (const auto& [k, w] : v.items()) {
    std::string wat = at + "." + k;
    double* slot = k == "suite"      ? &out->suite
                   : k == "required" ? &out->required
                   : k == "slice"    ? &out->slice
                   : k == "slo"      ? &out->slo
                                     : nullptr;
    MMGATE_RETURN_IF_ERROR(
        Expect(slot != nullptr, wat,
               "unknown weight (known: suite, required, slice, slo)"));
    MMGATE_RETURN_IF_ERROR(Expect(w.is_number() && w.get<double>() > 0, wat,
                                  "a weight is a number > 0"));
    *slot = w.get<double>();
  }
  return Status::Ok();
}

Status ParseSliceRules(const json& v, const std::string& at,
                       std::map<std::string, SliceRule>* out) {
  MMGATE_RETURN_IF_ERROR(Expect(
      v.is_object(), at, "expected KEY: {required: true|false, weight: W}"));
  for (const auto& [key, rule] : v.items()) {
    std::string kat = at + "." + key;
    MMGATE_RETURN_IF_ERROR(
        Expect(rule.is_object(), kat, "expected {required, weight}"));
    SliceRule& r = (*out)[key];
    for (const auto& [rk, rv] : rule.items()) {
      std::string rat = kat + "." + rk;
      if (rk == "required") {
        MMGATE_RETURN_IF_ERROR(
            Expect(rv.is_boolean(), rat, "expected true or false"));
        r.required = rv.get<bool>();
      } else if (rk == "weight") {
        MMGATE_RETURN_IF_ERROR(Expect(rv.is_number() && rv.get<double>() > 0,
                                      rat, "a weight is a number > 0"));
        r.weight = rv.get<double>();
      } else {
        return Status::Invalid(rat + ": unknown key (known: required, weight)");
      }
    }
  }
  return Status::Ok();
}

Status ParseGatedSlices(const json& v, const std::string& at, Policy* p) {
  if (v.is_string() && v.get<std::string>() == "all") return Status::Ok();
  MMGATE_RETURN_IF_ERROR(
      Expect(v.is_array(), at, "expected a list of slice keys, or \"all\""));
  p->gated_slices.emplace();
  for (const json& k : v) {
    MMGATE_RETURN_IF_ERROR(Expect(k.is_string(), at, "slice keys are strings"));
    p->gated_slices->insert(k.get<std::string>());
  }
  return Status::Ok();
}

Status ParseBootstrap(const json& v, const std::string& at, Policy* p) {
  MMGATE_RETURN_IF_ERROR(
      Expect(v.is_object(), at, "expected {resamples, seed, interval}"));
  for (const auto& [bk, bv] : v.items()) {
    std::string bat = at + "." + bk;
    if (bk == "resamples") {
      MMGATE_RETURN_IF_ERROR(
          Expect(bv.is_number_integer() && bv.get<int64_t>() >= 1000 &&
                     bv.get<int64_t>() <= 1'000'000,
                 bat, "resamples must be an integer in [1000, 1000000]"));
      p->bootstrap_resamples = bv.get<int>();
    } else if (bk == "max_clusters") {
      MMGATE_RETURN_IF_ERROR(
          Expect(bv.is_number_integer() && bv.get<int64_t>() >= 100, bat,
                 "max_clusters must be an integer >= 100"));
      p->bootstrap_max_clusters = bv.get<int64_t>();
    } else if (bk == "seed") {
      MMGATE_RETURN_IF_ERROR(
          Expect(bv.is_number_integer() && bv.get<int64_t>() >= 0, bat,
                 "seed must be a non-negative integer"));
      p->seed = bv.get<uint64_t>();
    } else if (bk == "interval") {
      std::string m = bv.is_string() ? bv.get<std::string>() : "";
      MMGATE_RETURN_IF_ERROR(Expect(m == "bca" || m == "percentile", bat,
                                    "interval is bca or percentile"));
      p->interval =
          m == "bca" ? IntervalMethod::kBca : IntervalMethod::kPercentile;
    } else {
      return Status::Invalid(
          bat +
          ": unknown key (known: resamples, max_clusters, seed, interval)");
    }
  }
  return Status::Ok();
}

Status ParseRank(const json& v, const std::string& at, Policy* p) {
  MMGATE_RETURN_IF_ERROR(Expect(v.is_array() && !v.empty(), at,
                                "expected a list of quality, cost, latency"));
  p->rank.clear();
  for (const json& r : v) {
    std::string s = r.is_string() ? r.get<std::string>() : "";
    MMGATE_RETURN_IF_ERROR(
        Expect(s == "quality" || s == "cost" || s == "latency", at,
               "rank keys are quality, cost, latency"));
    p->rank.push_back(s);
  }
  return Status::Ok();
}

}  // namespace

const Thresholds& Policy::For(const std::string& suite,
                              const std::string& modality) const {
  if (auto s = suites.find(suite); s != suites.end()) return s->second;
  if (auto m = modalities.find(modality); m != modalities.end())
    return m->second;
  return defaults;
}

bool Policy::Gated(const std::string& slice_key) const {
  return !gated_slices || gated_slices->count(slice_key) > 0 ||
         Required(slice_key);
}

bool Policy::Required(const std::string& slice_key) const {
  auto r = slice_rules.find(slice_key);
  return r != slice_rules.end() && r->second.required;
}

double Policy::Weight(const std::string& slice_key) const {
  if (slice_key.empty()) return weights.suite;
  auto r = slice_rules.find(slice_key);
  if (r != slice_rules.end() && r->second.weight) return *r->second.weight;
  return Required(slice_key) ? weights.required : weights.slice;
}

json Policy::ToJson() const {
  json j;
  j["defaults"] = ThresholdsJson(defaults);
  j["modalities"] = json::object();
  for (const auto& [m, t] : modalities) j["modalities"][m] = ThresholdsJson(t);
  j["suites"] = json::object();
  for (const auto& [s, t] : suites) j["suites"][s] = ThresholdsJson(t);
  j["correction"] = stats::AdjustmentName(correction);
  j["errors_as_failures"] = errors_as_failures;
  j["allow_partial"] = allow_partial;
  j["gated_slices"] = gated_slices ? json(*gated_slices) : json("all");
  j["bootstrap"] = {
      {"resamples", bootstrap_resamples},
      {"max_clusters", bootstrap_max_clusters},
      {"seed", seed},
      {"interval", interval == IntervalMethod::kBca ? "bca" : "percentile"}};
  j["hard_tail_max_drop"] =
      hard_tail_max_drop ? json(*hard_tail_max_drop) : json(nullptr);
  j["rank"] = rank;
  j["block"] = block == BlockRule::kMargin ? "margin" : "significance";
  j["weights"] = {{"suite", weights.suite},
                  {"required", weights.required},
                  {"slice", weights.slice}};
  // Only with SLOs, so policies without them keep their hashes.
  if (!slos.empty()) {
    j["slo"] = SlosJson(*this);
    j["weights"]["slo"] = weights.slo;
  }
  j["slices"] = json::object();
  for (const auto& [key, r] : slice_rules) {
    j["slices"][key] = {{"required", r.required},
                        {"weight", r.weight ? json(*r.weight) : json(nullptr)}};
  }
  // Only with judges, so the hash of a policy without them is unchanged.
  if (!judged_suites.empty() || judge_kappa_floor != 0.6) {
    j["judge_kappa_floor"] = judge_kappa_floor;
    j["judged_suites"] = json::object();
    for (const auto& [suite, r] : judged_suites)
      j["judged_suites"][suite] = {
          {"judge", r.judge}, {"rubric_hash", r.rubric_hash}, {"mode", r.mode}};
  }
  return j;
}

std::string Policy::Hash() const {
  return Sha256Hex(ToJson().dump()).substr(0, 16);
}

Result<Policy> ParsePolicy(const json& gate, const std::string& where) {
  Policy p;
  if (gate.is_null()) return p;
  if (!gate.is_object()) return Status::Invalid(where + ": gate must be a map");
  // Defaults first, so per-modality maps inherit them whatever the key order.
  Thresholds defaults;
  json top = json::object();
  for (const auto& [key, v] : gate.items()) {
    if (key == "margin" || key == "alpha" || key == "power" || key == "min_n" ||
        key == "robustness")
      top[key] = v;
  }
  MMGATE_RETURN_IF_ERROR(
      ParseThresholds(top, Thresholds{}, &p.defaults, where));
  std::optional<json> slo;
  for (const auto& [key, v] : gate.items()) {
    std::string at = where + "." + key;
    if (top.contains(key)) continue;
    if (key == "slo") {
      slo = v;  // after the modalities: a degradation SLO may scope them
      continue;
    }
    if (key == "modalities") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_object(), at, "expected modality: {thresholds}"));
      for (const auto& [m, t] : v.items()) {
        MMGATE_RETURN_IF_ERROR(
            ParseThresholds(t, p.defaults, &p.modalities[m], at + "." + m));
      }
    } else if (key == "correction") {
      auto c =
          stats::ParseAdjustment(v.is_string() ? v.get<std::string>() : "");
      if (!c.ok()) return c.status().WithContext(at);
      p.correction = *c;
    } else if (key == "errors_as_failures" || key == "allow_partial") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_boolean(), at, "expected true or false"));
      (key == "allow_partial" ? p.allow_partial : p.errors_as_failures) =
          v.get<bool>();
    } else if (key == "gated_slices") {
      MMGATE_RETURN_IF_ERROR(ParseGatedSlices(v, at, &p));
    } else if (key == "bootstrap") {
      MMGATE_RETURN_IF_ERROR(ParseBootstrap(v, at, &p));
    } else if (key == "hard_tail") {
      MMGATE_RETURN_IF_ERROR(Expect(v.is_object() && v.contains("max_drop") &&
                                        v["max_drop"].is_number() &&
                                        v["max_drop"].get<double>() >= 0 &&
                                        v.size() == 1,
                                    at, "expected {max_drop: number >= 0}"));
      p.hard_tail_max_drop = v["max_drop"].get<double>();
    } else if (key == "block") {
      std::string b = v.is_string() ? v.get<std::string>() : "";
      MMGATE_RETURN_IF_ERROR(Expect(b == "margin" || b == "significance", at,
                                    "block is margin or significance"));
      p.block = b == "margin" ? BlockRule::kMargin : BlockRule::kSignificance;
    } else if (key == "budgets") {
      MMGATE_RETURN_IF_ERROR(ParseBudgets(v, at, &p));
    } else if (key == "weights") {
      MMGATE_RETURN_IF_ERROR(ParseWeights(v, at, &p.weights));
    } else if (key == "slices") {
      MMGATE_RETURN_IF_ERROR(ParseSliceRules(v, at, &p.slice_rules));
    } else if (key == "rank") {
      MMGATE_RETURN_IF_ERROR(ParseRank(v, at, &p));
    } else if (key == "judge_kappa_floor") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_number() && v.get<double>() >= -1 && v.get<double>() <= 1,
                 at, "expected a kappa between -1 and 1"));
      p.judge_kappa_floor = v.get<double>();
    } else {
      return Status::Invalid(
          fmt::format("{}: unknown gate key (known: margin, alpha, power, "
                      "min_n, robustness, modalities, correction, "
                      "errors_as_failures, allow_partial, gated_slices, "
                      "bootstrap, hard_tail, block, weights, slices, rank, "
                      "slo, budgets, judge_kappa_floor)",
                      at));
    }
  }
  if (slo) MMGATE_RETURN_IF_ERROR(ParseSlos(*slo, where + ".slo", &p));
  return p;
}

Status AddSuiteThresholds(Policy* policy, const std::string& suite,
                          const std::string& modality, const json& gate,
                          const std::string& where) {
  if (gate.is_null() || (gate.is_object() && gate.empty())) return Status::Ok();
  Thresholds base = policy->For("", modality);
  return ParseThresholds(gate, base, &policy->suites[suite], where);
}

Status ParsePrices(Policy* policy, const json& prices,
                   const std::string& where) {
  auto table = ParsePriceTable(prices, where);
  if (!table.ok()) return table.status();
  for (const auto& [model, price] : *table)
    policy->prices[model] = {price.input_per_mtok, price.output_per_mtok};
  return Status::Ok();
}

}  // namespace mmgate::gate
