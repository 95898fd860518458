#include <gtest/gtest.h>

#include <cmath>

#include "dataset/load.h"
#include "dataset/yaml_util.h"

namespace mmgate::dataset {
namespace {

TEST(YamlToJsonTest, ScalarsAreTyped) {
  YAML::Node n = YAML::Load(R"(
int: 42
neg: -7
hex: 0x1F
big: 18446744073709551615
float: 1e-48
dot: .5
inf: -.inf
yes_bool: true
no_bool: False
null1: ~
null2:
quoted_int: "42"
single_bool: 'true'
tagged: !!str 3.0
text: hello world
version: 1.2.3
list: [1, two, 3.5]
block: |
  line one
nested: {a: {b: null}}
)");
  nlohmann::json j = YamlToJson(n);
  EXPECT_EQ(j["int"], 42);
  EXPECT_TRUE(j["int"].is_number_integer());
  EXPECT_EQ(j["neg"], -7);
  EXPECT_EQ(j["hex"], 31);
  EXPECT_EQ(j["big"].get<uint64_t>(), 18446744073709551615u);
  ASSERT_TRUE(j["float"].is_number_float());
  EXPECT_DOUBLE_EQ(j["float"].get<double>(), 1e-48);
  EXPECT_DOUBLE_EQ(j["dot"].get<double>(), 0.5);
  EXPECT_TRUE(std::isinf(j["inf"].get<double>()));
  EXPECT_EQ(j["yes_bool"], true);
  EXPECT_EQ(j["no_bool"], false);
  EXPECT_TRUE(j["null1"].is_null());
  EXPECT_TRUE(j["null2"].is_null());
  EXPECT_EQ(j["quoted_int"], "42");
  EXPECT_EQ(j["single_bool"], "true");
  EXPECT_EQ(j["tagged"], "3.0");
  EXPECT_EQ(j["text"], "hello world");
  EXPECT_EQ(j["version"], "1.2.3");
  EXPECT_EQ(j["list"], (nlohmann::json{1, "two", 3.5}));
  EXPECT_EQ(j["block"], "line one\n");
  EXPECT_TRUE(j["nested"]["a"]["b"].is_null());
}

// Ten levels of ten aliases each: 10^10 nodes once expanded. Walking them
// used to spin `mmgate run` at 100% CPU; now it is an error naming a line.
TEST(ParseYamlTest, AliasBombIsRefusedWithFileAndLine) {
  std::string text =
      "models: {}\nextra:\n  l0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string list;
    for (int k = 0; k < 10; ++k)
      list += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "  l" + std::to_string(i) + ": &a" + std::to_string(i) + " [" +
            list + "]\n";
  }
  auto root = internal::ParseYaml("mmgate.yaml", text);
  ASSERT_FALSE(root.ok());
  EXPECT_NE(root.status().message().find("mmgate.yaml:"), std::string::npos);
  EXPECT_NE(root.status().message().find("expands to more than"),
            std::string::npos)
      << root.status().message();
}

TEST(ParseYamlTest, OrdinaryAliasesAreFine) {
  auto root = internal::ParseYaml(
      "s.yaml", "base: &b {margin: 0.1}\nmodalities: {audio: *b, image: *b}\n");
  ASSERT_TRUE(root.ok()) << root.status().message();
}

}  // namespace
}  // namespace mmgate::dataset
