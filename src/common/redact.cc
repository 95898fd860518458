#include "common/redact.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <vector>

namespace mmgate {
namespace {

constexpr std::string_view kMask = "[REDACTED]";

std::mutex& SecretsMutex() {
  static std::mutex mu;
  return mu;
}
std::set<std::string>& Secrets() {
  static std::set<std::string> secrets;
  return secrets;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IStartsWithAt(std::string_view s, size_t pos, std::string_view word) {
  return pos + word.size() <= s.size() &&
         IEquals(s.substr(pos, word.size()), word);
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Characters a token or key value is made of (base64, base64url, hex, JWT).
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
         c == '.' || c == '~' || c == '+' || c == '/' || c == '=' || c == '%';
}

// Names after which a value is a credential, in headers ("name: value"), JSON
// ("name": "value") and query strings (name=value).
constexpr std::string_view kHeaderNames[] = {
    "proxy-authorization", "authorization", "x-api-key",
    "x-goog-api-key",      "api-key",       "cookie",
    "set-cookie"};
constexpr std::string_view kParamNames[] = {
    "key",           "api_key",  "apikey", "access_token", "token",
    "client_secret", "password", "sig",    "signature"};

// Keys whose values are handed on unread (a process environment, HTTP
// headers): any of them may carry a credential.
constexpr std::string_view kPassThroughNames[] = {"env", "headers"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

void DropCredentials(nlohmann::json* j) {
  if (j->is_array()) {
    for (nlohmann::json& e : *j) DropCredentials(&e);
    return;
  }
  if (!j->is_object()) return;
  for (auto it = j->begin(); it != j->end();) {
    const std::string k = Lower(it.key());
    bool drop = IsCredentialName(k);
    for (std::string_view name : kPassThroughNames) drop = drop || k == name;
    if (drop) {
      it = j->erase(it);
    } else {
      DropCredentials(&it.value());
      ++it;
    }
  }
}

// Masks the value that follows a credential name at `pos` (the name already
// matched and ends at `end`); returns the position to continue from.
size_t MaskValue(std::string* s, size_t end, bool header) {
  size_t i = end;
  // Skip the separator: `: `, `":"`, `=`, `": "`.
  while (i < s->size() && ((*s)[i] == '"' || (*s)[i] == '\'')) ++i;
  if (i >= s->size()) return end;
  char sep = (*s)[i];
  if (sep != ':' && sep != '=') return end;
  ++i;
  while (i < s->size() && ((*s)[i] == ' ' || (*s)[i] == '"' ||
                           (*s)[i] == '\'' || (*s)[i] == '\t'))
    ++i;
  size_t start = i;
  if (header) {
    // A header value runs to the end of the line or the closing quote.
    while (i < s->size() && (*s)[i] != '\r' && (*s)[i] != '\n' &&
           (*s)[i] != '"' && (*s)[i] != '\'' && (*s)[i] != ',')
      ++i;
  } else {
    while (i < s->size() && IsTokenChar((*s)[i])) ++i;
  }
  if (i == start) return end;
  s->replace(start, i - start, kMask);
  return start + kMask.size();
}

void MaskNamed(std::string* s) {
  for (size_t pos = 0; pos < s->size(); ++pos) {
    if (pos > 0 && IsWordChar((*s)[pos - 1])) continue;
    bool matched = false;
    for (std::string_view name : kHeaderNames) {
      if (IStartsWithAt(*s, pos, name) &&
          (pos + name.size() >= s->size() ||
           !IsWordChar((*s)[pos + name.size()]))) {
        size_t next = MaskValue(s, pos + name.size(), true);
        if (next != pos + name.size()) {
          pos = next - 1;
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    for (std::string_view name : kParamNames) {
      if (IStartsWithAt(*s, pos, name) &&
          (pos + name.size() >= s->size() ||
           !IsWordChar((*s)[pos + name.size()]))) {
        size_t next = MaskValue(s, pos + name.size(), false);
        if (next != pos + name.size()) {
          pos = next - 1;
          break;
        }
      }
    }
  }
}

// "Bearer <token>" anywhere, e.g. in a quoted curl command line.
void MaskBearer(std::string* s) {
  constexpr std::string_view kBearer = "bearer ";
  for (size_t pos = 0; pos + kBearer.size() < s->size(); ++pos) {
    if (!IStartsWithAt(*s, pos, kBearer)) continue;
    size_t start = pos + kBearer.size();
    size_t i = start;
    while (i < s->size() && IsTokenChar((*s)[i])) ++i;
    if (i == start || s->compare(start, kMask.size(), kMask) == 0) continue;
    s->replace(start, i - start, kMask);
    pos = start + kMask.size() - 1;
  }
}

}  // namespace

void RegisterSecret(std::string_view value) {
  if (value.size() < 8) return;
  std::lock_guard<std::mutex> lock(SecretsMutex());
  Secrets().insert(std::string(value));
}

bool IsCredentialName(std::string_view name) {
  const std::string k = Lower(name);
  for (std::string_view n : kHeaderNames)
    if (k == n) return true;
  for (std::string_view n : kParamNames)
    if (k == n) return true;
  return EndsWith(k, "_key") || EndsWith(k, "-key") || EndsWith(k, "apikey") ||
         k.find("secret") != std::string::npos ||
         k.find("password") != std::string::npos ||
         k.find("token") != std::string::npos;
}

std::string RedactConfig(const nlohmann::json& config) {
  nlohmann::json j = config;
  DropCredentials(&j);
  return Redact(j.dump());
}

std::string Redact(std::string_view text) {
  std::string s(text);
  {
    std::lock_guard<std::mutex> lock(SecretsMutex());
    for (const std::string& secret : Secrets()) {
      for (size_t at = s.find(secret); at != std::string::npos;
           at = s.find(secret, at + kMask.size())) {
        s.replace(at, secret.size(), kMask);
      }
    }
  }
  MaskNamed(&s);
  MaskBearer(&s);
  return s;
}

}  // namespace mmgate
