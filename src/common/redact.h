// The one redaction function: every log line, error message, database row
// and report that could carry a credential passes through Redact().
#ifndef MMGATE_COMMON_REDACT_H_
#define MMGATE_COMMON_REDACT_H_

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

}  // namespace mmgate

#endif  // MMGATE_COMMON_REDACT_H_
