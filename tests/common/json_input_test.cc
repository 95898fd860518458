// Untrusted JSON: every way a line can be bad is a Status, never an exception
// or a crash.
#include "common/json_input.h"

#include <gtest/gtest.h>

#include <string>

#include "common/files.h"

namespace mmgate {
namespace {

TEST(JsonInputTest, ParsesValuesKeepingOrderWhenAsked) {
  auto j = ParseJsonInput(R"({"b": 1, "a": [2]})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["a"][0], 2);
  auto o = ParseOrderedJsonInput(R"({"b": 1, "a": 2})");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->begin().key(), "b");
}

TEST(JsonInputTest, NumberBeyondADoubleIsAnError) {
  for (auto text : {R"({"reference": 1e999999})", "-1e400"}) {
    auto j = ParseOrderedJsonInput(text);
    ASSERT_FALSE(j.ok()) << text;
    EXPECT_EQ(j.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(j.status().message().find("number overflow"), std::string::npos)
        << j.status().message();
    EXPECT_EQ(j.status().message().find("[json.exception"), std::string::npos);
  }
}

TEST(JsonInputTest, MalformedNamesTheColumn) {
  auto j = ParseJsonInput(R"({"id": )");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("column 8"), std::string::npos)
      << j.status().message();
}

TEST(JsonInputTest, NestingIsBoundedBeforeParsing) {
  const std::string at_limit =
      std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJsonInput(at_limit).ok());
  EXPECT_FALSE(ParseJsonInput("[" + at_limit + "]").ok());
  // Unbalanced, as a hostile line would be: refused without recursing.
  auto deep = ParseOrderedJsonInput(R"({"k": )" + std::string(200000, '['));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("nested deeper than 128"),
            std::string::npos);
  // Brackets inside strings, escaped quotes too, are text.
  EXPECT_FALSE(JsonNestsDeeperThan(R"(["\")" + std::string(500, '{') + R"("])",
                                   kMaxJsonDepth));
}

TEST(ReadFileTest, DirectoryIsAnErrorNamingIt) {
  const std::string dir = ::testing::TempDir();
  auto r = ReadFile(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir + ": is a directory"),
            std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace mmgate
