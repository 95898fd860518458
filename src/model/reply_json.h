// Parsing JSON a model sent back (a provider's reply body or stream event, an
// exec command's stdout): untrusted input, so parsing never throws, and text
// nested deeper than kMaxReplyDepth is refused. The JSON library parses any
// depth, but printing or comparing a value recurses once per level, so a
// reply nested a million levels deep would overflow the stack.
#ifndef MMGATE_MODEL_REPLY_JSON_H_
#define MMGATE_MODEL_REPLY_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

namespace mmgate {

inline constexpr int kMaxReplyDepth = 128;

// Discarded (is_discarded()) when `text` is not JSON (a number overflowing a
// double, 1e999999, included) or nests deeper than kMaxReplyDepth.
// Thread-safe.
nlohmann::json ParseReplyJson(std::string_view text);

}  // namespace mmgate

#endif  // MMGATE_MODEL_REPLY_JSON_H_
