// The fast reader of stored decisions gives what the complete parsers
// (trace::ParseInputs, ParseCandidateAnswer) give, and hands every record it
// does not read whole back to them.
#include "backfill/decisions.h"

#include <gtest/gtest.h>

#include "trace/trace.h"

namespace mmgate::backfill {
namespace {

// The fields the slow path sets, or nullopt when ParseInputs refuses.
std::optional<Replayed> Slow(const std::string& json) {
  store::TraceRecord t;
  t.trace_id = "t1";
  t.inputs_json = json;
  auto in = trace::ParseInputs(t);
  if (!in.ok()) return std::nullopt;
  Replayed x;
  x.modality = in->modality;
  x.slices = in->slices;
  x.ground_truth = in->ground_truth;
  x.production_confidence = in->confidence;
  return x;
}

TEST(DecisionReaderTest, InputsMatchParseInputs) {
  DecisionReader reader;
  for (const std::string json : {
           R"({"id": "t1", "prompt": "p", "slices": {"region": "eu",
               "tier": "gold"}, "confidence": 0.25, "ground_truth": "deny",
               "modality": "image", "signals": {"retries": 0}, "media": []})",
           R"({"prompt": "no modality, no confidence"})",
           R"({"confidence": 1, "slices": {}, "modality": "a\"b\u00e9"})",
           R"({"modality": "x", "modality": "y"})",
           R"({"slices": {"a": "1"}, "slices": {"b": "2"}})",
       }) {
    Replayed fast;
    ASSERT_TRUE(reader.ReadInputs(json, &fast)) << json;
    auto slow = Slow(json);
    ASSERT_TRUE(slow.has_value()) << json;
    EXPECT_EQ(fast.modality, slow->modality) << json;
    EXPECT_EQ(fast.slices, slow->slices) << json;
    EXPECT_EQ(fast.ground_truth, slow->ground_truth) << json;
    EXPECT_EQ(fast.production_confidence, slow->production_confidence) << json;
  }
}

TEST(DecisionReaderTest, InputsItCannotReadWholeAreLeftUntouched) {
  DecisionReader reader;
  for (const std::string json : {
           std::string(R"({"media": [{"type": "image", "path": "a.png"}]})"),
           std::string(R"({"slices": {"n": 3}})"),
           std::string(R"({"modality": null})"),
           std::string(R"({"confidence": "high"})"),
           std::string(R"({"prompt": 7})"),
           std::string(R"({"a": 1} trailing)"),
           std::string(R"({"a": )"),
           std::string("[1, 2]"),
           std::string(""),
       }) {
    Replayed x;
    x.modality = "untouched";
    EXPECT_FALSE(reader.ReadInputs(json, &x)) << json;
    EXPECT_EQ(x.modality, "untouched");
    EXPECT_TRUE(x.slices.empty());
  }
}

TEST(DecisionReaderTest, AnswersMatchParseCandidateAnswer) {
  DecisionReader reader;
  for (const std::string answer : {
           R"({"decision": "approve", "confidence": 0.9})",
           R"({"confidence": 1, "decision": "Deny ", "why": [1, {"a": 2}]})",
           R"({"decision": "escalate"})",
           R"({"decision": "a", "decision": "b"})",
       }) {
    std::string decision;
    double conf = -2;
    ASSERT_TRUE(reader.ReadAnswer(answer, &decision, &conf)) << answer;
    auto [d, c] = ParseCandidateAnswer(answer);
    EXPECT_EQ(decision, d) << answer;
    EXPECT_EQ(conf, c) << answer;
  }
  for (const std::string answer :
       {"approve", "", R"({"decision": 3})", R"({"confidence": 0.5})",
        R"({"decision": "a", "confidence": "high"})", R"({"decision": "a"} x)",
        R"(["approve"])"}) {
    std::string decision = "untouched";
    double conf = -2;
    EXPECT_FALSE(reader.ReadAnswer(answer, &decision, &conf)) << answer;
    EXPECT_EQ(decision, "untouched");
  }
}

TEST(DecisionReaderTest, InPlaceReadsMatchAndLeaveTheTextAsItWas) {
  DecisionReader reader;
  // Short strings first, so the padding has to grow them; the same strings
  // are then reused, as the analysis reuses its rows.
  std::string inputs = R"({"modality": "image"})";
  std::string answer = R"({"decision": "deny", "confidence": 0.5})";
  for (const char* next : {R"({"slices": {"a": "1"}, "ground_truth": "x"})",
                           R"({"media": [{"type": "image"}]})"}) {
    const std::string before = inputs, answer_before = answer;
    Replayed a, b;
    const bool ok = reader.ReadInputs(&inputs, &a);
    EXPECT_EQ(ok, reader.ReadInputs(std::string_view(before), &b)) << before;
    EXPECT_EQ(inputs, before);
    EXPECT_EQ(a.modality, b.modality);
    EXPECT_EQ(a.slices, b.slices);
    EXPECT_EQ(a.ground_truth, b.ground_truth);
    std::string d1, d2;
    double c1 = -2, c2 = -2;
    EXPECT_TRUE(reader.ReadAnswer(&answer, &d1, &c1));
    EXPECT_TRUE(reader.ReadAnswer(std::string_view(answer_before), &d2, &c2));
    EXPECT_EQ(answer, answer_before);
    EXPECT_EQ(d1, d2);
    EXPECT_EQ(c1, c2);
    inputs = next;
    answer = R"({"decision": "approve"})";
  }
}

}  // namespace
}  // namespace mmgate::backfill
