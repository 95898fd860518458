#include "judge/rubric.h"

#include <fmt/format.h>

#include <set>

#include "common/files.h"
#include "common/hash.h"
#include "dataset/yaml_util.h"

namespace mmgate::judge {
namespace {

using dataset::internal::FieldReader;
using dataset::internal::FindField;
using dataset::internal::ParseYaml;

// `scale:` is a list of grades, or a mapping grade -> description.
Status ReadScale(const FieldReader& r, Rubric* out) {
  auto f = FindField(r.map(), "scale");
  if (!f || f->value.IsNull())
    return r.Error(r.map(),
                   "missing required key 'scale' (grades, worst first)");
  std::set<std::string> seen;
  auto add = [&](const YAML::Node& grade, std::string description) -> Status {
    if (!grade.IsScalar() || grade.Scalar().empty())
      return r.Error(grade, "a grade must be a non-empty scalar");
    if (!seen.insert(grade.Scalar()).second)
      return r.Error(grade,
                     fmt::format("grade '{}' is listed twice", grade.Scalar()));
    out->scale.emplace_back(grade.Scalar(), std::move(description));
    return Status::Ok();
  };
  if (f->value.IsSequence()) {
    for (const auto& g : f->value) MMGATE_RETURN_IF_ERROR(add(g, ""));
  } else if (f->value.IsMap()) {
    for (const auto& kv : f->value) {
      if (!kv.second.IsScalar())
        return r.Error(kv.first, "a grade's description must be text");
      MMGATE_RETURN_IF_ERROR(add(kv.first, kv.second.Scalar()));
    }
  } else {
    return r.Error(f->key,
                   "'scale' must list the grades, worst first (or map each "
                   "grade to its description)");
  }
  if (out->scale.size() < 2)
    return r.Error(f->key, "'scale' needs at least two grades");
  return Status::Ok();
}

Status ReadFailureModes(const FieldReader& r, Rubric* out) {
  auto f = FindField(r.map(), "failure_modes");
  if (!f || f->value.IsNull())
    return r.Error(r.map(), "missing required key 'failure_modes'");
  if (!f->value.IsMap() || f->value.size() == 0)
    return r.Error(f->key,
                   "'failure_modes' must map each failure mode's name to "
                   "what it looks like");
  for (const auto& kv : f->value) {
    if (!kv.first.IsScalar() || !kv.second.IsScalar())
      return r.Error(kv.first, "a failure mode must be 'name: description'");
    const std::string& name = kv.first.Scalar();
    for (char c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
        return r.Error(kv.first,
                       fmt::format("failure mode '{}': use letters, digits "
                                   "and '_' only",
                                   name));
    }
    out->failure_modes.emplace_back(name, kv.second.Scalar());
  }
  return Status::Ok();
}

}  // namespace

std::optional<int> Rubric::GradeIndex(const std::string& grade) const {
  for (size_t i = 0; i < scale.size(); ++i)
    if (scale[i].first == grade) return static_cast<int>(i);
  return std::nullopt;
}

bool Rubric::HasFailureMode(const std::string& name) const {
  for (const auto& [n, d] : failure_modes)
    if (n == name) return true;
  return false;
}

double Rubric::Normalized(int index) const {
  return static_cast<double>(index) / static_cast<double>(scale.size() - 1);
}

Result<Rubric> ParseRubric(const std::string& path, const std::string& text) {
  auto root = ParseYaml(path, text);
  if (!root.ok()) return root.status();
  if (!root->IsMap())
    return dataset::internal::ErrorAt(path, *root,
                                      "a rubric must be a YAML mapping");
  FieldReader r(path, *root);
  MMGATE_RETURN_IF_ERROR(r.OnlyKeys(
      {"name", "modality", "instructions", "scale", "failure_modes"}));
  Rubric out;
  out.path = path;
  auto name = r.RequiredString("name");
  if (!name.ok()) return name.status();
  out.name = *name;
  auto modality = r.OptionalString("modality");
  if (!modality.ok()) return modality.status();
  out.modality = *modality;
  auto instructions = r.RequiredString("instructions");
  if (!instructions.ok()) return instructions.status();
  out.instructions = *instructions;
  MMGATE_RETURN_IF_ERROR(ReadScale(r, &out));
  MMGATE_RETURN_IF_ERROR(ReadFailureModes(r, &out));
  out.hash = Sha256Hex(text);
  return out;
}

Result<Rubric> LoadRubric(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok())
    return Status::IoError("cannot read rubric: " + text.status().message());
  return ParseRubric(path, *text);
}

}  // namespace mmgate::judge
