// The `gate:` and `prices:` sections, and each suite's part of the policy.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "common/prices.h"
#include "config/sections.h"
#include "dataset/load.h"

namespace mmgate::config::internal {
namespace {

using dataset::internal::FindField;
using dataset::internal::Where;

// The key node of the deepest key of `node` along the dotted `path`, or `at`
// when `node` has none. Keys may hold dots themselves (a model named
// "gpt-4.1"), so each step takes the longest key the path starts with.
YAML::Node DeepestKey(const YAML::Node& node, std::string_view path,
                      const YAML::Node& at) {
  if (path.empty()) return at;
  // A list step is the entry's index (`gate.slo.2.max`).
  if (node.IsSequence()) {
    size_t digits = 0;
    while (digits < path.size() &&
           std::isdigit(static_cast<unsigned char>(path[digits]))) {
      ++digits;
    }
    if (digits == 0) return at;
    const size_t i = std::stoul(std::string(path.substr(0, digits)));
    if (i >= node.size()) return at;
    path.remove_prefix(digits < path.size() ? digits + 1 : digits);
    const YAML::Node entry = node[i];
    return DeepestKey(entry, path, entry);
  }
  if (!node.IsMap()) return at;
  std::optional<Field> best;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    const std::string& key = kv.first.Scalar();
    bool match = path.starts_with(key) &&
                 (path.size() == key.size() || path[key.size()] == '.');
    // emplace, not assignment: assigning a YAML::Node rebinds the node it
    // refers to, which would rewrite the document.
    if (match && (!best || key.size() > best->key.Scalar().size()))
      best.emplace(Field{kv.first, kv.second});
  }
  if (!best) return at;
  size_t used = best->key.Scalar().size();
  path.remove_prefix(used < path.size() ? used + 1 : used);
  return DeepestKey(best->value, path, best->key);
}

}  // namespace

Status AtPathLine(const std::string& file, const YAML::Node& doc,
                  const Status& st) {
  std::string_view path = st.message();
  path = path.substr(0, path.find(": "));
  return st.WithContext(Where(file, DeepestKey(doc, path, doc)));
}

Status ReadGate(Source* src, const std::optional<Field>& field, Config* cfg) {
  nlohmann::json section =
      field ? dataset::YamlToJson(field->value) : nlohmann::json();
  auto policy = gate::ParsePolicy(section, "gate");
  if (!policy.ok()) return AtPathLine(src->file, src->root, policy.status());
  // A misspelled modality would silently lose its stricter thresholds, or
  // its latency budgets.
  const std::set<std::string> known = src->Modalities();
  for (const char* section : {"modalities", "budgets"}) {
    auto mods = field ? FindField(field->value, section) : std::nullopt;
    if (!mods || !mods->value.IsMap()) continue;
    for (const auto& kv : mods->value) {
      if (kv.first.IsScalar() && !known.contains(kv.first.Scalar())) {
        return dataset::internal::ErrorAt(
            src->file, kv.first,
            fmt::format("gate.{}: unknown modality '{}' (known: {}; "
                        "declare others under 'modalities:')",
                        section, kv.first.Scalar(), fmt::join(known, ", ")));
      }
    }
  }
  // So does an SLO scoped to a misspelled modality: it would check nothing.
  for (size_t i = 0; i < policy->slos.size(); ++i) {
    const std::string& m = policy->slos[i].modality;
    if (m.empty() || known.contains(m)) continue;
    return AtPathLine(
        src->file, src->root,
        Status::Invalid(fmt::format(
            "gate.slo.{}.modality: unknown modality '{}' (known: {})", i, m,
            fmt::join(known, ", "))));
  }
  cfg->policy = std::move(*policy);
  return Status::Ok();
}

Status ReadPrices(Source* src, const std::optional<Field>& field, Config* cfg) {
  nlohmann::json prices =
      field ? dataset::YamlToJson(field->value) : nlohmann::json();
  auto table = ParsePriceTable(prices, "prices");
  if (!table.ok()) return AtPathLine(src->file, src->root, table.status());
  // The gate's cost per query reads the same table.
  for (const auto& [model, price] : *table) {
    cfg->policy.prices[model] = {price.input_per_mtok, price.output_per_mtok};
  }
  cfg->project.prices = std::move(*table);
  return Status::Ok();
}

Status AddSuitePolicy(const std::string& file, const YAML::Node& doc,
                      const Suite& suite, gate::Policy* policy) {
  // Abstention phrases and field, for the behaviour summary.
  if (!suite.params.empty()) policy->suite_params[suite.name] = suite.params;
  Status st = gate::AddSuiteThresholds(policy, suite.name, suite.modality,
                                       suite.gate, "gate");
  return st.ok() ? st : AtPathLine(file, doc, st);
}

}  // namespace mmgate::config::internal
