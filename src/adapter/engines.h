// Constructors of the providers CreateModel dispatches to (model.h).
#ifndef MMGATE_ADAPTER_ENGINES_H_
#define MMGATE_ADAPTER_ENGINES_H_

#include <memory>

#include "adapter/model.h"

namespace mmgate::adapter {

Result<std::unique_ptr<Model>> CreateTesseractModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> CreatePocketSphinxModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> CreateExecModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> CreateRouteModel(const ModelSpec& spec);
// openai, anthropic and gemini (remote_models.h).
Result<std::unique_ptr<Model>> CreateRemoteProviderModel(const ModelSpec& spec);

// The first medium of `type` in the request, or an error naming the item.
Result<const MediaRef*> FirstMedium(const ModelRequest& request,
                                    const std::string& type);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_ENGINES_H_
