#include "common/json_input.h"

#include <fmt/format.h>

#include <string>

namespace mmgate {
namespace {

// "[json.exception.parse_error.101] parse error at line 1, column 3: ..."
// loses its bracketed prefix, which names the library, not the problem.
std::string Reason(std::string message) {
  if (auto end = message.find("] ");
      message.starts_with("[json.exception") && end != std::string::npos) {
    message.erase(0, end + 2);
  }
  return message;
}

template <typename Json>
Result<Json> Parse(std::string_view text) {
  if (JsonNestsDeeperThan(text, kMaxJsonDepth)) {
    return Status::Invalid(fmt::format(
        "JSON nested deeper than {} levels is refused", kMaxJsonDepth));
  }
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, or out_of_range for a number beyond a double.
    return Status::Invalid(Reason(e.what()));
  }
}

}  // namespace

bool JsonNestsDeeperThan(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

Result<nlohmann::json> ParseJsonInput(std::string_view text) {
  return Parse<nlohmann::json>(text);
}

Result<nlohmann::ordered_json> ParseOrderedJsonInput(std::string_view text) {
  return Parse<nlohmann::ordered_json>(text);
}

}  // namespace mmgate
