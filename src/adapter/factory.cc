// CreateModel: the provider registry.
#include <fmt/format.h>

#include "adapter/engines.h"
#include "adapter/model.h"
#include "adapter/params.h"

namespace mmgate {
namespace adapter {

Result<const MediaRef*> FirstMedium(const ModelRequest& request,
                                    const std::string& type) {
  for (const MediaRef& m : request.media) {
    if (m.type == type) {
      if (m.abs_path.empty()) {
        return Status::Invalid(
            fmt::format("item {}: {} medium {} has no resolved path",
                        request.item_id, type, m.path));
      }
      return &m;
    }
  }
  return Status::Invalid(
      fmt::format("item {}: no {} medium to read", request.item_id, type));
}

}  // namespace adapter

Result<std::unique_ptr<Model>> CreateModel(const ModelSpec& spec) {
  using Factory = Result<std::unique_ptr<Model>> (*)(const ModelSpec&);
  static const std::pair<const char*, Factory> kProviders[] = {
      {"anthropic", adapter::CreateRemoteProviderModel},
      {"exec", adapter::CreateExecModel},
      {"gemini", adapter::CreateRemoteProviderModel},
      {"openai", adapter::CreateRemoteProviderModel},
      {"pocketsphinx", adapter::CreatePocketSphinxModel},
      {"route", adapter::CreateRouteModel},
      {"tesseract", adapter::CreateTesseractModel},
  };
  std::vector<std::string> known;
  for (const auto& [name, factory] : kProviders) {
    if (spec.provider == name) return factory(spec);
    known.push_back(name);
  }
  return Status::Invalid(
      fmt::format("model {}: unknown provider '{}' (known: {})", spec.name,
                  spec.provider, fmt::join(known, ", ")));
}

}  // namespace mmgate
