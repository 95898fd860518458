// The provider entries for remote models (openai, anthropic, gemini): the
// model spec of mmgate.yaml parsed into remote::RemoteSettings.
#ifndef MMGATE_ADAPTER_REMOTE_MODELS_H_
#define MMGATE_ADAPTER_REMOTE_MODELS_H_

#include <memory>

#include "adapter/model.h"
#include "remote/remote_model.h"

namespace mmgate::adapter {

// Reads the spec; the API key comes from the environment variable named by
// `api_key_env` (unset variable: a config error naming the variable).
Result<remote::RemoteSettings> ParseRemoteSpec(const ModelSpec& spec);

// With `deps` null the model uses the process-wide curl transport, the
// system clock, real sleeps and a limiter shared by every instance of the
// model; tests pass their own.
Result<std::unique_ptr<Model>> CreateRemoteModel(
    const ModelSpec& spec, const remote::RemoteDeps* deps);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_REMOTE_MODELS_H_
