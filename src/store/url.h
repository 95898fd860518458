// Database URLs: their scheme, and the password they may carry, which must
// never reach a message. Private to src/store/. Pure functions.
#ifndef MMGATE_STORE_URL_H_
#define MMGATE_STORE_URL_H_

#include <string>
#include <string_view>

namespace mmgate::store::internal {

// The scheme of "scheme://...", or empty for anything else (a plain path,
// even one holding a colon).
std::string_view UrlScheme(std::string_view url);

// The URL with the password of its user info (scheme://user:password@host)
// replaced by "***" and a password=... query parameter redacted, so a
// message never carries a secret.
std::string WithoutPassword(const std::string& url);

// The password of the URL's user info or its password= query parameter,
// percent-decoded; empty when it has none.
std::string UrlPassword(const std::string& url);

}  // namespace mmgate::store::internal

#endif  // MMGATE_STORE_URL_H_
