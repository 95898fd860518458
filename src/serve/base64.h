// Base64 (RFC 4648, standard alphabet with padding) through OpenSSL, for the
// media inside OpenAI-style requests.
#ifndef MMGATE_SERVE_BASE64_H_
#define MMGATE_SERVE_BASE64_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::serve {

std::string Base64Encode(std::string_view bytes);
// Rejects characters outside the alphabet and lengths that are not a
// multiple of 4 (after stripping surrounding whitespace).
Result<std::string> Base64Decode(std::string_view text);

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_BASE64_H_
