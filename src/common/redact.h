// The one redaction function: every log line, error message, database row
// and report that could carry a credential passes through Redact().
#ifndef MMGATE_COMMON_REDACT_H_
#define MMGATE_COMMON_REDACT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mmgate {

// Remembers a secret's value (an API key read from the environment) so that
// Redact() removes it wherever it appears, whatever surrounds it. Values
// shorter than 8 bytes are ignored: too likely to match ordinary text.
void RegisterSecret(std::string_view value);

// Replaces registered secret values, the values of credential headers
// (Authorization, Proxy-Authorization, x-api-key, x-goog-api-key, api-key,
// Cookie), "Bearer <token>" and credential query parameters (key=, api_key=,
// access_token=, token=...) with "[REDACTED]".
std::string Redact(std::string_view text);

// Whether a name (a config key, an environment variable, a header or query
// parameter; case-insensitive) holds a credential: one of the names Redact()
// masks in text, a name ending in "key" after "_", "-" or "api"
// (OPENAI_API_KEY, x-api-key; not api_key_env, which names a variable), or one
// containing "secret", "password" or "token" (max_tokens too: dropping a
// harmless setting is the safe mistake).
bool IsCredentialName(std::string_view name);

// A configuration (a model's spec) as it may be stored or shown: every key,
// at any depth, that IsCredentialName() or holds values passed on unread
// (env, headers) is dropped, and the rest is dumped and Redact()ed.
std::string RedactConfig(const nlohmann::json& config);

}  // namespace mmgate

#endif  // MMGATE_COMMON_REDACT_H_
