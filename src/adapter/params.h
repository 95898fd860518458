// Typed access to a ModelSpec's parameters, with errors that name the model
// and the key, shared by every provider.
#ifndef MMGATE_ADAPTER_PARAMS_H_
#define MMGATE_ADAPTER_PARAMS_H_

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "dataset/item.h"

namespace mmgate::adapter {

// "model ocr-base (tesseract)": the prefix of every config error.
std::string ModelLabel(const ModelSpec& spec);

// Rejects keys outside `known`, listing the ones the provider accepts.
Status CheckKeys(const ModelSpec& spec,
                 std::initializer_list<std::string_view> known);

// Getters return `fallback` when the key is absent. Config files arrive via
// YAML, so numbers and booleans written as strings ("1e-48", "true") are
// accepted too.
Result<double> GetNumber(const ModelSpec& spec, const std::string& key,
                         double fallback);
Result<int> GetInt(const ModelSpec& spec, const std::string& key, int fallback);
Result<bool> GetBool(const ModelSpec& spec, const std::string& key,
                     bool fallback);
Result<std::string> GetString(const ModelSpec& spec, const std::string& key,
                              const std::string& fallback);

// A scalar as text, the way an engine's string-typed option wants it.
Result<std::string> ScalarText(const nlohmann::json& value);

// First 8 hex digits of the SHA-256 of the canonical (sorted-key) JSON of an
// engine's effective configuration.
std::string ConfigHash(const nlohmann::json& config);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_PARAMS_H_
