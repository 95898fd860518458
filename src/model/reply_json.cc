#include "model/reply_json.h"

#include "common/json_input.h"

namespace mmgate {

nlohmann::json ParseReplyJson(std::string_view text) {
  auto parsed = ParseJsonInput(text);
  if (!parsed.ok()) return nlohmann::json(nlohmann::json::value_t::discarded);
  return std::move(*parsed);
}

}  // namespace mmgate
