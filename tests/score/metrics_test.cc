// The registry and ScoreAnswer: every metric through the public entry point,
// best-of references, abstention items, parameters and errors.
#include "score/metrics.h"

#include <gtest/gtest.h>

#include <set>

namespace mmgate::score {
namespace {

Item MakeItem(std::vector<std::string> references,
              std::string expect = "answer") {
  Item item;
  item.id = "item-1";
  item.references = std::move(references);
  item.expect = std::move(expect);
  return item;
}

ItemScore Score(std::string_view metric, const Item& item,
                const std::string& answer,
                const nlohmann::json& params = nlohmann::json::object()) {
  Result<ItemScore> s = ScoreAnswer(metric, item, answer, params);
  EXPECT_TRUE(s.ok()) << metric << ": " << s.status().message();
  return s.ok() ? *s : ItemScore{};
}

TEST(RegistryTest, TheMetricNames) {
  std::set<std::string> names;
  for (const MetricInfo* m : AllMetrics()) names.insert(std::string(m->name));
  EXPECT_EQ(names,
            (std::set<std::string>{"wer", "cer", "exact", "normalized_match",
                                   "anls", "relaxed_accuracy", "numeric",
                                   "table_cells", "json_schema", "abstention",
                                   "grounding", "conflict", "code_grounding",
                                   "judge"}));
  EXPECT_FALSE(FindMetric("wer")->higher_is_better);
  EXPECT_FALSE(FindMetric("cer")->binary);
  EXPECT_TRUE(FindMetric("anls")->higher_is_better);
  EXPECT_FALSE(FindMetric("anls")->binary);
  EXPECT_TRUE(FindMetric("exact")->binary);
  EXPECT_EQ(FindMetric("bleu"), nullptr);
  for (const MetricInfo* m : AllMetrics())
    EXPECT_FALSE(m->description.empty()) << m->name;
}

TEST(WerTest, NormalizedWordsAndCorpusParts) {
  // Normalization makes these the same words: "mister smith is 25 colors".
  ItemScore s = Score("wer", MakeItem({"Mr. Smith's twenty-five colours"}),
                      "mister smith is 25 colors");
  EXPECT_DOUBLE_EQ(s.value, 0.0);
  EXPECT_DOUBLE_EQ(s.denominator, 5);
  // the cat sat on the mat / the cat sit on mat: 1 substitution, 1 deletion.
  s = Score("wer", MakeItem({"The cat sat on the mat."}), "the cat sit on mat");
  EXPECT_DOUBLE_EQ(s.numerator, 2);
  EXPECT_DOUBLE_EQ(s.denominator, 6);
  EXPECT_DOUBLE_EQ(s.value, 2.0 / 6);
  EXPECT_EQ(s.detail,
            "errors=2 (S=1 D=1 I=0) of 6 reference words: sat->sit, -the");
  // sclite -o pralign: REF "* a * b C D E", HYP "X a Y b * Z Q".
  s = Score("wer", MakeItem({"a b c d e"}), "x a y b z q");
  EXPECT_EQ(s.detail,
            "errors=5 (S=2 D=1 I=2) of 5 reference words: +x, +y, -c, ...");
}

TEST(WerTest, RawTokensWhenNormalizationIsOff) {
  const nlohmann::json raw = {{"normalize", false}};
  // Raw tokens are compared exactly: "Hello," is not "hello".
  ItemScore s = Score("wer", MakeItem({"Hello, world"}), "hello world", raw);
  EXPECT_DOUBLE_EQ(s.numerator, 1);
  s = Score("wer", MakeItem({"Hello world"}), "Hello world", raw);
  EXPECT_DOUBLE_EQ(s.numerator, 0);
  s = Score("wer", MakeItem({"Hello world"}), "hello world");
  EXPECT_DOUBLE_EQ(s.numerator, 0);
}

TEST(WerTest, AlignmentParameter) {
  const Item item = MakeItem({"a a a c b"});
  EXPECT_DOUBLE_EQ(
      Score("wer", item, "c b b c", {{"normalize", false}}).numerator, 5);
  const ItemScore lev =
      Score("wer", item, "c b b c",
            {{"normalize", false}, {"alignment", "levenshtein"}});
  EXPECT_DOUBLE_EQ(lev.numerator, 4);
  EXPECT_NE(lev.detail.find("minimum edit distance"), std::string::npos);
  EXPECT_FALSE(ScoreAnswer("wer", item, "x", {{"alignment", "dtw"}}).ok());
}

TEST(WerTest, BestReferenceHasFewestErrors) {
  const ItemScore s =
      Score("wer", MakeItem({"one two three four", "the weather is nice"}),
            "the weather is not nice");
  EXPECT_DOUBLE_EQ(s.numerator, 1);
  EXPECT_DOUBLE_EQ(s.denominator, 4);
  EXPECT_NE(s.detail.find("best of 2 references: #2"), std::string::npos)
      << s.detail;
}

TEST(WerTest, EmptyReferenceCountsAsOneWord) {
  const ItemScore s = Score("wer", MakeItem({""}), "two words");
  EXPECT_DOUBLE_EQ(s.numerator, 2);
  EXPECT_DOUBLE_EQ(s.denominator, 1);
  EXPECT_DOUBLE_EQ(Score("wer", MakeItem({"[noise]"}), "").value, 0.0);
}

TEST(CerTest, CharactersWithoutSpacesBySclite) {
  // "hello world" vs "helo wrld": two deleted characters of ten.
  ItemScore s = Score("cer", MakeItem({"Hello world"}), "helo wrld");
  EXPECT_DOUBLE_EQ(s.numerator, 2);
  EXPECT_DOUBLE_EQ(s.denominator, 10);
  // A lost space is not an error unless spaces are counted.
  EXPECT_DOUBLE_EQ(Score("cer", MakeItem({"ab cd"}), "abcd").numerator, 0);
  s = Score("cer", MakeItem({"ab cd"}), "abcd", {{"cer_spaces", true}});
  EXPECT_DOUBLE_EQ(s.numerator, 1);
  EXPECT_DOUBLE_EQ(s.denominator, 5);
}

TEST(ExactAndNormalizedTest, ThroughScoreAnswer) {
  EXPECT_DOUBLE_EQ(Score("exact", MakeItem({"Paris"}), " Paris ").value, 1);
  EXPECT_DOUBLE_EQ(Score("exact", MakeItem({"Paris"}), "paris").value, 0);
  EXPECT_DOUBLE_EQ(
      Score("normalized_match", MakeItem({"Paris"}), "paris.").value, 1);
  EXPECT_DOUBLE_EQ(
      Score("normalized_match", MakeItem({"London", "Paris"}), "PARIS").value,
      1);
}

TEST(AnlsMetricTest, MaxOverReferencesAndThresholdParam) {
  const Item item = MakeItem({"Coca Cola", "Coca Cola Company"});
  EXPECT_NEAR(Score("anls", item, "CocaCola").value, 8.0 / 9, 1e-12);
  EXPECT_DOUBLE_EQ(Score("anls", item, "coca cola company").value, 1.0);
  EXPECT_DOUBLE_EQ(Score("anls", MakeItem({"abcd"}), "abxy").value, 0.0);
  EXPECT_DOUBLE_EQ(
      Score("anls", MakeItem({"abcd"}), "abxy", {{"anls_threshold", 0.6}})
          .value,
      0.5);
  EXPECT_FALSE(
      ScoreAnswer("anls", item, "x", {{"anls_threshold", "high"}}).ok());
}

TEST(RelaxedAccuracyMetricTest, ToleranceParam) {
  EXPECT_DOUBLE_EQ(Score("relaxed_accuracy", MakeItem({"41.5"}), "43").value,
                   1);
  EXPECT_DOUBLE_EQ(Score("relaxed_accuracy", MakeItem({"41.5"}), "44").value,
                   0);
  EXPECT_DOUBLE_EQ(Score("relaxed_accuracy", MakeItem({"41.5"}), "44",
                         {{"relaxed_tolerance", 0.1}})
                       .value,
                   1);
}

TEST(NumericMetricTest, FirstNumberAndAbsoluteTolerance) {
  EXPECT_DOUBLE_EQ(
      Score("numeric", MakeItem({"1234"}), "The total is 1,234 units.").value,
      1);
  EXPECT_DOUBLE_EQ(Score("numeric", MakeItem({"12"}), "12.4").value, 0);
  EXPECT_DOUBLE_EQ(
      Score("numeric", MakeItem({"12"}), "12.4", {{"tolerance", 0.5}}).value,
      1);
  const ItemScore none = Score("numeric", MakeItem({"12"}), "twelve");
  EXPECT_DOUBLE_EQ(none.value, 0);
  EXPECT_EQ(none.detail, "no number in the answer");
  Result<ItemScore> bad_ref =
      ScoreAnswer("numeric", MakeItem({"n/a"}), "3", {});
  ASSERT_FALSE(bad_ref.ok());
  EXPECT_NE(bad_ref.status().message().find("item item-1"), std::string::npos);
}

TEST(TableCellsMetricTest, F1WithDetail) {
  const ItemScore s = Score(
      "table_cells", MakeItem({"A | B\nr1 | 1\nr2 | 2\n"}), "A | B\nr1 | 1\n");
  EXPECT_DOUBLE_EQ(s.value, 2.0 / 3);
  EXPECT_NE(s.detail.find("R=0.500"), std::string::npos) << s.detail;
}

TEST(JsonSchemaMetricTest, SchemaFromItemOrParams) {
  Item item = MakeItem({});
  item.extra["schema"] = {{"type", "object"}, {"required", {"a"}}};
  EXPECT_DOUBLE_EQ(Score("json_schema", item, "```json\n{\"a\": 1}\n```").value,
                   1);
  EXPECT_DOUBLE_EQ(Score("json_schema", item, "{\"b\": 1}").value, 0);
  item.extra["schema"] =
      R"({"type": "array"})";  // a schema written as a string
  EXPECT_DOUBLE_EQ(Score("json_schema", item, "[1]").value, 1);
  const Item plain = MakeItem({});
  EXPECT_DOUBLE_EQ(
      Score("json_schema", plain, "[1]", {{"schema", {{"type", "array"}}}})
          .value,
      1);
  Result<ItemScore> missing = ScoreAnswer("json_schema", plain, "[1]", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs a JSON Schema"),
            std::string::npos);
}

TEST(AbstainItemsTest, BestWhenAbstainingWorstOtherwiseForEveryMetric) {
  const Item item = MakeItem({"cannot determine"}, "abstain");
  nlohmann::json params = {{"schema", {{"type", "object"}}}};
  for (const MetricInfo* m : AllMetrics()) {
    // `judge` is scored by the suite's judge model (judge/), not here.
    if (m->name == "judge") continue;
    const ItemScore yes =
        Score(m->name, item, "I cannot determine that from the image.", params);
    const ItemScore no = Score(m->name, item, "42", params);
    const double best = m->higher_is_better ? 1.0 : 0.0;
    EXPECT_DOUBLE_EQ(yes.value, best) << m->name;
    EXPECT_DOUBLE_EQ(no.value, 1.0 - best) << m->name;
    EXPECT_DOUBLE_EQ(no.denominator, 1.0) << m->name;
    EXPECT_DOUBLE_EQ(no.numerator, no.value) << m->name;
  }
}

TEST(RegistryTest, JudgeIsScoredByTheSuitesJudgeNotTheRegistry) {
  auto s = ScoreAnswer("judge", MakeItem({"41.5"}), "41.5", {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("scored by the suite's judge model"),
            std::string::npos)
      << s.status().message();
}

TEST(AbstentionMetricTest, OnBothKindsOfItems) {
  EXPECT_DOUBLE_EQ(
      Score("abstention", MakeItem({}, "abstain"), "Not enough information.")
          .value,
      1);
  EXPECT_DOUBLE_EQ(
      Score("abstention", MakeItem({}, "abstain"), "It is 12.").value, 0);
  EXPECT_DOUBLE_EQ(Score("abstention", MakeItem({"12"}), "It is 12.").value, 1);
  EXPECT_DOUBLE_EQ(Score("abstention", MakeItem({"12"}), "I don't know").value,
                   0);
  const nlohmann::json params = {{"abstain_phrases", {"no idea"}}};
  EXPECT_DOUBLE_EQ(
      Score("abstention", MakeItem({}, "abstain"), "No idea!", params).value,
      1);
  EXPECT_DOUBLE_EQ(
      Score("abstention", MakeItem({}, "abstain"), "I don't know", params)
          .value,
      0);
}

TEST(ScoreAnswerTest, ErrorsNameTheItem) {
  Result<ItemScore> unknown = ScoreAnswer("bleu", MakeItem({"x"}), "x", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "item item-1: unknown metric 'bleu'");
  Result<ItemScore> no_ref = ScoreAnswer("exact", MakeItem({}), "x", {});
  ASSERT_FALSE(no_ref.ok());
  EXPECT_EQ(no_ref.status().message(),
            "item item-1: no reference to score against");
  EXPECT_FALSE(
      ScoreAnswer("wer", MakeItem({"x"}), "x", {{"normalize", "yes"}}).ok());
  EXPECT_FALSE(
      ScoreAnswer("exact", MakeItem({"x"}), "x", {{"abstain_phrases", 3}})
          .ok());
}

}  // namespace
}  // namespace mmgate::score
