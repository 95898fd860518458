// Abstention detection with the default phrase list and with a suite's own.
#include "score/abstention.h"

#include <gtest/gtest.h>

namespace mmgate::score {
namespace {

TEST(AbstentionTest, DefaultPhrases) {
  const auto& p = DefaultAbstainPhrases();
  EXPECT_TRUE(Abstains("I cannot determine the value from the chart.", p));
  EXPECT_TRUE(Abstains("There is NOT ENOUGH INFORMATION to answer.", p));
  EXPECT_TRUE(Abstains("Unanswerable", p));
  EXPECT_TRUE(Abstains("I don't know.", p));
  EXPECT_TRUE(Abstains("I don\u2019t know", p));  // typographic apostrophe
  EXPECT_TRUE(Abstains("The total is not visible in the image", p));
  EXPECT_TRUE(Abstains("The text is illegible", p));
  EXPECT_FALSE(Abstains("41.5", p));
  EXPECT_FALSE(Abstains("The value is 12", p));
  EXPECT_FALSE(Abstains("", p));  // no answer is not an abstention
}

TEST(AbstentionTest, WholeWordsOnly) {
  const auto& p = DefaultAbstainPhrases();
  EXPECT_FALSE(Abstains("I don't knowingly lie", p));
  EXPECT_FALSE(Abstains("The sign says 'unanswerables'", p));
  EXPECT_TRUE(Abstains("unanswerable!", p));
  EXPECT_TRUE(Abstains("He said 'unanswerable'.", p));
}

TEST(AbstentionTest, ParamsOverrideTheList) {
  const nlohmann::json params = {{"abstain_phrases", {"no data", "N/A"}}};
  Result<std::vector<std::string>> phrases = AbstainPhrases(params);
  ASSERT_TRUE(phrases.ok());
  EXPECT_TRUE(Abstains("No data.", *phrases));
  EXPECT_TRUE(Abstains("n/a", *phrases));
  EXPECT_FALSE(Abstains("I don't know", *phrases));  // replaced, not extended
  Result<std::vector<std::string>> defaults =
      AbstainPhrases(nlohmann::json::object());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->size(), DefaultAbstainPhrases().size());
}

TEST(AbstentionTest, BadParamIsAnError) {
  EXPECT_FALSE(AbstainPhrases({{"abstain_phrases", "cannot"}}).ok());
  EXPECT_FALSE(AbstainPhrases({{"abstain_phrases", {1, 2}}}).ok());
}

}  // namespace
}  // namespace mmgate::score
