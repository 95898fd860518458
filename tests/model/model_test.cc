// The model seam on its own: the blocking default of Issue() and the guarded
// parse every implementation reads replies with.
#include "model/model.h"

#include <gtest/gtest.h>

#include <thread>

#include "model/reply_json.h"

namespace mmgate {
namespace {

// Answers "echo: <prompt>", or fails for the prompt "fail"; records one
// attempt per answer.
class EchoModel final : public Model {
 public:
  std::string Version() const override { return "echo 1"; }
  Result<ModelResponse> Answer(const ModelRequest& request) override {
    ++answers;
    AttemptInfo a;
    a.http_status = request.prompt == "fail" ? 500 : 200;
    attempts_.push_back(a);
    if (request.prompt == "fail") return Status::EngineError("it failed");
    ModelResponse r;
    r.answer = "echo: " + request.prompt;
    r.media.push_back({"audio", "audio/wav", std::string("RIFF\0", 5)});
    return r;
  }
  std::vector<AttemptInfo> TakeAttempts() override {
    return std::exchange(attempts_, {});
  }
  int answers = 0;

 private:
  std::vector<AttemptInfo> attempts_;
};

TEST(ModelIssue, DefaultAnswersOnTheCallingThreadAndCompletesOnce) {
  EchoModel model;
  int calls = 0;
  bool returned = false;
  std::thread::id caller = std::this_thread::get_id();
  model.Issue({"i1", "text", "hello", {}}, [&](Completion c) {
    ++calls;
    EXPECT_FALSE(returned) << "the default completes before returning";
    EXPECT_EQ(std::this_thread::get_id(), caller);
    ASSERT_TRUE(c.response.ok());
    EXPECT_EQ(c.response->answer, "echo: hello");
    ASSERT_EQ(c.response->media.size(), 1u);
    EXPECT_EQ(c.response->media[0].type, "audio");
    EXPECT_EQ(c.response->media[0].bytes.size(), 5u);
    ASSERT_EQ(c.attempts.size(), 1u);
    EXPECT_EQ(c.attempts[0].http_status, 200);
  });
  returned = true;
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(model.answers, 1);
  EXPECT_TRUE(model.TakeAttempts().empty())
      << "attempts went to the completion";
}

TEST(ModelIssue, AFailureIsTheCompletionsStatus) {
  EchoModel model;
  int calls = 0;
  model.Issue({"i2", "text", "fail", {}}, [&](Completion c) {
    ++calls;
    ASSERT_FALSE(c.response.ok());
    EXPECT_EQ(c.response.status().code(), StatusCode::kEngineError);
    ASSERT_EQ(c.attempts.size(), 1u);
    EXPECT_EQ(c.attempts[0].http_status, 500);
  });
  EXPECT_EQ(calls, 1);
}

TEST(ReplyJson, ParsesRepliesAndRefusesWhatWouldThrowOrRecurse) {
  EXPECT_EQ(ParseReplyJson(R"({"answer": "42"})")["answer"], "42");
  EXPECT_TRUE(ParseReplyJson("{\"answer\": ").is_discarded());
  EXPECT_TRUE(ParseReplyJson(R"({"n": 1e999999})").is_discarded());
  std::string at_limit =
      std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_FALSE(ParseReplyJson(at_limit).is_discarded());
  std::string beyond = "[" + at_limit + "]";
  EXPECT_TRUE(ParseReplyJson(beyond).is_discarded());
  std::string million = std::string(1000000, '[') + std::string(1000000, ']');
  EXPECT_TRUE(ParseReplyJson(million).is_discarded());
  // Brackets inside strings (escaped quotes too) are text, not nesting.
  std::string text = R"({"answer": "\")" + std::string(500, '[') + R"("})";
  auto j = ParseReplyJson(text);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["answer"].get<std::string>().size(), 501u);
}

}  // namespace
}  // namespace mmgate
