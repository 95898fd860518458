// provider: openai | anthropic | gemini — remote models over HTTP.
#include "adapter/remote_models.h"

#include <fmt/format.h>

#include <cstdlib>

#include "adapter/engines.h"
#include "adapter/params.h"
#include "common/redact.h"

namespace mmgate::adapter {
namespace {

using nlohmann::json;

struct ProviderDefaults {
  const char* name;
  const char* base_url;
  std::unique_ptr<remote::Wire> (*wire)();
};

constexpr ProviderDefaults kProviders[] = {
    {"openai", "https://api.openai.com/v1", remote::MakeOpenAIWire},
    {"anthropic", "https://api.anthropic.com", remote::MakeAnthropicWire},
    {"gemini", "https://generativelanguage.googleapis.com/v1beta",
     remote::MakeGeminiWire},
};

const ProviderDefaults* Find(const std::string& provider) {
  for (const ProviderDefaults& p : kProviders)
    if (provider == p.name) return &p;
  return nullptr;
}

}  // namespace

Result<remote::RemoteSettings> ParseRemoteSpec(const ModelSpec& spec) {
  const ProviderDefaults* p = Find(spec.provider);
  const std::string label = ModelLabel(spec);
  if (!p) return Status::Invalid(label + ": not a remote provider");
  MMGATE_RETURN_IF_ERROR(
      CheckKeys(spec, {"base_url",         "model",
                       "api_key_env",      "endpoint",
                       "parameters",       "system",
                       "prompt_template",  "json_schema",
                       "stream",           "concurrency",
                       "requests_per_min", "tokens_per_min",
                       "timeout_s",        "deadline_s",
                       "max_attempts",     "backoff_base_ms",
                       "backoff_cap_ms",   "seed",
                       "image_tokens",     "audio_tokens_per_s"}));
  remote::RemoteSettings s;
  s.provider = spec.provider;
  remote::WireConfig& w = s.wire;
  auto str = [&](const char* key, const std::string& fallback,
                 std::string* out) {
    auto v = GetString(spec, key, fallback);
    if (!v.ok()) return v.status();
    *out = *v;
    return Status::Ok();
  };
  MMGATE_RETURN_IF_ERROR(str("base_url", p->base_url, &w.base_url));
  while (!w.base_url.empty() && w.base_url.back() == '/') w.base_url.pop_back();
  MMGATE_RETURN_IF_ERROR(str("model", "", &w.model));
  if (w.model.empty())
    return Status::Invalid(label + ": key 'model' is required");
  MMGATE_RETURN_IF_ERROR(str("endpoint", "chat", &w.endpoint));
  if (w.endpoint != "chat" &&
      !(spec.provider == "openai" && w.endpoint == "transcriptions"))
    return Status::Invalid(
        label + ": endpoint must be chat" +
        (spec.provider == "openai" ? " or transcriptions" : ""));
  MMGATE_RETURN_IF_ERROR(str("system", "", &w.system));
  MMGATE_RETURN_IF_ERROR(
      str("prompt_template", "{prompt}", &w.prompt_template));
  std::string key_env;
  MMGATE_RETURN_IF_ERROR(str("api_key_env", "", &key_env));
  if (!key_env.empty()) {
    const char* key = std::getenv(key_env.c_str());
    if (!key || !*key)
      return Status::Invalid(
          fmt::format("{}: environment variable {} (api_key_env) is not set",
                      label, key_env));
    w.api_key = key;
    RegisterSecret(w.api_key);
  }
  if (spec.params.contains("parameters")) {
    w.parameters = spec.params["parameters"];
    if (!w.parameters.is_object())
      return Status::Invalid(label + ": key 'parameters' must be a map");
  }
  if (spec.params.contains("json_schema")) {
    w.json_schema = spec.params["json_schema"];
    if (!w.json_schema.is_object())
      return Status::Invalid(label +
                             ": key 'json_schema' must be a JSON Schema map");
    if (spec.provider == "anthropic")
      return Status::Invalid(
          label + ": json_schema is supported for openai and gemini");
  }
  auto stream = GetBool(spec, "stream", false);
  if (!stream.ok()) return stream.status();
  w.stream = *stream;

  auto num = [&](const char* key, double fallback,
                 double min) -> Result<double> {
    auto v = GetNumber(spec, key, fallback);
    if (!v.ok()) return v.status();
    if (*v < min)
      return Status::Invalid(
          fmt::format("{}: key '{}' must be >= {}", label, key, min));
    return *v;
  };
  auto concurrency = num("concurrency", 8, 1);
  auto rpm = num("requests_per_min", 0, 0);
  auto tpm = num("tokens_per_min", 0, 0);
  auto timeout = num("timeout_s", 60, 0.001);
  auto deadline = num("deadline_s", 300, 0.001);
  auto attempts = num("max_attempts", 6, 1);
  auto base = num("backoff_base_ms", 500, 0);
  auto cap = num("backoff_cap_ms", 30000, 0);
  auto image_tokens = num("image_tokens", 765, 0);
  auto audio_tps = num("audio_tokens_per_s", 10, 0);
  for (const auto* r : {&concurrency, &rpm, &tpm, &timeout, &deadline,
                        &attempts, &base, &cap, &image_tokens, &audio_tps})
    if (!r->ok()) return r->status();
  s.limits = {static_cast<int>(*concurrency), *rpm, *tpm};
  s.attempt_timeout = remote::Millis(static_cast<int64_t>(*timeout * 1000));
  s.retry.deadline = remote::Millis(static_cast<int64_t>(*deadline * 1000));
  s.retry.max_attempts = static_cast<int>(*attempts);
  s.retry.base = remote::Millis(static_cast<int64_t>(*base));
  s.retry.cap = remote::Millis(static_cast<int64_t>(*cap));
  s.image_tokens = static_cast<int64_t>(*image_tokens);
  s.audio_tokens_per_s = *audio_tps;

  // What changes answers goes in the version; pacing and retry settings do
  // not, so a run can be resumed with gentler limits.
  json effective = {{"base_url", w.base_url},
                    {"model", w.model},
                    {"endpoint", w.endpoint},
                    {"system", w.system},
                    {"prompt_template", w.prompt_template},
                    {"parameters", w.parameters},
                    {"json_schema", w.json_schema}};
  s.version = fmt::format("{}:{} cfg:{}", spec.provider, w.model,
                          ConfigHash(effective));
  return s;
}

Result<std::unique_ptr<Model>> CreateRemoteModel(const ModelSpec& spec,
                                                 const ModelEnv& env) {
  auto settings = ParseRemoteSpec(spec);
  if (!settings.ok()) return settings.status();
  if (!env.transport || !env.clock || !env.waiter || !env.shared)
    return Status::Invalid(ModelLabel(spec) +
                           ": the model environment has no HTTP transport, "
                           "clock, waiter or shared state");
  auto seed = GetInt(spec, "seed", 0);
  if (!seed.ok()) return seed.status();
  remote::RemoteDeps d;
  d.transport = env.transport;
  d.clock = env.clock;
  d.waiter = env.waiter;
  d.limiter = env.shared->Limiter(spec.name + " " + settings->version,
                                  settings->limits, env.clock);
  d.seed = static_cast<uint64_t>(*seed) * 1000003u + env.seed +
           env.shared->NextInstance();
  const ProviderDefaults* p = Find(spec.provider);
  return std::unique_ptr<Model>(std::make_unique<remote::RemoteModel>(
      p->wire(), std::move(*settings), std::move(d)));
}

}  // namespace mmgate::adapter
