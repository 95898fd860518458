// Parsing JSON that comes from outside mmgate: a dataset line, a model's reply
// or stream event, a request body, a schema or answer an item carries. Such
// text is untrusted, so parsing never throws, and text nested deeper than
// kMaxJsonDepth is refused before it is parsed: the JSON library parses any
// depth, but destroying, printing or comparing a value recurses once per
// level, so a line nested 200,000 levels deep would overflow the stack.
#ifndef MMGATE_COMMON_JSON_INPUT_H_
#define MMGATE_COMMON_JSON_INPUT_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.h"

namespace mmgate {

inline constexpr int kMaxJsonDepth = 128;

// True when arrays and objects in `text` nest deeper than `limit` (brackets
// inside strings do not count). Stops scanning as soon as the limit is passed.
bool JsonNestsDeeperThan(std::string_view text, int limit);

// The value, or kInvalidArgument saying why not: malformed JSON (with the
// column), a number beyond a double (1e999999), or nesting deeper than
// kMaxJsonDepth. The message carries no file or item; callers add that.
// Thread-safe.
Result<nlohmann::json> ParseJsonInput(std::string_view text);
// The same, keeping object keys in the order they are written.
Result<nlohmann::ordered_json> ParseOrderedJsonInput(std::string_view text);

}  // namespace mmgate

#endif  // MMGATE_COMMON_JSON_INPUT_H_
