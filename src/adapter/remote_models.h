// The provider entries for remote models (openai, anthropic, gemini): the
// model spec of mmgate.yaml parsed into remote::RemoteSettings.
#ifndef MMGATE_ADAPTER_REMOTE_MODELS_H_
#define MMGATE_ADAPTER_REMOTE_MODELS_H_

#include <memory>

#include "adapter/factory.h"
#include "remote/remote_model.h"

namespace mmgate::adapter {

// Reads the spec; the API key comes from the environment variable named by
// `api_key_env` (unset variable: a config error naming the variable).
Result<remote::RemoteSettings> ParseRemoteSpec(const ModelSpec& spec);

// openai, anthropic and gemini. The model sends through the environment's
// transport, waits on its clock and waiter, and paces against the limiter
// `env.shared` keeps for this model (name and version), so every instance
// made from one environment shares it.
Result<std::unique_ptr<Model>> CreateRemoteModel(const ModelSpec& spec,
                                                 const ModelEnv& env);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_REMOTE_MODELS_H_
