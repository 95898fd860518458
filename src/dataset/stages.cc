// A pipeline suite's `stages:` list (docs/pipeline.md).
#include <fmt/format.h>

#include <set>

#include "dataset/load.h"
#include "dataset/suite_build.h"
#include "dataset/yaml_util.h"

namespace mmgate::dataset::internal {
namespace {

const std::set<std::string>& StageKinds() {
  static const std::set<std::string> kinds = {"asr", "text", "tts"};
  return kinds;
}

Result<StageSpec> ReadStage(const FieldReader& suite, const YAML::Node& node,
                            const std::vector<StageSpec>& earlier) {
  if (!node.IsMap()) {
    return suite.Error(
        node, fmt::format("a stage must be a mapping, got {}", NodeKind(node)));
  }
  FieldReader r(suite.file(), node);
  MMGATE_RETURN_IF_ERROR(r.OnlyKeys(
      {"name", "model", "kind", "metric", "threshold", "schema", "verifies"}));
  StageSpec s;
  s.where = Where(suite.file(), node);
  auto name = r.RequiredString("name");
  if (!name.ok()) return name.status();
  s.name = *name;
  for (const StageSpec& e : earlier) {
    if (e.name == s.name)
      return r.Error(node, fmt::format("two stages named '{}'", s.name));
  }
  auto model = r.RequiredString("model");
  if (!model.ok()) return model.status();
  s.model = *model;
  auto kind = r.RequiredString("kind");
  if (!kind.ok()) return kind.status();
  if (!StageKinds().contains(*kind)) {
    return r.Error(FindField(node, "kind")->key,
                   fmt::format("stage '{}': unknown kind '{}' (asr, text, tts)",
                               s.name, *kind));
  }
  s.kind = *kind;
  auto metric = r.OptionalString("metric");
  if (!metric.ok()) return metric.status();
  s.metric = *metric;
  auto threshold = r.OptionalString("threshold");
  if (!threshold.ok()) return threshold.status();
  if (!threshold->empty()) {
    try {
      s.threshold = std::stod(*threshold);
    } catch (const std::exception&) {
      return r.Error(FindField(node, "threshold")->key,
                     fmt::format("stage '{}': threshold '{}' is not a number",
                                 s.name, *threshold));
    }
  } else {
    s.threshold = s.metric == "wer" || s.metric == "cer" ? 0.25 : 1.0;
  }
  if (auto f = FindField(node, "schema"); f && !f->value.IsNull()) {
    if (!f->value.IsMap())
      return r.Error(f->key, "'schema' must be a JSON Schema mapping");
    s.schema = YamlToJson(f->value);
  }
  auto verifies = r.OptionalString("verifies");
  if (!verifies.ok()) return verifies.status();
  s.verifies = *verifies;
  if (!s.verifies.empty()) {
    bool found = false;
    for (const StageSpec& e : earlier) found |= e.name == s.verifies;
    if (!found) {
      return r.Error(FindField(node, "verifies")->key,
                     fmt::format("stage '{}' verifies '{}', which is no "
                                 "earlier stage",
                                 s.name, s.verifies));
    }
  }
  return s;
}

}  // namespace

Result<std::vector<StageSpec>> ReadStages(const FieldReader& r,
                                          const std::string& modality) {
  std::vector<StageSpec> out;
  auto f = FindField(r.map(), "stages");
  if (!f || f->value.IsNull()) {
    if (modality == "pipeline")
      return r.Error(r.map(), "a pipeline suite needs 'stages:'");
    return out;
  }
  if (modality != "pipeline")
    return r.Error(f->key, "'stages' needs 'modality: pipeline'");
  if (!f->value.IsSequence() || f->value.size() == 0)
    return r.Error(f->key, "'stages' must be a non-empty list");
  for (const YAML::Node& node : f->value) {
    auto s = ReadStage(r, node, out);
    if (!s.ok()) return s.status();
    out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace mmgate::dataset::internal
