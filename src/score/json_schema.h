// json_schema: the answer must be JSON (bare, or inside a ``` / ```json
// fence) that validates against a JSON Schema (valijson, draft 7 keywords).
#ifndef MMGATE_SCORE_JSON_SCHEMA_H_
#define MMGATE_SCORE_JSON_SCHEMA_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::score {

// The JSON text of an answer: the content of its first ``` fence when it has
// one, else the whole answer, trimmed.
std::string_view ExtractJsonText(std::string_view answer);

struct SchemaCheck {
  bool valid = false;
  std::string detail;  // parse error, or the first validation errors
};

// An error Status only when the schema itself is unusable (not an object, or
// rejected by the schema parser); an invalid answer is a SchemaCheck.
Result<SchemaCheck> CheckJsonSchema(std::string_view answer,
                                    const nlohmann::json& schema);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_JSON_SCHEMA_H_
