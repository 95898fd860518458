#include "gate/policy.h"

#include <gtest/gtest.h>

namespace mmgate::gate {
namespace {

using nlohmann::json;

TEST(PolicyTest, DefaultsWhenAbsent) {
  auto p = ParsePolicy(json(), "mmgate.yaml: gate");
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->defaults.alpha, 0.05);
  EXPECT_EQ(p->correction, stats::Adjustment::kHolm);
  EXPECT_TRUE(p->errors_as_failures);
  EXPECT_TRUE(p->Gated("accent"));
  EXPECT_EQ(p->Hash().size(), 16u);
}

TEST(PolicyTest, ModalitiesInheritTopLevelWhateverTheOrder) {
  json g =
      json::parse(R"({"modalities": {"audio": {"margin": 0.01}}, "alpha": 0.01,
                           "min_n": 50, "gated_slices": ["accent", "codec"],
                           "correction": "bh", "hard_tail": {"max_drop": 0.05},
                           "bootstrap": {"seed": 7, "resamples": 2000}})");
  auto p = ParsePolicy(g, "gate");
  ASSERT_TRUE(p.ok()) << p.status().message();
  const Thresholds& audio = p->For("speech", "audio");
  EXPECT_DOUBLE_EQ(audio.margin, 0.01);
  EXPECT_DOUBLE_EQ(audio.alpha, 0.01);
  EXPECT_EQ(audio.min_n, 50);
  EXPECT_DOUBLE_EQ(p->For("charts", "chart").margin, 0.02);
  EXPECT_TRUE(p->Gated("codec"));
  EXPECT_FALSE(p->Gated("font"));
  EXPECT_EQ(p->correction, stats::Adjustment::kBenjaminiHochberg);
  EXPECT_DOUBLE_EQ(*p->hard_tail_max_drop, 0.05);
  EXPECT_EQ(p->seed, 7u);
  EXPECT_EQ(p->bootstrap_resamples, 2000);

  ASSERT_TRUE(AddSuiteThresholds(&*p, "speech", "audio",
                                 json::parse(R"({"min_n": 10})"),
                                 "suites/speech.yaml: gate")
                  .ok());
  EXPECT_EQ(p->For("speech", "audio").min_n, 10);
  EXPECT_DOUBLE_EQ(p->For("speech", "audio").margin, 0.01)
      << "suite starts from its modality";
}

TEST(PolicyTest, HashFollowsContent) {
  auto a = ParsePolicy(json::parse(R"({"margin": 0.02})"), "g");
  auto b = ParsePolicy(json::parse(R"({"margin": 0.03})"), "g");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->Hash(), b->Hash());
  EXPECT_EQ(a->Hash(),
            ParsePolicy(json::parse(R"({"margin": 0.02})"), "g")->Hash());
}

TEST(PolicyTest, BadValuesAreNamed) {
  struct Case {
    const char* json;
    const char* expect;
  } cases[] = {
      {R"({"alpha": 0.7})", "gate.alpha"},
      {R"({"margin": -1})", "gate.margin"},
      {R"({"min_n": 2.5})", "gate.min_n"},
      {R"({"power": 0.3})", "gate.power"},
      {R"({"correction": "bonferroni"})", "gate.correction"},
      {R"({"bootstrap": {"resamples": 10}})", "gate.bootstrap.resamples"},
      {R"({"bootstrap": {"interval": "studentized"}})",
       "gate.bootstrap.interval"},
      {R"({"modalities": {"audio": {"margn": 0.1}}})",
       "gate.modalities.audio.margn"},
      {R"({"rank": ["speed"]})", "gate.rank"},
      {R"({"thresholds": 1})", "unknown gate key"},
      {R"({"block": "always"})", "gate.block"},
      {R"({"weights": {"suite": 0}})", "gate.weights.suite"},
      {R"({"weights": {"slices": 2}})", "gate.weights.slices"},
      {R"({"slices": {"accent": {"required": "yes"}}})",
       "gate.slices.accent.required"},
      {R"({"slices": {"accent": {"weight": -1}}})",
       "gate.slices.accent.weight"},
      {R"({"slices": {"accent": {"critical": true}}})",
       "gate.slices.accent.critical"},
  };
  for (const Case& c : cases) {
    auto p = ParsePolicy(json::parse(c.json), "mmgate.yaml: gate");
    ASSERT_FALSE(p.ok()) << c.json;
    EXPECT_NE(p.status().message().find(c.expect), std::string::npos)
        << c.json << " -> " << p.status().message();
  }
}

TEST(PolicyTest, RequiredSlicesAreGatedAndWeighted) {
  auto p = ParsePolicy(json::parse(R"({"gated_slices": ["codec"],
      "block": "significance", "weights": {"suite": 8, "required": 3},
      "slices": {"accent": {"required": true},
                 "codec": {"weight": 0.5}}})"),
                       "gate");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->block, BlockRule::kSignificance);
  EXPECT_TRUE(p->Gated("accent"));  // required implies gated
  EXPECT_TRUE(p->Required("accent"));
  EXPECT_FALSE(p->Gated("rotation"));
  EXPECT_DOUBLE_EQ(p->Weight(""), 8);
  EXPECT_DOUBLE_EQ(p->Weight("accent"), 3);
  EXPECT_DOUBLE_EQ(p->Weight("codec"), 0.5);
  EXPECT_NE(p->Hash(), Policy{}.Hash());
}

TEST(PolicyTest, Prices) {
  Policy p;
  ASSERT_TRUE(
      ParsePrices(
          &p,
          json::parse(
              R"({"gpt": {"input_per_mtok": 2.5, "output_per_mtok": 10}})"),
          "prices")
          .ok());
  EXPECT_DOUBLE_EQ(p.prices["gpt"].second, 10);
  EXPECT_FALSE(
      ParsePrices(&p, json::parse(R"({"gpt": {"input": 1}})"), "prices").ok());
}

}  // namespace
}  // namespace mmgate::gate
