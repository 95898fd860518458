#include "report/side_by_side.h"

#include <gtest/gtest.h>

namespace mmgate::report {
namespace {

TEST(EscapeControlTest, NeutralisesTerminalAndBidiControls) {
  EXPECT_EQ(EscapeControl("plain text"), "plain text");
  EXPECT_EQ(EscapeControl("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(EscapeControl("a\nb\tc\rd"), "a\\nb\\tc\\x0dd");
  // U+202E RIGHT-TO-LEFT OVERRIDE and U+2066 LEFT-TO-RIGHT ISOLATE.
  EXPECT_EQ(EscapeControl("x\xE2\x80\xAEy\xE2\x81\xA6z"), "x\\u202ey\\u2066z");
  EXPECT_EQ(EscapeControl("caf\xC3\xA9 \xE2\x82\xAC"),
            "caf\xC3\xA9 \xE2\x82\xAC")
      << "other UTF-8 kept";
}

TEST(DirectionTest, FollowsTheMetric) {
  EXPECT_EQ(Direction(0.1, true), "better");
  EXPECT_EQ(Direction(0.1, false), "worse");
  EXPECT_EQ(Direction(-0.1, false), "better");
  EXPECT_EQ(Direction(0, true), "same");
}

stats::Comparison Sample() {
  stats::Comparison c;
  c.baseline_run = "base";
  c.candidate_run = "cand\x1b[2J";
  stats::SuiteComparison s;
  s.suite = "speech";
  s.modality = "audio";
  s.metric = "wer";
  s.higher_is_better = false;
  s.total = {"", "", 120, 0.21, 0.25, 0.04, 1, 3};
  s.slices.push_back({"accent", "en-029|<b>", 30, 0.30, 0.45, 0.15, 0, 2});
  c.suites.push_back(s);
  c.unmatched = {"speech/u9"};
  return c;
}

TEST(SideBySideTest, TerminalTableIsPerSuiteAndEscaped) {
  std::string t = RenderTerminal(Sample());
  EXPECT_NE(t.find("speech (audio, wer, lower is better)"), std::string::npos)
      << t;
  EXPECT_NE(t.find("accent=en-029|<b>"), std::string::npos);
  EXPECT_NE(t.find("worse"), std::string::npos);
  EXPECT_EQ(t.find('\x1b'), std::string::npos)
      << "no raw escape reaches the terminal";
  EXPECT_NE(t.find("1 items are in one run only"), std::string::npos);
}

TEST(SideBySideTest, JsonAndMarkdown) {
  nlohmann::json j = ToJson(Sample());
  EXPECT_EQ(j["suites"][0]["metric"], "wer");
  EXPECT_EQ(j["suites"][0]["slices"][0]["key"], "accent");
  EXPECT_EQ(j["suites"][0]["n"], 120);
  std::string md = RenderMarkdown(Sample());
  EXPECT_NE(md.find("en-029\\|\\<b\\>"), std::string::npos) << md;
}

}  // namespace
}  // namespace mmgate::report
