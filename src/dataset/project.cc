#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <map>

#include "common/files.h"
#include "dataset/load.h"
#include "dataset/suite_build.h"
#include "dataset/yaml_util.h"

namespace mmgate::dataset {
namespace fs = std::filesystem;
using internal::ErrorAt;
using internal::FieldReader;
using internal::FindField;
using internal::Where;

namespace {

// A model's key (for error lines) and its mapping.
struct ModelNode {
  YAML::Node key;
  YAML::Node value;
};

Status ReadModels(const std::string& file, const YAML::Node& root,
                  const std::string& base_dir, ProjectConfig* cfg,
                  std::map<std::string, ModelNode>* nodes) {
  auto f = FindField(root, "models");
  if (!f) return ErrorAt(file, root, "missing required key 'models'");
  if (!f->value.IsMap()) {
    return ErrorAt(file, f->key,
                   fmt::format("'models' must map model names to their "
                               "settings, got {}",
                               internal::NodeKind(f->value)));
  }
  for (const auto& kv : f->value) {
    std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (name.empty()) {
      return ErrorAt(file, kv.first, "a model name must be a non-empty string");
    }
    if (!kv.second.IsMap()) {
      return ErrorAt(file, kv.first,
                     fmt::format("model '{}' must be a mapping with a "
                                 "'provider' key",
                                 name));
    }
    auto provider = FindField(kv.second, "provider");
    if (!provider) {
      return ErrorAt(
          file, kv.first,
          fmt::format("model '{}': missing required key 'provider'", name));
    }
    if (!provider->value.IsScalar() || provider->value.Scalar().empty()) {
      return ErrorAt(file, provider->key,
                     fmt::format("model '{}': 'provider' must be a non-empty "
                                 "string",
                                 name));
    }
    ModelSpec spec;
    spec.name = name;
    spec.provider = provider->value.Scalar();
    spec.params = YamlToJson(kv.second);
    spec.params.erase("provider");
    spec.base_dir = base_dir;
    cfg->models[name] = std::move(spec);
    (*nodes)[name] = {kv.first, kv.second};
  }
  return Status::Ok();
}

// Replaces each route target's name by the target's full spec, so the
// runner needs nothing but the route model to dispatch an item.
Status ResolveRoutes(const std::string& file,
                     const std::set<std::string>& modalities,
                     const std::map<std::string, ModelNode>& nodes,
                     ProjectConfig* cfg) {
  for (auto& [name, spec] : cfg->models) {
    if (spec.provider != "route") continue;
    nlohmann::json routes = nlohmann::json::object();
    for (const auto& kv : nodes.at(name).value) {
      std::string key = kv.first.Scalar();
      if (key == "provider") continue;
      auto error = [&](std::string_view what) {
        return ErrorAt(file, kv.first,
                       fmt::format("route model '{}': {}", name, what));
      };
      if (!modalities.contains(key)) {
        return error(fmt::format("'{}' is not a modality (known: {})", key,
                                 fmt::join(modalities, ", ")));
      }
      if (!kv.second.IsScalar()) {
        return error(fmt::format("'{}' must name a model", key));
      }
      const std::string& target = kv.second.Scalar();
      auto it = cfg->models.find(target);
      if (it == cfg->models.end()) {
        return error(fmt::format("'{}' names unknown model '{}'", key, target));
      }
      if (it->second.provider == "route") {
        return error(fmt::format(
            "'{}' names '{}', another route model (routes cannot nest)", key,
            target));
      }
      nlohmann::json target_spec = it->second.params;
      target_spec["name"] = target;
      target_spec["provider"] = it->second.provider;
      routes[key] = std::move(target_spec);
    }
    if (routes.empty()) {
      return ErrorAt(file, nodes.at(name).key,
                     fmt::format("route model '{}' routes no modality", name));
    }
    spec.params = {{"routes", std::move(routes)}};
  }
  return Status::Ok();
}

// One entry of `suites:`: a path to a suite file, or a suite written inline.
// `where` names the entry for duplicate-name errors.
Result<Suite> LoadSuiteEntry(const std::string& file, const fs::path& dir,
                             const YAML::Node& entry, const LoadOptions& opt,
                             std::string* where) {
  if (entry.IsMap()) {
    *where = Where(file, entry);
    return internal::BuildSuite(entry, {file, dir.string(), YAML::Dump(entry)},
                                opt);
  }
  if (!entry.IsScalar()) {
    return ErrorAt(file, entry,
                   "each entry of 'suites' must be a path or a suite mapping");
  }
  fs::path p(entry.Scalar());
  if (p.is_relative()) p = dir / p;
  *where = p.lexically_normal().string();
  Result<Suite> suite = LoadSuite(*where, opt);
  // Only the suite file's own absence needs pointing back to this entry;
  // other errors already name the suite file and line.
  if (!suite.ok() && suite.status().code() == StatusCode::kIoError) {
    return suite.status().WithContext(Where(file, entry));
  }
  return suite;
}

Status ReadSuites(const std::string& file, const YAML::Node& root,
                  const LoadOptions& opt, ProjectConfig* cfg) {
  auto f = FindField(root, "suites");
  if (!f) return ErrorAt(file, root, "missing required key 'suites'");
  if (!f->value.IsSequence()) {
    return ErrorAt(file, f->key,
                   "'suites' must be a list of suite file paths or inline "
                   "suites");
  }
  fs::path dir = fs::path(file).parent_path();
  if (dir.empty()) dir = ".";
  std::map<std::string, std::string> first_seen;  // suite name -> where
  for (const auto& entry : f->value) {
    std::string where;
    Result<Suite> suite = LoadSuiteEntry(file, dir, entry, opt, &where);
    if (!suite.ok()) return suite.status();
    auto [it, inserted] = first_seen.emplace(suite->name, where);
    if (!inserted) {
      return ErrorAt(file, entry,
                     fmt::format("duplicate suite name '{}' ({} and {})",
                                 suite->name, it->second, where));
    }
    cfg->suites.push_back(std::move(*suite));
  }
  return Status::Ok();
}

}  // namespace

Result<ProjectConfig> LoadProject(const std::string& mmgate_yaml_path,
                                  const LoadOptions& opt) {
  const std::string& file = mmgate_yaml_path;
  auto text = ReadFile(file);
  if (!text.ok()) {
    return Status::IoError("cannot read project config: " +
                           text.status().message());
  }
  auto root = internal::ParseYaml(file, *text);
  if (!root.ok()) return root.status();
  if (!root->IsMap()) {
    return ErrorAt(file, *root,
                   fmt::format("the project config must be a YAML mapping, "
                               "got {}",
                               internal::NodeKind(*root)));
  }
  FieldReader r(file, *root);
  ProjectConfig cfg;
  cfg.path = fs::absolute(file).lexically_normal().string();
  cfg.base_dir = fs::path(cfg.path).parent_path().string();
  cfg.raw = YamlToJson(*root);

  LoadOptions suite_opt = opt;
  auto declared = r.OptionalStringList("modalities");
  if (!declared.ok()) return declared.status();
  suite_opt.extra_modalities.insert(declared->begin(), declared->end());
  std::set<std::string> modalities = BuiltinModalities();
  modalities.insert(suite_opt.extra_modalities.begin(),
                    suite_opt.extra_modalities.end());

  std::map<std::string, ModelNode> nodes;
  MMGATE_RETURN_IF_ERROR(ReadModels(file, *root, cfg.base_dir, &cfg, &nodes));
  MMGATE_RETURN_IF_ERROR(ResolveRoutes(file, modalities, nodes, &cfg));

  for (auto [key, out] : {std::pair{"baseline", &cfg.baseline},
                          std::pair{"candidate", &cfg.candidate}}) {
    auto name = r.OptionalString(key);
    if (!name.ok()) return name.status();
    if (!name->empty() && !cfg.models.contains(*name)) {
      return ErrorAt(file, FindField(*root, key)->key,
                     fmt::format("'{}' names unknown model '{}'", key, *name));
    }
    *out = *name;
  }

  MMGATE_RETURN_IF_ERROR(ReadSuites(file, *root, suite_opt, &cfg));
  return cfg;
}

}  // namespace mmgate::dataset
