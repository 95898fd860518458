// valijson aborts the process on a bad schema unless exceptions are enabled;
// they are caught below and turned into a Status.
#define VALIJSON_USE_EXCEPTIONS 1
// GCC 12 reports a false -Wrestrict inside std::string::replace as inlined
// into valijson's json_pointer.hpp (GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"

#include "score/json_schema.h"

#include <exception>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "common/json_input.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

constexpr int kMaxErrorsShown = 3;

std::string JoinContext(const std::vector<std::string>& context) {
  std::string out;
  for (const std::string& part : context) out += part;
  return out.empty() ? "<root>" : out;
}

}  // namespace

std::string_view ExtractJsonText(std::string_view answer) {
  const size_t open = answer.find("```");
  if (open == std::string_view::npos) return TrimWhitespace(answer);
  // Skip the fence's info string ("json") up to the end of its line.
  size_t body = answer.find('\n', open + 3);
  if (body == std::string_view::npos) return TrimWhitespace(answer);
  ++body;
  const size_t close = answer.find("```", body);
  const size_t end = close == std::string_view::npos ? answer.size() : close;
  return TrimWhitespace(answer.substr(body, end - body));
}

Result<SchemaCheck> CheckJsonSchema(std::string_view answer,
                                    const nlohmann::json& schema_json) {
  if (!schema_json.is_object() && !schema_json.is_boolean()) {
    return Status::Invalid("the JSON Schema must be an object");
  }
  valijson::Schema schema;
  try {
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(schema_json);
    parser.populateSchema(adapter, schema);
  } catch (const std::exception& e) {
    return Status::Invalid(std::string("unusable JSON Schema: ") + e.what());
  }

  SchemaCheck check;
  const std::string_view text = ExtractJsonText(answer);
  auto parsed = ParseJsonInput(text);
  if (!parsed.ok()) {
    check.detail = "answer is not JSON: " + parsed.status().message();
    return check;
  }
  const nlohmann::json document = std::move(*parsed);

  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  try {
    check.valid = validator.validate(schema, target, &results);
  } catch (const std::exception& e) {
    return Status::Invalid(std::string("JSON Schema validation failed: ") +
                           e.what());
  }
  if (check.valid) {
    check.detail = "valid";
    return check;
  }
  check.detail = "invalid:";
  valijson::ValidationResults::Error error;
  const size_t total = results.numErrors();
  for (int shown = 0; shown < kMaxErrorsShown && results.popError(error);
       ++shown) {
    check.detail +=
        " " + JoinContext(error.context) + ": " + error.description + ";";
  }
  if (total > kMaxErrorsShown) {
    check.detail += " (" + std::to_string(total - kMaxErrorsShown) + " more)";
  }
  return check;
}

}  // namespace mmgate::score
