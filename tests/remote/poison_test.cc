// Hostile provider replies and the asynchronous issue path, against local
// servers that stand in for the providers through the real curl transport:
// a reply that would make the JSON library throw (a field of the wrong type,
// a number beyond a double, nesting a million levels deep) is one item's
// bad_response, whole or streamed, and a run over many items finishes with
// exactly the poisoned ones errored; Issue() completes every request exactly
// once with its attempts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "adapter/remote_models.h"
#include "fault_server.h"
#include "providers.h"
#include "remote/curl_transport.h"
#include "run_fixture.h"
#include "runner/runner.h"

namespace mmgate::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class PoisonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-poison-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    env_.transport = remote::MakeCurlTransport();
    env_.clock = &clock_;
    env_.waiter = &waiter_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  ModelSpec Spec(const std::string& provider, const FaultServer& s,
                 json params = json::object()) {
    params["base_url"] = s.base_url() + (provider == "openai"   ? "/v1"
                                         : provider == "gemini" ? "/v1beta"
                                                                : "");
    params["model"] = "stand-in-1";
    params["backoff_base_ms"] = 10;
    params["timeout_s"] = 2;
    return {"m", provider, std::move(params), dir_.string()};
  }

  std::unique_ptr<Model> Make(const ModelSpec& spec) {
    auto m = adapter::CreateRemoteModel(spec, env_);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? std::move(*m) : nullptr;
  }

  static ModelRequest Request(const std::string& prompt) {
    return {"it-1", "text", prompt, {}};
  }

  fs::path dir_;
  SystemClock clock_;
  remote::RecordingWaiter waiter_;
  ModelEnv env_;
};

// Nested `depth` arrays deep.
std::string Deep(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST_F(PoisonTest, WrongShapedRepliesAreOneBadResponseNeverAnException) {
  struct Case {
    const char* provider;
    std::string body;  // whole JSON body, or SSE events when `stream`
    bool stream;
    const char* says;  // in the item's error
  };
  const std::vector<Case> cases = {
      {"openai", R"({"error": {"message": 5}})", false,
       "openai reply (HTTP 200) has an unexpected shape"},
      {"openai", "data: {\"choices\": [5]}\n\n", true,
       "openai stream event has an unexpected shape"},
      {"openai", R"({"choices": [{"message": {"content": 5}}]})", false,
       "message without content"},
      {"openai",
       R"({"choices": [{"message": {"content": "a"}}], "n": 1e999999})", false,
       "unparsable response body"},
      {"openai",
       R"({"error": {"message": "m", "detail": )" + Deep(1000000) + "}}", false,
       "unparsable response body"},
      {"anthropic", R"({"type": "message", "content": [5]})", false,
       "anthropic reply (HTTP 200) has an unexpected shape"},
      {"anthropic",
       R"({"type": "message", "content": [{"type": "text", "text": 5}]})",
       false, "type must be string"},
      {"gemini",
       R"({"candidates": [{"content": {"parts": [{"text": "a"}]}}],
           "usageMetadata": {"promptTokenCount": "x"}})",
       false, "gemini reply (HTTP 200) has an unexpected shape"},
      {"gemini", R"({"candidates": [5]})", false, "unexpected shape"},
      {"gemini", R"({"usageMetadata": "x"})", false, "unexpected shape"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.provider) + " " + c.body.substr(0, 60));
    FaultServer server([&](const ServerRequest&, int64_t) {
      if (c.stream) return StreamReply({c.body});
      return Script{Send(Response(200, "application/json", c.body))};
    });
    auto m = Make(Spec(c.provider, server, {{"stream", c.stream}}));
    ASSERT_TRUE(m);
    auto a = m->Answer(Request("Say a1"));
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.status().message().find(c.says), std::string::npos)
        << a.status().message();
    auto attempts = m->TakeAttempts();
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].error_kind, "bad_response") << attempts[0].error;
    EXPECT_EQ(server.hits(), 1) << "a bad reply is not retried";
  }
}

TEST_F(PoisonTest, AnswerBeyondADoubleIsInvalidForTheSchemaNotAnException) {
  FaultServer server([&](const ServerRequest&, int64_t) {
    return Script{Send(
        Response(200, "application/json", OpenAIChatBody("1e999999", 9, 2)))};
  });
  auto m =
      Make(Spec("openai", server, {{"json_schema", {{"type", "number"}}}}));
  ASSERT_TRUE(m);
  auto a = m->Answer(Request("Say 1e999999"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->answer, "1e999999");
  EXPECT_EQ(a->schema_valid, 0);
}

// The default Issue() from several threads, one instance each (the contract):
// every request completes exactly once, on its issuing thread before Issue
// returns, and carries its own attempts.
TEST_F(PoisonTest, IssueCompletesEveryRequestOnceWithItsAttempts) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::mutex mu;
  std::map<std::string, int> hits;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    std::string prompt = PromptOf(json::parse(r.body));
    int n = std::stoi(prompt.substr(5));
    int k;
    {
      std::lock_guard<std::mutex> lock(mu);
      k = ++hits[prompt];
    }
    if (n % 5 == 0 && k == 1)
      return Script{Send(Response(503, "text/plain", "busy"))};
    return Script{Send(Response(200, "application/json",
                                OpenAIChatBody(EchoAnswer(prompt), 9, 2)))};
  });
  ModelSpec spec = Spec("openai", server);
  std::atomic<int> completions{0};
  std::atomic<int> attempts{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Model> m = Make(spec);
      if (!m) return;
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        bool returned = false;
        const auto issuer = std::this_thread::get_id();
        m->Issue(Request("Say a" + std::to_string(n)), [&](Completion c) {
          ++completions;
          attempts += static_cast<int>(c.attempts.size());
          size_t expected = n % 5 == 0 ? 2 : 1;
          if (returned || std::this_thread::get_id() != issuer ||
              !c.response.ok() ||
              c.response->answer != "a" + std::to_string(n) ||
              c.attempts.size() != expected ||
              c.attempts.back().http_status != 200)
            ++wrong;
        });
        returned = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  constexpr int kItems = kThreads * kPerThread;
  EXPECT_EQ(completions.load(), kItems);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(server.hits(), kItems + kItems / 5);
  EXPECT_EQ(attempts.load(), server.hits());
}

// A run over N items where some replies are poison: exactly those items are
// errors (bad_response, asked once), the others are answered and scored.
TEST_F(PoisonTest, RunFinishesWithExactlyThePoisonedItemsErrored) {
  constexpr int kItems = 60;
  const std::vector<std::string> poison = {
      R"({"error": {"message": 5}})",
      R"({"choices": [5]})",
      R"({"choices": [{"message": {"content": 5}}]})",
      R"({"choices": [{"message": {"content": "x"}}], "n": 1e999999})",
      R"({"error": {"message": "m", "detail": )" + Deep(1000000) + "}}",
  };
  auto poisoned = [](int n) { return n % 6 == 1; };
  FaultServer server([&](const ServerRequest& r, int64_t) {
    std::string prompt = PromptOf(json::parse(r.body));
    int n = std::stoi(prompt.substr(5));
    std::string body = OpenAIChatBody(EchoAnswer(prompt), 9, 2);
    if (poisoned(n)) {
      body = poison[(n / 6) % poison.size()];
    } else if (n % 6 == 2) {
      // Odd but answerable: usage of the wrong type is ignored.
      body = json{
          {"choices", {{{"message", {{"content", EchoAnswer(prompt)}}}}}},
          {"usage",
           "x"}}.dump();
    }
    return Script{Send(Response(200, "application/json", body))};
  });
  ProjectConfig project;
  project.path = (dir_ / "mmgate.yaml").string();
  project.base_dir = dir_.string();
  project.models["gpt"] = Spec("openai", server, {{"concurrency", 8}});
  project.suites.push_back(runner::testing::TextSuite(kItems));

  auto store = store::OpenStore((dir_ / "r.db").string());
  ASSERT_TRUE(store.ok());
  runner::RunOptions opt;
  opt.run_id = "poison";
  auto summary = runner::Run(project, "gpt", opt, store->get(), &clock_,
                             [this](const ModelSpec& s) {
                               return adapter::CreateRemoteModel(s, env_);
                             });
  ASSERT_TRUE(summary.ok()) << summary.status().message();

  int expected_errors = 0;
  for (int n = 0; n < kItems; ++n) expected_errors += poisoned(n) ? 1 : 0;
  EXPECT_EQ(summary->errors, expected_errors);
  EXPECT_EQ(summary->done, kItems);
  EXPECT_EQ(server.hits(), kItems) << "no poisoned reply is asked again";
  EXPECT_EQ(summary->attempts, kItems);
  auto results = (*store)->LoadResults("poison");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), static_cast<size_t>(kItems));
  for (const auto& r : *results) {
    ASSERT_TRUE(r.response) << r.item.item_id << " lost";
    int n = std::stoi(r.item.item_id.substr(1));
    if (poisoned(n)) {
      ASSERT_TRUE(r.response->error) << r.item.item_id;
      EXPECT_EQ(r.response->error_kind, "bad_response") << r.item.item_id;
    } else {
      ASSERT_FALSE(r.response->error)
          << r.item.item_id << ": " << *r.response->error;
      EXPECT_EQ(*r.response->answer, "a" + std::to_string(n));
      EXPECT_EQ(r.scores.at("exact").value, 1.0);
    }
  }
}

}  // namespace
}  // namespace mmgate::testing
