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

// `db:` as Config::db: a relative file path (not a URL) is taken from the
// config's folder, so the setting means the same from any working folder.
Status ReadDatabase(Source* src, const std::optional<Field>&, Config* cfg) {
  auto db = FieldReader(src->file, src->root).OptionalString("db");
  if (!db.ok()) return db.status();
  std::string value = *db;
  std::string_view path(value);
  std::string prefix;
  if (path.starts_with("sqlite://")) {
    prefix = "sqlite://";
  } else if (path.starts_with("sqlite:")) {
    prefix = "sqlite:";
  } else if (path.find("://") != std::string_view::npos) {
    cfg->db = value;
    return Status::Ok();
  }
  path.remove_prefix(prefix.size());
  if (!path.empty() && fs::path(path).is_relative()) {
    fs::path base = fs::absolute(src->file).parent_path();
    value = prefix + (base / path).lexically_normal().string();
  }
  cfg->db = value;
  return Status::Ok();
}

Status ReadStakes(Source* src, const std::optional<Field>& field, Config* cfg) {
  if (!field) return Status::Ok();
  const YAML::Node& node = field->value;
  if (!node.IsMap())
    return ErrorAt(src->file, node,
                   "'stakes' must map categories to numbers (refund: 5)");
  for (const auto& kv : node) {
    const std::string category = kv.first.as<std::string>();
    double w = 0;
    if (!kv.second.IsScalar() || !YAML::convert<double>::decode(kv.second, w) ||
        !(w > 0))
      return ErrorAt(
          src->file, kv.second,
          fmt::format("stakes.{}: must be a number above 0", category));
    cfg->stakes[category] = w;
  }
  return Status::Ok();
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
  cfg->goldset.configured = true;
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
    {"db", internal::ReadDatabase},
    {"stakes", internal::ReadStakes},
    {"goldset", internal::ReadGoldset},
    {"caps", internal::ReadCaps},
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

Result<std::string> DatabaseSetting(const std::string& mmgate_yaml) {
  std::error_code ec;
  if (!fs::exists(mmgate_yaml, ec)) return std::string();
  auto text = ReadFile(mmgate_yaml);
  if (!text.ok()) {
    return Status::IoError("cannot read project config: " +
                           text.status().message());
  }
  auto root = dataset::internal::ParseYaml(mmgate_yaml, *text);
  if (!root.ok()) return root.status();
  if (!root->IsMap()) return std::string();  // Load says what is wrong
  Config cfg;
  internal::Source src{mmgate_yaml, *root, {}};
  MMGATE_RETURN_IF_ERROR(
      internal::ReadDatabase(&src, FindField(*root, "db"), &cfg));
  return cfg.db;
}

std::map<std::string, std::string> DatasetDirs(const ProjectConfig& project) {
  std::map<std::string, std::string> dirs;
  for (const Suite& s : project.suites) {
    dirs[s.name] = fs::path(s.dataset_path).parent_path().string();
  }
  return dirs;
}

}  // namespace mmgate::config
