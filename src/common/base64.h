// Base64 (RFC 4648, standard alphabet with padding) through OpenSSL: media
// in provider requests and served ones, data: URIs and CSP hashes in reports.
#ifndef MMGATE_COMMON_BASE64_H_
#define MMGATE_COMMON_BASE64_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate {

std::string Base64Encode(std::string_view bytes);
// Rejects characters outside the alphabet and lengths that are not a
// multiple of 4 (after stripping surrounding whitespace).
Result<std::string> Base64Decode(std::string_view text);

}  // namespace mmgate

#endif  // MMGATE_COMMON_BASE64_H_
