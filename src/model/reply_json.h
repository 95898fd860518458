// Parsing JSON a model sent back (a provider's reply body or stream event, an
// exec command's stdout) where only "is it JSON" matters: common/json_input.h
// with its reason dropped.
#ifndef MMGATE_MODEL_REPLY_JSON_H_
#define MMGATE_MODEL_REPLY_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/json_input.h"  // kMaxJsonDepth

namespace mmgate {

// Discarded (is_discarded()) when `text` is not JSON (a number overflowing a
// double, 1e999999, included) or nests deeper than kMaxJsonDepth.
// Thread-safe.
nlohmann::json ParseReplyJson(std::string_view text);

}  // namespace mmgate

#endif  // MMGATE_MODEL_REPLY_JSON_H_
