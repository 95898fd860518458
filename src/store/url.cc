#include "store/url.h"

#include "common/redact.h"

namespace mmgate::store::internal {
namespace {

// [start, at) is the user info of "scheme://userinfo@host...", or npos.
size_t UserInfoEnd(const std::string& url, size_t start) {
  size_t end = url.find_first_of("?#", start);
  // The last '@' before the query ends the user info, so a password holding
  // '/' or '@' is hidden too (at worst a port and path go with it).
  size_t at = url.rfind('@', end == std::string::npos ? url.npos : end);
  if (at == std::string::npos || at < start) return std::string::npos;
  return at;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 &&
        hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string_view UrlScheme(std::string_view url) {
  size_t end = url.find("://");
  if (end == std::string_view::npos || end == 0) return {};
  for (size_t i = 0; i < end; ++i) {
    char c = url[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
  }
  return url.substr(0, end);
}

std::string WithoutPassword(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return url;
  start += 3;
  std::string out = url;
  if (size_t at = UserInfoEnd(url, start); at != std::string::npos) {
    size_t colon = url.find(':', start);
    if (colon != std::string::npos && colon < at)
      out = url.substr(0, colon + 1) + "***" + url.substr(at);
  }
  // password=... in the query: the shared redaction knows that parameter.
  return Redact(out);
}

std::string UrlPassword(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return {};
  start += 3;
  if (size_t at = UserInfoEnd(url, start); at != std::string::npos) {
    size_t colon = url.find(':', start);
    if (colon != std::string::npos && colon < at)
      return PercentDecode(
          std::string_view(url).substr(colon + 1, at - colon - 1));
  }
  size_t query = url.find('?', start);
  while (query != std::string::npos) {
    size_t key = query + 1;
    size_t amp = url.find('&', key);
    std::string_view param = std::string_view(url).substr(
        key, amp == std::string::npos ? std::string_view::npos : amp - key);
    if (param.starts_with("password=")) return PercentDecode(param.substr(9));
    query = amp;
  }
  return {};
}

}  // namespace mmgate::store::internal
