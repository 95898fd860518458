#include "perturb/kinds.h"

#include <gtest/gtest.h>

namespace mmgate::perturb {
namespace {

TEST(KindsTest, ParsesLevelsAndFixedKinds) {
  auto r = ParseKindArg("rotate:2,5,10");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].Spec(), "rotate:2");
  EXPECT_EQ((*r)[2].Spec(), "rotate:10");
  auto gsm = ParseKindArg("gsm");
  ASSERT_TRUE(gsm.ok());
  EXPECT_EQ((*gsm)[0].Spec(), "gsm:8k");
  EXPECT_TRUE(ParseKindArg("gsm:8k").ok());
  auto typos = ParseKindArg("typos:0.05");
  ASSERT_TRUE(typos.ok());
  EXPECT_EQ((*typos)[0].Spec(), "typos:0.05");
}

TEST(KindsTest, BadArgumentsSayWhatIsAllowed) {
  auto unknown = ParseKindArg("sharpen:2");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(
      unknown.status().message().find("unknown perturbation kind 'sharpen'"),
      std::string::npos);
  EXPECT_NE(unknown.status().message().find("rotate"), std::string::npos);
  auto range = ParseKindArg("rotate:2,90");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("'90' out of range"),
            std::string::npos);
  EXPECT_NE(range.status().message().find("0.1..45"), std::string::npos);
  EXPECT_FALSE(ParseKindArg("jpeg:10.5").ok());  // whole numbers
  EXPECT_FALSE(ParseKindArg("rotate").ok());     // needs levels
  EXPECT_FALSE(ParseKindArg("rotate:").ok());
  EXPECT_FALSE(ParseKindArg("rotate:x").ok());
  EXPECT_FALSE(ParseKindArg("gsm:16k").ok());  // fixed-level kind
}

TEST(KindsTest, SeverityRankFollowsTheKind) {
  auto rank = [](const char* v) { return *SplitPerturbation(v)->rank; };
  EXPECT_LT(rank("rotate:2"), rank("rotate:10"));
  EXPECT_LT(rank("jpeg:50"), rank("jpeg:10"));  // lower quality is worse
  EXPECT_LT(rank("snr:20"), rank("snr:5"));     // less SNR is worse
  EXPECT_LT(rank("speed:1.1"), rank("speed:0.5"));
  EXPECT_FALSE(SplitPerturbation("none").has_value());
  // The audio op specs the demo's speech suite records read as kinds.
  auto gsm = SplitPerturbation("codec:gsm8k");
  ASSERT_TRUE(gsm.has_value());
  EXPECT_EQ(gsm->kind, "gsm");
  EXPECT_EQ(gsm->level, "8k");
  auto mp3 = SplitPerturbation("codec:mp3-24k");
  EXPECT_EQ(mp3->kind, "mp3");
  EXPECT_EQ(mp3->level, "24");
  EXPECT_LT(rank("noise:snr20"), rank("noise:snr10"));
  EXPECT_EQ(SplitPerturbation("noise:snr10")->kind, "snr");
  EXPECT_EQ(SplitPerturbation("noise:12")->kind, "noise");  // image noise
  auto odd = SplitPerturbation("lighting:dim");
  ASSERT_TRUE(odd.has_value());
  EXPECT_FALSE(odd->rank.has_value());
}

}  // namespace
}  // namespace mmgate::perturb
