#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <map>

#include "config/sections.h"
#include "dataset/load.h"
#include "dataset/suite_build.h"

// The `models:` and `suites:` sections.
namespace mmgate::config::internal {
namespace fs = std::filesystem;
using dataset::internal::ErrorAt;
using dataset::internal::FindField;
using dataset::internal::NodeKind;
using dataset::internal::Where;

namespace {

// A model's key (for error lines) and its mapping.
struct ModelNode {
  YAML::Node key;
  YAML::Node value;
};

Status ParseModels(const std::string& file, const YAML::Node& root,
                   const std::optional<Field>& f, ProjectConfig* cfg,
                   std::map<std::string, ModelNode>* nodes) {
  if (!f) return ErrorAt(file, root, "missing required key 'models'");
  if (!f->value.IsMap()) {
    return ErrorAt(file, f->key,
                   fmt::format("'models' must map model names to their "
                               "settings, got {}",
                               NodeKind(f->value)));
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
    spec.params = dataset::YamlToJson(kv.second);
    spec.params.erase("provider");
    spec.base_dir = cfg->base_dir;
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
  for (auto& [model_name, spec] : cfg->models) {
    if (spec.provider != "route") continue;
    // A plain reference: clang 14 cannot capture a structured binding.
    const std::string& name = model_name;
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

// A suite as read: the suite, and its mapping and file for errors about its
// `gate:` section.
struct SuiteEntry {
  Suite suite;
  YAML::Node doc;
  std::string doc_file;
};

// One entry of `suites:`: a path to a suite file, or a suite written inline.
// `where` names the entry for duplicate-name errors.
Result<SuiteEntry> LoadSuiteEntry(const std::string& file, const fs::path& dir,
                                  const YAML::Node& entry,
                                  const dataset::LoadOptions& opt,
                                  std::string* where) {
  if (entry.IsMap()) {
    *where = Where(file, entry);
    auto suite = dataset::internal::BuildSuite(
        entry, {file, dir.string(), YAML::Dump(entry)}, opt);
    if (!suite.ok()) return suite.status();
    return SuiteEntry{std::move(*suite), entry, file};
  }
  if (!entry.IsScalar()) {
    return ErrorAt(file, entry,
                   "each entry of 'suites' must be a path or a suite mapping");
  }
  fs::path p(entry.Scalar());
  if (p.is_relative()) p = dir / p;
  *where = p.lexically_normal().string();
  // Only the suite file's own absence needs pointing back to this entry;
  // other errors already name the suite file and line.
  auto in_entry = [&](const Status& st) {
    return st.code() == StatusCode::kIoError
               ? st.WithContext(Where(file, entry))
               : st;
  };
  auto doc = dataset::internal::ReadSuiteFile(*where);
  if (!doc.ok()) return in_entry(doc.status());
  auto suite = dataset::internal::BuildSuite(doc->root, doc->source, opt);
  if (!suite.ok()) return in_entry(suite.status());
  return SuiteEntry{std::move(*suite), doc->root, *where};
}

}  // namespace

Status ReadModels(Source* src, const std::optional<Field>& field, Config* cfg) {
  std::map<std::string, ModelNode> nodes;
  MMGATE_RETURN_IF_ERROR(
      ParseModels(src->file, src->root, field, &cfg->project, &nodes));
  return ResolveRoutes(src->file, src->Modalities(), nodes, &cfg->project);
}

// A judge-scored suite: its judge must be a model of mmgate.yaml and its
// rubric a readable rubric file; the gate will ask for a calibration of both.
Status ReadJudge(const Suite& suite, Config* cfg) {
  if (!suite.judge) return Status::Ok();
  const JudgeSpec& j = *suite.judge;
  if (!cfg->project.models.contains(j.model)) {
    return Status::Invalid(fmt::format(
        "{}: suite '{}': judge model '{}' is not among the models of {}",
        j.where, suite.name, j.model, cfg->project.path));
  }
  auto rubric = judge::LoadRubric(j.rubric_path);
  if (!rubric.ok())
    return rubric.status().WithContext(j.where + ": suite '" + suite.name +
                                       "': judge rubric");
  cfg->policy.judged_suites[suite.name] = {j.model, rubric->hash, j.mode};
  cfg->rubrics[suite.name] = std::move(*rubric);
  return Status::Ok();
}

// A pipeline suite: every stage names a model of mmgate.yaml.
Status CheckStageModels(const Suite& suite, const Config& cfg) {
  for (const StageSpec& st : suite.stages) {
    if (!cfg.project.models.contains(st.model)) {
      return Status::Invalid(fmt::format(
          "{}: suite '{}': stage '{}' names model '{}', which is not among "
          "the models of {}",
          st.where, suite.name, st.name, st.model, cfg.project.path));
    }
  }
  return Status::Ok();
}

Status ReadSuites(Source* src, const std::optional<Field>& f, Config* cfg) {
  const std::string& file = src->file;
  if (!f) return ErrorAt(file, src->root, "missing required key 'suites'");
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
    auto loaded = LoadSuiteEntry(file, dir, entry, src->suites, &where);
    if (!loaded.ok()) return loaded.status();
    const Suite& suite = loaded->suite;
    auto [it, inserted] = first_seen.emplace(suite.name, where);
    if (!inserted) {
      return ErrorAt(file, entry,
                     fmt::format("duplicate suite name '{}' ({} and {})",
                                 suite.name, it->second, where));
    }
    MMGATE_RETURN_IF_ERROR(
        AddSuitePolicy(loaded->doc_file, loaded->doc, suite, &cfg->policy));
    MMGATE_RETURN_IF_ERROR(ReadJudge(suite, cfg));
    MMGATE_RETURN_IF_ERROR(CheckStageModels(suite, *cfg));
    cfg->project.suites.push_back(std::move(loaded->suite));
  }
  return Status::Ok();
}

}  // namespace mmgate::config::internal
