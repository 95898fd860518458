#include "config/config.h"

#include <fmt/format.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "common/files.h"
#include "config/sections.h"

namespace mmgate::config {
namespace fs = std::filesystem;
using dataset::internal::ErrorAt;
using dataset::internal::FieldReader;
using dataset::internal::FindField;

namespace internal {

std::set<std::string> Source::Modalities() const {
  std::set<std::string> all = dataset::BuiltinModalities();
  all.insert(suites.extra_modalities.begin(), suites.extra_modalities.end());
  return all;
}

Status ReadModalities(Source* src, const std::optional<Field>&, Config*) {
  auto declared =
      FieldReader(src->file, src->root).OptionalStringList("modalities");
  if (!declared.ok()) return declared.status();
  src->suites.extra_modalities.insert(declared->begin(), declared->end());
  return Status::Ok();
}

namespace {

// `baseline:` or `candidate:`: optional, and must name a model.
Status ReadDefaultModel(const Source& src, const std::optional<Field>& field,
                        const char* key, const Config& cfg, std::string* out) {
  auto name = FieldReader(src.file, src.root).OptionalString(key);
  if (!name.ok()) return name.status();
  if (!name->empty() && !cfg.project.models.contains(*name)) {
    return ErrorAt(src.file, field->key,
                   fmt::format("'{}' names unknown model '{}'", key, *name));
  }
  *out = *name;
  return Status::Ok();
}

}  // namespace

Status ReadBaseline(Source* src, const std::optional<Field>& field,
                    Config* cfg) {
  return ReadDefaultModel(*src, field, "baseline", *cfg,
                          &cfg->project.baseline);
}

Status ReadCandidate(Source* src, const std::optional<Field>& field,
                     Config* cfg) {
  return ReadDefaultModel(*src, field, "candidate", *cfg,
                          &cfg->project.candidate);
}

// `goldset: {cadence_days: 30}`.
Status ReadGoldset(Source* src, const std::optional<Field>& field,
                   Config* cfg) {
  if (!field) return Status::Ok();
  const YAML::Node& node = field->value;
  if (!node.IsMap())
    return ErrorAt(src->file, field->key,
                   "'goldset' must be a mapping {cadence_days: DAYS}");
  MMGATE_RETURN_IF_ERROR(
      FieldReader(src->file, node).OnlyKeys({"cadence_days"}));
  auto days = FindField(node, "cadence_days");
  if (!days) return Status::Ok();
  int v = 0;
  if (!days->value.IsScalar() || !YAML::convert<int>::decode(days->value, v) ||
      v < 1 || v > 3650)
    return ErrorAt(src->file, days->value,
                   "goldset.cadence_days must be a whole number of days, "
                   "1..3650");
  cfg->goldset.cadence_days = v;
  return Status::Ok();
}

}  // namespace internal

namespace {

struct Section {
  std::string_view key;
  internal::SectionReader read;
};

// Every top-level key of mmgate.yaml, in reading order: routes need the
// modalities, `baseline` and `candidate` the models, the suites' thresholds
// start from the gate's. A new section (a judge, load profiles) is one more
// row here and one more member of Config.
constexpr Section kSections[] = {
    {"modalities", internal::ReadModalities},
    {"models", internal::ReadModels},
    {"baseline", internal::ReadBaseline},
    {"candidate", internal::ReadCandidate},
    {"gate", internal::ReadGate},
    {"prices", internal::ReadPrices},
    {"suites", internal::ReadSuites},
    {"goldset", internal::ReadGoldset},
};

}  // namespace

Result<Config> Load(const std::string& mmgate_yaml,
                    const dataset::LoadOptions& opt) {
  const std::string& file = mmgate_yaml;
  auto text = ReadFile(file);
  if (!text.ok()) {
    return Status::IoError("cannot read project config: " +
                           text.status().message());
  }
  auto root = dataset::internal::ParseYaml(file, *text);
  if (!root.ok()) return root.status();
  if (!root->IsMap()) {
    return ErrorAt(file, *root,
                   fmt::format("the project config must be a YAML mapping, "
                               "got {}",
                               dataset::internal::NodeKind(*root)));
  }
  std::vector<std::string_view> keys;
  for (const Section& s : kSections) keys.push_back(s.key);
  MMGATE_RETURN_IF_ERROR(FieldReader(file, *root).OnlyKeys(keys));

  Config cfg;
  cfg.project.path = fs::absolute(file).lexically_normal().string();
  cfg.project.base_dir = fs::path(cfg.project.path).parent_path().string();
  internal::Source src{file, *root, opt};
  for (const Section& s : kSections) {
    MMGATE_RETURN_IF_ERROR(s.read(&src, FindField(*root, s.key), &cfg));
  }
  return cfg;
}

std::map<std::string, std::string> DatasetDirs(const ProjectConfig& project) {
  std::map<std::string, std::string> dirs;
  for (const Suite& s : project.suites) {
    dirs[s.name] = fs::path(s.dataset_path).parent_path().string();
  }
  return dirs;
}

}  // namespace mmgate::config
