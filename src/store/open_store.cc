// OpenStore: from a database URL to the backend that serves it.
#include <string_view>

#include "store/pg_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"
#include "store/url.h"

namespace mmgate::store {
namespace {

constexpr const char* kSupported =
    "supported: a file path, sqlite:PATH, sqlite://PATH, postgresql://... or "
    "postgres://...";

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  std::string_view view(url);
  std::string_view scheme = internal::UrlScheme(view);
  if (scheme == "postgresql" || scheme == "postgres") {
    auto store = PgStore::Open(url);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  std::string path;
  if (view.starts_with("sqlite://")) {
    path = url.substr(9);
  } else if (view.starts_with("sqlite:")) {
    path = url.substr(7);
  } else if (scheme.empty()) {
    path = url;
  } else {
    return Status::Invalid("unsupported database URL '" +
                           internal::WithoutPassword(url) + "' (" + kSupported +
                           ")");
  }
  if (path.empty())
    return Status::Invalid("database URL '" + url + "' names no file (" +
                           kSupported + ")");
  auto store = SqliteStore::Open(path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace mmgate::store
