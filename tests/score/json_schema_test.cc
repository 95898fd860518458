// json_schema: fenced and bare JSON, valid and invalid documents, unusable
// schemas.
#include "score/json_schema.h"

#include <gtest/gtest.h>

namespace mmgate::score {
namespace {

const nlohmann::json kInvoiceSchema = nlohmann::json::parse(R"({
  "type": "object",
  "required": ["invoice_number", "total"],
  "properties": {
    "invoice_number": {"type": "string", "pattern": "^INV-[0-9]+$"},
    "total": {"type": "number", "minimum": 0},
    "items": {"type": "array", "items": {"type": "string"}}
  },
  "additionalProperties": false
})");

TEST(JsonSchemaTest, ExtractsFencedJson) {
  EXPECT_EQ(ExtractJsonText("  {\"a\": 1}\n"), "{\"a\": 1}");
  EXPECT_EQ(ExtractJsonText("Here you go:\n```json\n{\"a\": 1}\n```\nDone."),
            "{\"a\": 1}");
  EXPECT_EQ(ExtractJsonText("```\n[1, 2]\n```"), "[1, 2]");
  EXPECT_EQ(ExtractJsonText("```json\n{\"a\": 1}"),
            "{\"a\": 1}");  // unclosed fence
}

TEST(JsonSchemaTest, ValidAnswers) {
  for (const char* answer : {
           R"({"invoice_number": "INV-0042", "total": 118.5})",
           "```json\n{\"invoice_number\": \"INV-1\", \"total\": 0, \"items\": "
           "[\"pen\"]}\n```",
       }) {
    Result<SchemaCheck> c = CheckJsonSchema(answer, kInvoiceSchema);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_TRUE(c->valid) << answer << ": " << c->detail;
    EXPECT_EQ(c->detail, "valid");
  }
}

TEST(JsonSchemaTest, InvalidAnswersSayWhy) {
  struct Case {
    const char* answer;
    const char* fragment;
  };
  for (const Case& k : {
           Case{R"({"invoice_number": "INV-0042"})", "total"},
           Case{R"({"invoice_number": "0042", "total": 1})", "invoice_number"},
           Case{R"({"invoice_number": "INV-1", "total": -3})", "total"},
           Case{R"({"invoice_number": "INV-1", "total": 3, "note": "x"})",
                "note"},
           Case{R"({"invoice_number": "INV-1", "total": 3, "items": [1]})",
                "items"},
           Case{"[1, 2, 3]", "<root>"},
       }) {
    Result<SchemaCheck> c = CheckJsonSchema(k.answer, kInvoiceSchema);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_FALSE(c->valid) << k.answer;
    EXPECT_EQ(c->detail.rfind("invalid:", 0), 0u) << c->detail;
    EXPECT_NE(c->detail.find(k.fragment), std::string::npos)
        << k.answer << " -> " << c->detail;
  }
}

TEST(JsonSchemaTest, NotJsonIsAFailedItemNotAnError) {
  Result<SchemaCheck> c =
      CheckJsonSchema("The invoice number is INV-0042.", kInvoiceSchema);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->valid);
  EXPECT_EQ(c->detail.rfind("answer is not JSON", 0), 0u) << c->detail;
}

TEST(JsonSchemaTest, UnusableSchemaIsAnError) {
  EXPECT_FALSE(CheckJsonSchema("{}", nlohmann::json::array({1})).ok());
  Result<SchemaCheck> bad_type = CheckJsonSchema("{}", {{"type", 12}});
  EXPECT_FALSE(bad_type.ok());
  Result<SchemaCheck> remote =
      CheckJsonSchema("{}", {{"$ref", "http://example.com/s.json"}});
  EXPECT_FALSE(remote.ok());
}

}  // namespace
}  // namespace mmgate::score
