#include "perturb/text.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mmgate::perturb {
namespace {

constexpr const char* kPrompt =
    "What is the total amount due on this invoice? Answer with the number "
    "only.";

TEST(TextPerturbTest, TyposAreSeededAndScaleWithTheRate) {
  const std::string a = AddTypos(kPrompt, 0.5, 7);
  EXPECT_EQ(a, AddTypos(kPrompt, 0.5, 7));
  EXPECT_NE(a, kPrompt);
  EXPECT_NE(a, AddTypos(kPrompt, 0.5, 8));
  EXPECT_EQ(AddTypos(kPrompt, 0.0, 7), kPrompt);
  // Punctuation and spacing stay where they were.
  EXPECT_EQ(std::count(a.begin(), a.end(), ' '),
            std::count(kPrompt,
                       kPrompt + std::char_traits<char>::length(kPrompt), ' '));
  EXPECT_EQ(a.back(), '.');
}

TEST(TextPerturbTest, ClutterAddsLogAndStackTraceLines) {
  const std::string c = AddClutter(kPrompt, 5, 3);
  EXPECT_EQ(c, AddClutter(kPrompt, 5, 3));
  EXPECT_EQ(std::count(c.begin(), c.end(), '\n'), 5);
  EXPECT_NE(c.find(kPrompt), std::string::npos);  // the question is intact
}

TEST(TextPerturbTest, ReorderMovesLinesOrSentences) {
  const std::string lines = "line one\nline two\nline three\nline four";
  const std::string r = Reorder(lines, 0.5, 11);
  EXPECT_NE(r, lines);
  std::string sorted_a = lines, sorted_b = r;
  std::sort(sorted_a.begin(), sorted_a.end());
  std::sort(sorted_b.begin(), sorted_b.end());
  EXPECT_EQ(sorted_a, sorted_b);  // same content, other order
  const std::string s = Reorder(kPrompt, 0.5, 11);
  EXPECT_EQ(s,
            "Answer with the number only. What is the total amount due on "
            "this invoice?");
  EXPECT_EQ(Reorder("single", 1.0, 1), "single");
}

}  // namespace
}  // namespace mmgate::perturb
