// OpenStore: from a database URL to the backend that serves it.
#include <string_view>

#include "store/sqlite_store.h"
#include "store/store.h"

namespace mmgate::store {
namespace {

constexpr const char* kSupported =
    "supported: a file path, sqlite:PATH or sqlite://PATH";

// The URL with the password of its user info (scheme://user:password@host)
// replaced and its query (?password=...) cut, so an error message never
// carries a secret. The last '@' ends the user info, so a password holding
// '/' or '@' is hidden too (at worst a port and path go with it).
std::string WithoutPassword(std::string url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return url;
  start += 3;
  if (size_t query = url.find('?', start); query != std::string::npos)
    url = url.substr(0, query) + "?...";
  size_t at = url.rfind('@');
  if (at == std::string::npos || at < start) return url;
  size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// The scheme of "scheme://...", or empty for anything else (a plain path,
// even one holding a colon).
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

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  std::string_view view(url);
  std::string path;
  if (view.starts_with("sqlite://")) {
    path = url.substr(9);
  } else if (view.starts_with("sqlite:")) {
    path = url.substr(7);
  } else if (UrlScheme(view).empty()) {
    path = url;
  } else {
    return Status::Invalid("unsupported database URL '" + WithoutPassword(url) +
                           "' (" + kSupported + ")");
  }
  if (path.empty())
    return Status::Invalid("database URL '" + url + "' names no file (" +
                           kSupported + ")");
  auto store = SqliteStore::Open(path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace mmgate::store
