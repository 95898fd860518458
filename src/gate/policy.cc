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
    } else {
      return Status::Invalid(
          at + ": unknown threshold (known: margin, alpha, power, min_n)");
    }
  }
  return Status::Ok();
}

json ThresholdsJson(const Thresholds& t) {
  return {{"margin", t.margin},
          {"alpha", t.alpha},
          {"power", t.power},
          {"min_n", t.min_n}};
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
  return !gated_slices || gated_slices->count(slice_key) > 0;
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
    if (key == "margin" || key == "alpha" || key == "power" || key == "min_n")
      top[key] = v;
  }
  MMGATE_RETURN_IF_ERROR(
      ParseThresholds(top, Thresholds{}, &p.defaults, where));
  for (const auto& [key, v] : gate.items()) {
    std::string at = where + "." + key;
    if (top.contains(key)) continue;
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
      if (v.is_string() && v.get<std::string>() == "all") continue;
      MMGATE_RETURN_IF_ERROR(Expect(
          v.is_array(), at, "expected a list of slice keys, or \"all\""));
      p.gated_slices.emplace();
      for (const json& k : v) {
        MMGATE_RETURN_IF_ERROR(
            Expect(k.is_string(), at, "slice keys are strings"));
        p.gated_slices->insert(k.get<std::string>());
      }
    } else if (key == "bootstrap") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_object(), at, "expected {resamples, seed, interval}"));
      for (const auto& [bk, bv] : v.items()) {
        std::string bat = at + "." + bk;
        if (bk == "resamples") {
          MMGATE_RETURN_IF_ERROR(
              Expect(bv.is_number_integer() && bv.get<int64_t>() >= 1000 &&
                         bv.get<int64_t>() <= 1'000'000,
                     bat, "resamples must be an integer in [1000, 1000000]"));
          p.bootstrap_resamples = bv.get<int>();
        } else if (bk == "max_clusters") {
          MMGATE_RETURN_IF_ERROR(
              Expect(bv.is_number_integer() && bv.get<int64_t>() >= 100, bat,
                     "max_clusters must be an integer >= 100"));
          p.bootstrap_max_clusters = bv.get<int64_t>();
        } else if (bk == "seed") {
          MMGATE_RETURN_IF_ERROR(Expect(bv.is_number_integer() && bv.get<int64_t>() >= 0, bat,
                                        "seed must be a non-negative integer"));
          p.seed = bv.get<uint64_t>();
        } else if (bk == "interval") {
          std::string m = bv.is_string() ? bv.get<std::string>() : "";
          MMGATE_RETURN_IF_ERROR(Expect(m == "bca" || m == "percentile", bat,
                                        "interval is bca or percentile"));
          p.interval =
              m == "bca" ? IntervalMethod::kBca : IntervalMethod::kPercentile;
        } else {
          return Status::Invalid(
              bat +
              ": unknown key (known: resamples, max_clusters, seed, interval)");
        }
      }
    } else if (key == "hard_tail") {
      MMGATE_RETURN_IF_ERROR(Expect(v.is_object() && v.contains("max_drop") &&
                                        v["max_drop"].is_number() &&
                                        v["max_drop"].get<double>() >= 0 &&
                                        v.size() == 1,
                                    at, "expected {max_drop: number >= 0}"));
      p.hard_tail_max_drop = v["max_drop"].get<double>();
    } else if (key == "rank") {
      MMGATE_RETURN_IF_ERROR(
          Expect(v.is_array() && !v.empty(), at,
                 "expected a list of quality, cost, latency"));
      p.rank.clear();
      for (const json& r : v) {
        std::string s = r.is_string() ? r.get<std::string>() : "";
        MMGATE_RETURN_IF_ERROR(
            Expect(s == "quality" || s == "cost" || s == "latency", at,
                   "rank keys are quality, cost, latency"));
        p.rank.push_back(s);
      }
    } else {
      return Status::Invalid(
          fmt::format("{}: unknown gate key (known: margin, alpha, power, "
                      "min_n, modalities, correction, "
                      "errors_as_failures, allow_partial, gated_slices, "
                      "bootstrap, hard_tail, rank)",
                      at));
    }
  }
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
