// `caps:` (input caps per modality) and `gate.budgets` (latency budgets per
// modality and slice, a spelling of latency SLOs): typed, and every bad value
// named by file and line.
#include <gmock/gmock.h>

#include <string>

#include "config/config.h"
#include "fixture.h"

namespace mmgate::config {
namespace {

using dataset::LineOf;
using ::testing::HasSubstr;

constexpr char kHead[] = "models: {}\nsuites: []\n";

class CapsBudgetsTest : public dataset::DatasetTest {
 protected:
  Result<Config> LoadText(const std::string& text) {
    return Load(Write("mmgate.yaml", std::string(kHead) + text), opt_);
  }
  void ExpectErrorAt(const std::string& text, const std::string& where,
                     const std::string& what) {
    SCOPED_TRACE(text);
    auto cfg = LoadText(text);
    ASSERT_FALSE(cfg.ok());
    const int line = LineOf(std::string(kHead) + text, where);
    EXPECT_THAT(cfg.status().message(),
                HasSubstr("mmgate.yaml:" + std::to_string(line) + ": " + what));
  }
};

TEST_F(CapsBudgetsTest, CapsAreTypedPerModality) {
  auto cfg = LoadText(
      "caps:\n  image: {image_bytes: 5000000, image_pixels: 25000000}\n"
      "  audio: {audio_seconds: 30.5}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  const auto& caps = cfg->project.caps;
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps.at("image").image_bytes, 5000000);
  EXPECT_EQ(caps.at("image").image_pixels, 25000000);
  EXPECT_EQ(caps.at("image").audio_seconds, 0);
  EXPECT_EQ(caps.at("audio").audio_seconds, 30.5);
  EXPECT_EQ(caps.at("audio").image_bytes, 0);
}

TEST_F(CapsBudgetsTest, CapErrorsNameFileAndLine) {
  ExpectErrorAt("caps:\n  imgae: {image_bytes: 10}\n", "imgae",
                "caps: unknown modality 'imgae' (known: audio, chart");
  ExpectErrorAt("caps:\n  image:\n    image_bytes: -3\n", "-3",
                "caps.image.image_bytes: must be a number above 0");
  ExpectErrorAt("caps:\n  image:\n    image_pixels: 1.5\n", "1.5",
                "caps.image.image_pixels: must be a whole number");
  ExpectErrorAt("caps:\n  audio:\n    audio_seconds: long\n", "long",
                "caps.audio.audio_seconds: must be a number above 0");
  ExpectErrorAt("caps:\n  audio:\n    seconds: 3\n", "seconds",
                "unknown key 'seconds'");
  ExpectErrorAt("caps: [image]\n", "caps", "'caps' must map modalities");
}

TEST_F(CapsBudgetsTest, BudgetsAreLatencySlos) {
  auto cfg = LoadText(
      "gate:\n  budgets:\n    image: {p99_ms: 2000}\n"
      "    audio:\n      p50_ms: 400\n      p95_ms: 1500\n"
      "      slices: {length: {long: {p99_ms: 8000}}}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  const auto& slos = cfg->policy.slos;
  ASSERT_EQ(slos.size(), 4u);
  std::vector<std::string> described;
  for (const gate::Slo& s : slos) described.push_back(s.Describe());
  EXPECT_THAT(described,
              ::testing::UnorderedElementsAre(
                  "latency_p99 <= 2000 (image)", "latency_p50 <= 400 (audio)",
                  "latency_p95 <= 1500 (audio)",
                  "latency_p99 <= 8000 (audio length=long)"));
  // The same bound spelled as an SLO entry is the same policy.
  auto as_slo = LoadText(
      "gate:\n  slo:\n"
      "    - {figure: latency_p50, max: 400, modality: audio}\n"
      "    - {figure: latency_p95, max: 1500, modality: audio}\n"
      "    - {figure: latency_p99, max: 8000, modality: audio, "
      "slice: {length: long}}\n"
      "    - {figure: latency_p99, max: 2000, modality: image}\n");
  ASSERT_TRUE(as_slo.ok()) << as_slo.status().message();
  EXPECT_EQ(cfg->policy.Hash(), as_slo->policy.Hash());
}

TEST_F(CapsBudgetsTest, BudgetErrorsNameFileAndLine) {
  ExpectErrorAt("gate:\n  budgets:\n    imgae: {p99_ms: 2000}\n", "imgae",
                "gate.budgets: unknown modality 'imgae'");
  ExpectErrorAt("gate:\n  budgets:\n    image:\n      p99_ms: 0\n", "p99_ms",
                "gate.budgets.image.p99_ms: a latency budget is a number of "
                "milliseconds above 0");
  ExpectErrorAt("gate:\n  budgets:\n    image:\n      p98_ms: 10\n", "p98_ms",
                "gate.budgets.image.p98_ms: unknown budget key");
  ExpectErrorAt(
      "gate:\n  budgets:\n    image:\n      slices:\n        size:\n"
      "          large: {p99_ms: x}\n",
      "large", "gate.budgets.image.slices.size.large.p99_ms: a latency budget");
}

}  // namespace
}  // namespace mmgate::config
