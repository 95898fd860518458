#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "load/asio_driver.h"

namespace mmgate::load {
namespace {

struct Url {
  std::string authority;  // host[:port] as written: the Host header
  std::string host;
  std::string port;
  std::string target;  // path and query
};

Result<Url> ParseHttpUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.compare(0, kScheme.size(), kScheme) != 0)
    return Status::Invalid(fmt::format("{} is not a plain http:// URL", url));
  std::string rest = url.substr(kScheme.size());
  size_t end = rest.find_first_of("/?");
  Url u;
  u.authority = rest.substr(0, end);
  u.target = end == std::string::npos ? "/" : rest.substr(end);
  if (u.target[0] == '?') u.target = "/" + u.target;
  if (u.authority.empty() || u.authority.find('@') != std::string::npos)
    return Status::Invalid(
        fmt::format("{}: no host, or credentials in the URL", url));
  size_t colon;
  if (u.authority[0] == '[') {
    size_t close = u.authority.find(']');
    if (close == std::string::npos)
      return Status::Invalid(fmt::format("{}: unclosed IPv6 address", url));
    u.host = u.authority.substr(1, close - 1);
    colon = u.authority.find(':', close);
  } else {
    colon = u.authority.rfind(':');
    u.host = u.authority.substr(0, colon);
  }
  u.port = colon == std::string::npos ? "80" : u.authority.substr(colon + 1);
  if (u.port.empty() || !std::all_of(u.port.begin(), u.port.end(), ::isdigit))
    return Status::Invalid(fmt::format("{}: bad port", url));
  return u;
}

bool NameIs(const std::string& header, std::string_view name) {
  if (header.size() <= name.size() || header[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != name[i])
      return false;
  return true;
}

std::string Bytes(const remote::HttpRequest& r, const Url& u) {
  std::string out = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\n", r.method,
                                u.target, u.authority);
  for (const std::string& h : r.headers) {
    if (NameIs(h, "host") || NameIs(h, "content-length")) continue;
    out += h;
    out += "\r\n";
  }
  if (r.method != "GET" || !r.body.empty())
    out += fmt::format("Content-Length: {}\r\n", r.body.size());
  out += "\r\n";
  out += r.body;
  return out;
}

}  // namespace

Result<AsioTarget> MakeAsioTarget(
    const std::vector<remote::HttpRequest>& requests) {
  AsioTarget t;
  for (const remote::HttpRequest& r : requests) {
    auto u = ParseHttpUrl(r.url);
    if (!u.ok()) return u.status();
    if (t.requests.empty()) {
      t.host = u->host;
      t.port = u->port;
      t.timeout = r.timeout;
      t.connect_timeout = r.connect_timeout;
    } else if (u->host != t.host || u->port != t.port) {
      return Status::Invalid(
          fmt::format("{}: the requests go to more than one host", r.url));
    }
    t.requests.push_back(Bytes(r, *u));
  }
  if (t.requests.empty()) return Status::Invalid("no requests");
  return t;
}

}  // namespace mmgate::load
