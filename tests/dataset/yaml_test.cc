#include <gtest/gtest.h>

#include <cmath>

#include "dataset/load.h"

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

}  // namespace
}  // namespace mmgate::dataset
