// The `slo:` section of the gate policy (policy.h's Slo).
#include <fmt/format.h>

#include <array>
#include <utility>

#include "gate/policy.h"

namespace mmgate::gate {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, SloFigure>, 11> kFigures = {{
    {"mean", SloFigure::kMean},
    {"schema_valid", SloFigure::kSchemaValid},
    {"hallucination", SloFigure::kHallucination},
    {"over_refusal", SloFigure::kOverRefusal},
    {"error_rate", SloFigure::kErrorRate},
    {"flaky_rate", SloFigure::kFlakyRate},
    {"latency_p50", SloFigure::kLatencyP50},
    {"latency_p95", SloFigure::kLatencyP95},
    {"latency_p99", SloFigure::kLatencyP99},
    {"cost_per_query", SloFigure::kCostPerQuery},
    {"cost_per_correct", SloFigure::kCostPerCorrect},
}};

constexpr const char* kKnownFigures =
    "mean, schema_valid, hallucination, over_refusal, error_rate, "
    "flaky_rate, latency_p50, latency_p95, latency_p99, cost_per_query, "
    "cost_per_correct, degradation";

Status Bad(const std::string& at, const std::string& what) {
  return Status::Invalid(at + ": " + what);
}

Result<std::string> Text(const json& v, const std::string& at) {
  if (!v.is_string() || v.get<std::string>().empty())
    return Bad(at, "expected a non-empty string");
  return v.get<std::string>();
}

// The entry's keys other than `figure` (already read into `figure`).
Status ParseEntry(const json& e, const std::string& at, const std::string& fig,
                  Slo* s) {
  bool bound = false;
  for (const auto& [k, v] : e.items()) {
    const std::string kat = at + "." + k;
    if (k == "figure") continue;
    if (k == "min" || k == "max") {
      if (bound) return Bad(kat, "give one of min or max, not both");
      if (!v.is_number()) return Bad(kat, "expected a number");
      bound = true;
      s->at_most = k == "max";
      s->threshold = v.get<double>();
    } else if (k == "modality" || k == "suite" || k == "metric" ||
               k == "type") {
      auto t = Text(v, kat);
      if (!t.ok()) return t.status();
      if (k == "metric" && s->figure != SloFigure::kMean)
        return Bad(kat, "metric applies to figure: mean only");
      if (k == "type" && s->figure != SloFigure::kHallucination)
        return Bad(kat, "type applies to figure: hallucination only");
      (k == "modality" ? s->modality
       : k == "suite"  ? s->suite
       : k == "metric" ? s->metric
                       : s->hallucination_type) = *t;
    } else if (k == "slice") {
      if (!v.is_object() || v.size() != 1 || !v.begin().value().is_string())
        return Bad(kat, "expected {KEY: VALUE}, one slice value");
      s->slice_key = v.begin().key();
      s->slice_value = v.begin().value().get<std::string>();
    } else {
      return Bad(kat,
                 "unknown SLO key (known: figure, min, max, modality, suite, "
                 "slice, metric, type)");
    }
  }
  if (!bound) return Bad(at, "an SLO needs min: or max:");
  const bool rate = SloFigureIsRate(s->figure);
  if (rate && (s->threshold < 0 || s->threshold > 1))
    return Bad(at + (s->at_most ? ".max" : ".min"),
               fig + " is a rate: the bound must be in [0, 1]");
  if (!rate && s->figure != SloFigure::kMean && s->threshold < 0)
    return Bad(at + (s->at_most ? ".max" : ".min"),
               fig + " cannot be negative");
  if (!s->modality.empty() && !s->suite.empty())
    return Bad(at, "scope an SLO by modality or by suite, not both");
  return Status::Ok();
}

// `figure: degradation` is the robustness rule: it sets max_degradation for
// all suites or one modality's.
Status ApplyDegradation(const json& e, const std::string& at, Policy* p) {
  std::string modality;
  std::optional<double> max;
  for (const auto& [k, v] : e.items()) {
    const std::string kat = at + "." + k;
    if (k == "figure") continue;
    if (k == "max") {
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() >= 1)
        return Bad(kat, "degradation max is a share in [0, 1), e.g. 0.10");
      max = v.get<double>();
    } else if (k == "modality") {
      auto t = Text(v, kat);
      if (!t.ok()) return t.status();
      modality = *t;
    } else {
      return Bad(kat,
                 "a degradation SLO takes max: and optionally modality: "
                 "(it applies per perturbation kind and level)");
    }
  }
  if (!max) return Bad(at, "a degradation SLO needs max:");
  if (modality.empty()) {
    p->defaults.max_degradation = max;
    for (auto& [m, t] : p->modalities) {
      if (!t.max_degradation) t.max_degradation = max;
    }
  } else {
    auto [it, added] = p->modalities.emplace(modality, p->defaults);
    it->second.max_degradation = max;
  }
  return Status::Ok();
}

// One budget's `p50_ms`/`p95_ms`/`p99_ms` keys as latency SLOs of
// `modality` (and of one slice value when `key` is set).
Status ParseBudgetBounds(const json& v, const std::string& at,
                         const std::string& modality, const std::string& key,
                         const std::string& value, bool allow_slices,
                         Policy* p) {
  if (!v.is_object() || v.empty())
    return Bad(at, "expected {p50_ms|p95_ms|p99_ms: MS}, e.g. {p99_ms: 2000}");
  for (const auto& [k, ms] : v.items()) {
    const std::string kat = at + "." + k;
    if (k == "slices" && allow_slices) continue;
    SloFigure figure = k == "p50_ms"   ? SloFigure::kLatencyP50
                       : k == "p95_ms" ? SloFigure::kLatencyP95
                       : k == "p99_ms" ? SloFigure::kLatencyP99
                                       : SloFigure::kMean;
    if (figure == SloFigure::kMean) {
      return Bad(kat, allow_slices ? "unknown budget key (known: p50_ms, "
                                     "p95_ms, p99_ms, slices)"
                                   : "unknown budget key (known: p50_ms, "
                                     "p95_ms, p99_ms)");
    }
    if (!ms.is_number() || !(ms.get<double>() > 0))
      return Bad(kat, "a latency budget is a number of milliseconds above 0");
    Slo s;
    s.figure = figure;
    s.at_most = true;
    s.threshold = ms.get<double>();
    s.modality = modality;
    s.slice_key = key;
    s.slice_value = value;
    p->slos.push_back(std::move(s));
  }
  return Status::Ok();
}

}  // namespace

Status ParseBudgets(const json& budgets, const std::string& where,
                    Policy* policy) {
  if (!budgets.is_object())
    return Bad(where, "expected MODALITY: {p99_ms: MS, slices: {...}}");
  for (const auto& [modality, b] : budgets.items()) {
    const std::string at = where + "." + modality;
    MMGATE_RETURN_IF_ERROR(
        ParseBudgetBounds(b, at, modality, "", "", true, policy));
    if (!b.contains("slices")) continue;
    const json& slices = b["slices"];
    const std::string sat = at + ".slices";
    if (!slices.is_object())
      return Bad(sat, "expected KEY: {VALUE: {p99_ms: MS}}");
    for (const auto& [key, values] : slices.items()) {
      if (!values.is_object())
        return Bad(sat + "." + key, "expected VALUE: {p99_ms: MS}");
      for (const auto& [value, bounds] : values.items()) {
        MMGATE_RETURN_IF_ERROR(
            ParseBudgetBounds(bounds, sat + "." + key + "." + value, modality,
                              key, value, false, policy));
      }
    }
  }
  return Status::Ok();
}

std::string_view SloFigureName(SloFigure f) {
  for (const auto& [name, fig] : kFigures) {
    if (fig == f) return name;
  }
  return "mean";
}

bool SloFigureIsRate(SloFigure f) {
  return f == SloFigure::kSchemaValid || f == SloFigure::kHallucination ||
         f == SloFigure::kOverRefusal || f == SloFigure::kErrorRate ||
         f == SloFigure::kFlakyRate;
}

std::string Slo::Describe() const {
  std::string what(SloFigureName(figure));
  if (!metric.empty()) what += "(" + metric + ")";
  if (!hallucination_type.empty()) what += "[" + hallucination_type + "]";
  std::string scope = !suite.empty() ? suite : modality;
  if (!slice_key.empty())
    scope += (scope.empty() ? "" : " ") + slice_key + "=" + slice_value;
  return fmt::format("{} {} {:g}{}", what, at_most ? "<=" : ">=", threshold,
                     scope.empty() ? "" : " (" + scope + ")");
}

Status ParseSlos(const json& list, const std::string& where, Policy* policy) {
  if (!list.is_array()) {
    return Bad(where,
               "expected a list of {figure, min|max, modality|suite, slice}");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const json& e = list[i];
    const std::string at = fmt::format("{}.{}", where, i);
    if (!e.is_object() || !e.contains("figure"))
      return Bad(at, "expected {figure: NAME, min: X} or {figure, max}");
    auto fig = Text(e["figure"], at + ".figure");
    if (!fig.ok()) return fig.status();
    if (*fig == "degradation") {
      MMGATE_RETURN_IF_ERROR(ApplyDegradation(e, at, policy));
      continue;
    }
    Slo s;
    bool known = false;
    for (const auto& [name, f] : kFigures) {
      if (name == *fig) {
        s.figure = f;
        known = true;
      }
    }
    if (!known) {
      return Bad(at + ".figure", fmt::format("unknown figure '{}' (known: {})",
                                             *fig, kKnownFigures));
    }
    MMGATE_RETURN_IF_ERROR(ParseEntry(e, at, *fig, &s));
    policy->slos.push_back(std::move(s));
  }
  return Status::Ok();
}

json SlosJson(const Policy& policy) {
  json out = json::array();
  for (const Slo& s : policy.slos) {
    json j = {{"figure", SloFigureName(s.figure)},
              {s.at_most ? "max" : "min", s.threshold}};
    if (!s.modality.empty()) j["modality"] = s.modality;
    if (!s.suite.empty()) j["suite"] = s.suite;
    if (!s.slice_key.empty()) j["slice"] = {{s.slice_key, s.slice_value}};
    if (!s.metric.empty()) j["metric"] = s.metric;
    if (!s.hallucination_type.empty()) j["type"] = s.hallucination_type;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace mmgate::gate
