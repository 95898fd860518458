#include "adapter/params.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "common/hash.h"

namespace mmgate::adapter {
namespace {

Status BadType(const ModelSpec& spec, const std::string& key,
               const char* wanted, const nlohmann::json& value) {
  return Status::Invalid(fmt::format("{}: key '{}' must be {}, got {}",
                                     ModelLabel(spec), key, wanted,
                                     value.dump()));
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(*out);
}

}  // namespace

std::string ModelLabel(const ModelSpec& spec) {
  return fmt::format("model {} ({})", spec.name, spec.provider);
}

Status CheckKeys(const ModelSpec& spec,
                 std::initializer_list<std::string_view> known) {
  if (spec.params.is_null()) return Status::Ok();  // no parameters at all
  if (!spec.params.is_object()) {
    return Status::Invalid(ModelLabel(spec) + ": parameters must be a map");
  }
  for (const auto& [key, value] : spec.params.items()) {
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (!found) {
      return Status::Invalid(fmt::format("{}: unknown key '{}' (known: {})",
                                         ModelLabel(spec), key,
                                         fmt::join(known, ", ")));
    }
  }
  return Status::Ok();
}

Result<double> GetNumber(const ModelSpec& spec, const std::string& key,
                         double fallback) {
  auto it = spec.params.find(key);
  if (it == spec.params.end()) return fallback;
  double v = 0;
  if (it->is_number()) return it->get<double>();
  if (it->is_string() && ParseDouble(it->get<std::string>(), &v)) return v;
  return BadType(spec, key, "a number", *it);
}

Result<int> GetInt(const ModelSpec& spec, const std::string& key,
                   int fallback) {
  Result<double> v = GetNumber(spec, key, fallback);
  if (!v.ok()) return v.status();
  if (*v != std::floor(*v) || std::fabs(*v) > 1e9) {
    return BadType(spec, key, "an integer", spec.params.at(key));
  }
  return static_cast<int>(*v);
}

Result<bool> GetBool(const ModelSpec& spec, const std::string& key,
                     bool fallback) {
  auto it = spec.params.find(key);
  if (it == spec.params.end()) return fallback;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  return BadType(spec, key, "true or false", *it);
}

Result<std::string> GetString(const ModelSpec& spec, const std::string& key,
                              const std::string& fallback) {
  auto it = spec.params.find(key);
  if (it == spec.params.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  return BadType(spec, key, "a string", *it);
}

Result<std::string> ScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return std::string(value.get<bool>() ? "1" : "0");
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return fmt::format("{}", value.get<double>());
  return Status::Invalid("expected a string, number or boolean, got " +
                         value.dump());
}

std::string ConfigHash(const nlohmann::json& config) {
  return Sha256Hex(config.dump()).substr(0, 8);
}

}  // namespace mmgate::adapter
