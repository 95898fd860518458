// Abstention rule, grounding, conflict and code-hallucination scorers on
// hand-made cases, adversarial ones included.
#include <gtest/gtest.h>

#include "score/abstention.h"
#include "score/code_grounding.h"
#include "score/conflict.h"
#include "score/grounding.h"
#include "score/metrics.h"

namespace mmgate::score {
namespace {

using nlohmann::json;

// What Tesseract read from a rendered invoice (with its usual noise).
constexpr const char* kOcr =
    "ACME Supplies Ltd\nInvoice No. INV-2041\nDate: 12 March 2026\n"
    "Subtotal 118.00\nVAT 20% 23.60\nTotal due: $141.60";

TEST(AbstainRuleTest, StructuredFieldDecidesJsonAnswers) {
  auto rule = ParseAbstainRule({{"abstain_field", "abstain"}});
  ASSERT_TRUE(rule.ok());
  EXPECT_TRUE(Abstains(R"({"answer": null, "abstain": true})", *rule));
  EXPECT_TRUE(Abstains("```json\n{\"abstain\": \"yes\"}\n```", *rule));
  // The field wins over phrases inside the JSON text.
  EXPECT_FALSE(
      Abstains(R"({"answer": "I cannot determine", "abstain": false})", *rule));
  // Plain text still goes through the phrases.
  EXPECT_TRUE(Abstains("I cannot determine that from the image.", *rule));
  EXPECT_FALSE(Abstains("141.60", *rule));
  EXPECT_FALSE(ParseAbstainRule({{"abstain_field", 3}}).ok());
}

TEST(AbstainRuleTest, AnswerFieldIsWhatGetsScored) {
  Item item;
  item.id = "inv-1";
  item.references = {"141.60"};
  const json params = {{"answer_field", "answer"}};
  auto s =
      ScoreAnswer("relaxed_accuracy", item,
                  R"({"answer": "141.60", "evidence": ["Total due"]})", params);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->value, 1);
}

TEST(GroundingTest, CitedEvidenceFromJsonOrQuotes) {
  EXPECT_EQ(CitedEvidence(R"({"answer": "x", "evidence": ["a b c", "d e f"]})",
                          "evidence"),
            (std::vector<std::string>{"a b c", "d e f"}));
  EXPECT_EQ(
      CitedEvidence("The total is 141.60 (\u201cTotal due: $141.60\u201d).",
                    "evidence"),
      std::vector<std::string>{"Total due: $141.60"});
  EXPECT_EQ(
      CitedEvidence(R"(It says "Invoice No. INV-2041" and "ok")", "evidence"),
      std::vector<std::string>{"Invoice No. INV-2041"});
}

TEST(GroundingTest, FuzzyMatchToleratesOcrNoiseOnly) {
  EXPECT_DOUBLE_EQ(FuzzyContainment("Total due: $141.60", kOcr), 1.0);
  EXPECT_GT(FuzzyContainment("Tota1 due 141.6O", kOcr), 0.8);  // OCR-like slips
  EXPECT_LT(FuzzyContainment("Paid in full on 14 March", kOcr), 0.6);
  EXPECT_EQ(FuzzyContainment("", kOcr), 0.0);
}

TEST(GroundingTest, AdversarialEvidenceAbsentFromTheImageIsUngrounded) {
  // A confident answer quoting a line the invoice does not contain.
  auto c = CheckGrounding(
      R"({"answer": "150.00", "evidence": ["Total due: $150.00 after discount"]})",
      kOcr, 0.8, true, "evidence");
  EXPECT_FALSE(c.grounded);
  EXPECT_NE(c.detail.find("not in the input"), std::string::npos);
  // One true quote does not excuse an invented one.
  c = CheckGrounding(
      R"({"answer": "141.60", "evidence": ["Total due: $141.60", "Approved by J. Smith"]})",
      kOcr, 0.8, true, "evidence");
  EXPECT_FALSE(c.grounded);
  EXPECT_EQ(c.found, 1);
  // No citation at all when one is required.
  EXPECT_FALSE(CheckGrounding("141.60", kOcr, 0.8, true, "evidence").grounded);
  EXPECT_TRUE(CheckGrounding("141.60", kOcr, 0.8, false, "evidence").grounded);
  c = CheckGrounding(R"(The total is 141.60 ("Total due: $141.60"))", kOcr, 0.8,
                     true, "evidence");
  EXPECT_TRUE(c.grounded) << c.detail;
}

TEST(GroundingTest, MetricUsesTheInputTextProvider) {
  Item item;
  item.id = "inv-2";
  item.media = {{"image", "media/inv.png", "/nonexistent/inv.png"}};
  item.references = {"141.60"};
  ScoreContext ctx;
  int calls = 0;
  ctx.input_text = [&](const Item&) -> Result<std::string> {
    ++calls;
    return std::string(kOcr);
  };
  auto good = ScoreAnswer(
      "grounding", item,
      R"({"answer": "141.60", "evidence": ["Total due: $141.60"]})", {}, ctx);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->value, 1);
  auto bad =
      ScoreAnswer("grounding", item,
                  R"({"answer": "99", "evidence": ["Balance: $99"]})", {}, ctx);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->value, 0);
  EXPECT_EQ(calls, 2);
  // No recognizer: an error naming the item, not a silent pass.
  auto none = ScoreAnswer("grounding", item, "141.60", {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("inv-2"), std::string::npos);
}

TEST(ConflictTest, PoliciesAndTheAveragingAnswer) {
  // The chart shows 41.5; the caption claims 45.
  const auto image_wins = ConflictPolicy::kImageWins;
  EXPECT_TRUE(CheckConflict("41.5", "41.5", "45", image_wins, 0.01).followed);
  EXPECT_FALSE(CheckConflict("45", "41.5", "45", image_wins, 0.01).followed);
  EXPECT_TRUE(CheckConflict("45", "41.5", "45", ConflictPolicy::kTextWins, 0.01)
                  .followed);
  // Adversarial: splitting the difference follows no policy.
  for (auto p : {ConflictPolicy::kImageWins, ConflictPolicy::kTextWins,
                 ConflictPolicy::kSurface}) {
    const ConflictCheck c = CheckConflict("About 43.25", "41.5", "45", p, 0.01);
    EXPECT_FALSE(c.followed);
    EXPECT_TRUE(c.blended);
    EXPECT_NE(c.detail.find("blends"), std::string::npos);
  }
  const auto surface = ConflictPolicy::kSurface;
  EXPECT_TRUE(
      CheckConflict(
          "The chart shows 41.5 but the caption says 45; they conflict.",
          "41.5", "45", surface, 0.01)
          .followed);
  EXPECT_TRUE(CheckConflict("The caption does not match the chart.", "41.5",
                            "45", surface, 0.01)
                  .followed);
  EXPECT_FALSE(CheckConflict("41.5", "41.5", "45", surface, 0.01).followed);
  // Naming the conflict while still giving the winner is fine.
  EXPECT_TRUE(CheckConflict("41.5 (the caption's 45 contradicts the chart)",
                            "41.5", "45", image_wins, 0.01)
                  .followed);
  // Words, not only numbers.
  EXPECT_TRUE(CheckConflict("The light is red.", "red", "green", image_wins, 0)
                  .followed);
  EXPECT_FALSE(ParseConflictPolicy("average").ok());
}

TEST(ConflictTest, MetricReadsTheItemAndSuitePolicy) {
  Item item;
  item.id = "chart-c1";
  item.extra = {{"conflict", {{"image", "41.5"}, {"text", "45"}}}};
  auto s = ScoreAnswer("conflict", item, "41.5",
                       {{"conflict_policy", "image_wins"}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->value, 1);
  s = ScoreAnswer("conflict", item, "43.25",
                  {{"conflict_policy", "image_wins"}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->value, 0);
  item.extra["conflict"]["policy"] = "text_wins";  // the item overrides
  s = ScoreAnswer("conflict", item, "45", {{"conflict_policy", "image_wins"}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->value, 1);
  Item bare;
  bare.id = "x";
  EXPECT_FALSE(ScoreAnswer("conflict", bare, "1", {}).ok());
}

TEST(CodeGroundingTest, InventedIdentifiersAreCodeHallucinations) {
  const std::string prompt =
      "The screenshot shows `client.fetch_orders(limit=10)` failing. Fix the "
      "call so it retries.";
  const std::vector<std::string> context = {
      "class Client:\n    def fetch_orders(self, limit): ...\n    def "
      "retry(self, fn, attempts): ..."};
  // Uses only what the prompt and context define.
  EXPECT_TRUE(
      InventedIdentifiers(
          "```python\nclient.retry(lambda: client.fetch_orders(limit=10), "
          "attempts=3)\n```",
          prompt, context, {})
          .empty());
  // An API method that exists nowhere in the input.
  auto invented = InventedIdentifiers(
      "```python\nclient.fetch_orders_with_backoff(limit=10, "
      "max_retries=3)\n```",
      prompt, context, {});
  EXPECT_EQ(invented, (std::vector<std::string>{"fetch_orders_with_backoff",
                                                "max_retries"}));
  // Strings and comments are not code references; allowed names pass.
  EXPECT_TRUE(
      InventedIdentifiers("x = \"made_up_name\"  # another_one\n", "x", {}, {})
          .empty());
  EXPECT_TRUE(
      InventedIdentifiers("requests.get(url)", "url", {}, {"requests", "get"})
          .empty());
  Item item;
  item.id = "code-1";
  item.prompt = prompt;
  item.extra = {{"context", context[0]}};
  auto s = ScoreAnswer("code_grounding", item,
                       "client.fetch_orders_with_backoff(limit=10)", {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->value, 0);
  EXPECT_NE(s->detail.find("fetch_orders_with_backoff"), std::string::npos);
}

}  // namespace
}  // namespace mmgate::score
