// Each adapter against a local server that speaks its provider's real wire
// format (a stand-in for OpenAI, Anthropic and Gemini on 127.0.0.1), through
// the real curl transport: request shape, answers, usage, streaming, and the
// faults a provider or its proxies produce.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "adapter/remote_models.h"
#include "common/base64.h"
#include "common/redact.h"
#include "fault_server.h"
#include "providers.h"
#include "remote/curl_transport.h"

namespace mmgate::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class WireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-wire-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ofstream(dir_ / "chart.png", std::ios::binary)
        << "\x89PNG\r\n\x1a\nfake";
    // 16 kHz mono 16-bit WAV with one second of silence.
    std::string wav = "RIFF____WAVEfmt ";
    auto u32 = [](uint32_t v) {
      return std::string{static_cast<char>(v), static_cast<char>(v >> 8),
                         static_cast<char>(v >> 16),
                         static_cast<char>(v >> 24)};
    };
    wav += u32(16) + std::string("\x01\x00\x01\x00", 4) + u32(16000) +
           u32(32000) + std::string("\x02\x00\x10\x00", 4) + "data" +
           u32(32000) + std::string(32000, '\0');
    std::ofstream(dir_ / "clip.wav", std::ios::binary) << wav;
    setenv("MMGATE_TEST_KEY", "sk-test-wire-0123456789", 1);
    env_.transport = remote::MakeCurlTransport();
    env_.clock = &clock_;
    env_.waiter = &waiter_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Model> Make(const std::string& provider, const FaultServer& s,
                              json params) {
    ModelSpec spec{"m", provider, std::move(params), dir_.string()};
    if (!spec.params.contains("base_url"))
      spec.params["base_url"] =
          s.base_url() + (provider == "openai"   ? "/v1"
                          : provider == "gemini" ? "/v1beta"
                                                 : "");
    if (!spec.params.contains("model")) spec.params["model"] = "stand-in-1";
    spec.params["api_key_env"] = "MMGATE_TEST_KEY";
    spec.params["backoff_base_ms"] = 10;
    spec.params["timeout_s"] = 0.5;
    auto m = adapter::CreateRemoteModel(spec, env_);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? std::move(*m) : nullptr;
  }

  ModelRequest Request(const std::string& prompt,
                       std::vector<std::string> media = {}) {
    ModelRequest r{"it-1", "image", prompt, {}};
    for (const std::string& f : media)
      r.media.push_back(
          {f == "clip.wav" ? "audio" : "image", f, (dir_ / f).string()});
    return r;
  }

  fs::path dir_;
  SystemClock clock_;
  remote::RecordingWaiter waiter_;
  ModelEnv env_;
};

TEST_F(WireTest, OpenAIChatSendsImagesAudioSchemaAndReadsUsage) {
  json seen;
  std::map<std::string, std::string> headers;
  std::string target;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    seen = json::parse(r.body);
    headers = r.headers;
    target = r.target;
    return Script{Send(Response(200, "application/json",
                                OpenAIChatBody("{\"value\": 41.5}", 812, 7)))};
  });
  json schema = {{"type", "object"},
                 {"properties", {{"value", {{"type", "number"}}}}},
                 {"required", {"value"}}};
  auto m = Make("openai", server,
                {{"parameters", {{"temperature", 0}}},
                 {"json_schema", schema},
                 {"system", "Answer briefly."}});
  auto a =
      m->Answer(Request("What is the 2023 value?", {"chart.png", "clip.wav"}));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->answer, "{\"value\": 41.5}");
  EXPECT_EQ(a->input_tokens, 812);
  EXPECT_EQ(a->output_tokens, 7);
  EXPECT_EQ(target, "/v1/chat/completions");
  EXPECT_EQ(headers["authorization"], "Bearer sk-test-wire-0123456789");
  EXPECT_EQ(seen["model"], "stand-in-1");
  EXPECT_EQ(seen["temperature"], 0);
  EXPECT_EQ(seen["messages"][0]["role"], "system");
  const json& content = seen["messages"][1]["content"];
  EXPECT_EQ(content[0]["text"], "What is the 2023 value?");
  EXPECT_EQ(content[1]["type"], "image_url");
  EXPECT_EQ(content[1]["image_url"]["url"].get<std::string>().substr(0, 32),
            "data:image/png;base64,iVBORw0KGg");
  EXPECT_EQ(content[2]["type"], "input_audio");
  EXPECT_EQ(content[2]["input_audio"]["format"], "wav");
  EXPECT_EQ(seen["response_format"]["type"], "json_schema");
  EXPECT_EQ(seen["response_format"]["json_schema"]["schema"], schema);
  auto attempts = m->TakeAttempts();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].http_status, 200);
  EXPECT_EQ(m->EstimateInputTokens(
                Request("What is the 2023 value?", {"chart.png", "clip.wav"})),
            4 + (23 + 15 + 3) / 4 + 765 + 10);
}

// Chat completions take WAV and MP3 only: raw PCM (the human recordings of
// pocketsphinx-testdata) is sent as a WAV of the same samples, never as raw
// bytes labelled "wav".
TEST_F(WireTest, OpenAIChatSendsRawPcmAsWavOfTheSameSamples) {
  std::string pcm;
  for (int i = 0; i < 1600; ++i) {
    int16_t v = static_cast<int16_t>((i * 37) % 2000 - 1000);
    pcm.push_back(static_cast<char>(v & 0xff));
    pcm.push_back(static_cast<char>((v >> 8) & 0xff));
  }
  std::ofstream(dir_ / "clip.raw", std::ios::binary) << pcm;
  json seen;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    seen = json::parse(r.body);
    return Script{
        Send(Response(200, "application/json", OpenAIChatBody("ok", 1, 1)))};
  });
  auto m = Make("openai", server, json::object());
  ModelRequest r{"it-raw", "audio", "Transcribe.", {}};
  r.media.push_back({"audio", "clip.raw", (dir_ / "clip.raw").string()});
  auto a = m->Answer(r);
  ASSERT_TRUE(a.ok()) << a.status().message();
  const json& audio = seen["messages"][0]["content"][1]["input_audio"];
  EXPECT_EQ(audio["format"], "wav");
  auto wav = Base64Decode(audio["data"].get<std::string>());
  ASSERT_TRUE(wav.ok()) << wav.status().message();
  ASSERT_EQ(wav->size(), 44 + pcm.size());
  EXPECT_EQ(wav->substr(0, 4), "RIFF");
  EXPECT_EQ(wav->substr(8, 4), "WAVE");
  EXPECT_EQ(wav->substr(44), pcm);
}

TEST_F(WireTest, OpenAIStreamSplitInsideUtf8CharactersGivesTheWholeAnswer) {
  const std::string answer =
      "caf\xC3\xA9 \xE2\x82\xAC"
      "41.5";
  FaultServer server([&](const ServerRequest& r, int64_t) {
    EXPECT_EQ(json::parse(r.body)["stream"], true);
    EXPECT_EQ(json::parse(r.body)["stream_options"]["include_usage"], true);
    std::string all;
    for (const std::string& e : OpenAIStreamEvents(answer, 12, 4)) all += e;
    // One byte per chunk, with pauses: every multi-byte character is split.
    Script s{Send(StreamHead("text/event-stream"))};
    for (size_t i = 0; i < all.size(); ++i) {
      s.push_back(Send(Chunk(all.substr(i, 1))));
      if (i % 97 == 0) s.push_back(Sleep(1));
    }
    s.push_back(Send(LastChunk()));
    return s;
  });
  auto m = Make("openai", server, {{"stream", true}});
  auto a = m->Answer(Request("Say it"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->answer, answer);
  EXPECT_EQ(a->input_tokens, 12);
  EXPECT_EQ(a->output_tokens, 4);
  EXPECT_GE(a->ttft_ms, 0);
}

TEST_F(WireTest, StreamCutMidwayIsRetriedNotTakenAsAnAnswer) {
  FaultServer server([&](const ServerRequest&, int64_t hit) {
    auto events = OpenAIStreamEvents("a long answer", 5, 3);
    if (hit == 1) {
      // Two events, then the connection closes without the final chunk.
      return Script{Send(StreamHead("text/event-stream")),
                    Send(Chunk(events[0])), Send(Chunk(events[1])), Close()};
    }
    if (hit == 2) {
      // A complete HTTP body, but the stream stops before its end marker.
      return StreamReply({events[0], events[1]});
    }
    return StreamReply(events);
  });
  auto m = Make("openai", server, {{"stream", true}});
  auto a = m->Answer(Request("Say it"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->answer, "a long answer");
  auto attempts = m->TakeAttempts();
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].error_kind, "truncated_body");
  EXPECT_EQ(attempts[1].error_kind, "truncated_stream");
  EXPECT_EQ(attempts[2].error_kind, "");
  EXPECT_EQ(server.hits(), 3);
}

TEST_F(WireTest, ServerIgnoringStreamAnswersWhole) {
  FaultServer server([&](const ServerRequest&, int64_t) {
    return Script{
        Send(Response(200, "application/json", OpenAIChatBody("whole", 5, 1)))};
  });
  auto m = Make("openai", server, {{"stream", true}});
  auto a = m->Answer(Request("Say whole"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->answer, "whole");
  EXPECT_EQ(server.hits(), 1);
}

TEST_F(WireTest, InBandStreamErrorIsAFailure) {
  FaultServer server([&](const ServerRequest&, int64_t) {
    auto events = OpenAIStreamEvents("partial", 5, 3);
    return StreamReply({events[0], events[1],
                        "data: {\"error\": {\"message\": \"The server had an "
                        "error while processing your request\", \"type\": "
                        "\"server_error\"}}\n\n"});
  });
  auto m = Make("openai", server, {{"stream", true}, {"max_attempts", 3}});
  auto a = m->Answer(Request("Say it"));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("stream_error"), std::string::npos)
      << a.status().message();
  auto attempts = m->TakeAttempts();
  ASSERT_EQ(attempts.size(), 3u);
  for (const auto& at : attempts) EXPECT_EQ(at.error_kind, "stream_error");
  EXPECT_EQ(server.hits(), 3);
}

TEST_F(WireTest, OpenAITranscriptionsUploadsTheAudioAsMultipart) {
  ServerRequest seen;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    seen = r;
    return Script{Send(Response(
        200, "application/json",
        R"({"text": "go forward ten meters", "usage": {"type": "tokens", "input_tokens": 30, "output_tokens": 6}})"))};
  });
  auto m = Make(
      "openai", server,
      {{"endpoint", "transcriptions"}, {"parameters", {{"language", "en"}}}});
  auto a = m->Answer(Request("Transcribe", {"clip.wav"}));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->answer, "go forward ten meters");
  EXPECT_EQ(a->input_tokens, 30);
  EXPECT_EQ(seen.target, "/v1/audio/transcriptions");
  EXPECT_EQ(
      seen.headers["content-type"].rfind("multipart/form-data; boundary=", 0),
      0u);
  EXPECT_NE(seen.body.find("name=\"model\"\r\n\r\nstand-in-1\r\n"),
            std::string::npos);
  EXPECT_NE(seen.body.find("name=\"language\"\r\n\r\nen\r\n"),
            std::string::npos);
  EXPECT_NE(seen.body.find("filename=\"clip.wav\"\r\nContent-Type: audio/wav"),
            std::string::npos);
  EXPECT_GT(seen.body.size(), 32044u);
}

TEST_F(WireTest, AnthropicMessagesWithImageBlocksWholeAndStreamed) {
  std::vector<ServerRequest> seen;
  std::mutex mu;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(r);
    json body = json::parse(r.body);
    std::string answer = EchoAnswer(PromptOf(body));
    if (body.value("stream", false))
      return StreamReply(AnthropicStreamEvents(answer, 1500, 3));
    return Script{Send(
        Response(200, "application/json", AnthropicBody(answer, 1500, 3)))};
  });
  for (bool stream : {false, true}) {
    auto m = Make("anthropic", server,
                  {{"stream", stream}, {"system", "Be brief."}});
    auto a = m->Answer(Request("Say a7", {"chart.png"}));
    ASSERT_TRUE(a.ok()) << a.status().message();
    EXPECT_EQ(a->answer, "a7");
    EXPECT_EQ(a->input_tokens, 1500);
    EXPECT_EQ(a->output_tokens, 3);
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/v1/messages");
  EXPECT_EQ(seen[0].headers["x-api-key"], "sk-test-wire-0123456789");
  EXPECT_EQ(seen[0].headers["anthropic-version"], "2023-06-01");
  json body = json::parse(seen[0].body);
  EXPECT_EQ(body["max_tokens"], 1024);
  EXPECT_EQ(body["system"], "Be brief.");
  const json& block = body["messages"][0]["content"][0];
  EXPECT_EQ(block["type"], "image");
  EXPECT_EQ(block["source"]["type"], "base64");
  EXPECT_EQ(block["source"]["media_type"], "image/png");
  EXPECT_EQ(body["messages"][0]["content"][1]["text"], "Say a7");
}

TEST_F(WireTest, AnthropicOverloadedErrorEventIsRetried) {
  FaultServer server([&](const ServerRequest&, int64_t hit) {
    if (hit == 1)
      return StreamReply(
          {"event: error\ndata: {\"type\": \"error\", \"error\": "
           "{\"type\": \"overloaded_error\", \"message\": "
           "\"Overloaded\"}}\n\n"});
    return StreamReply(AnthropicStreamEvents("fine", 3, 1));
  });
  auto m = Make("anthropic", server, {{"stream", true}});
  auto a = m->Answer(Request("Say fine"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  auto attempts = m->TakeAttempts();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].error_kind, "stream_error");
  EXPECT_NE(attempts[0].error.find("overloaded_error"), std::string::npos);
}

TEST_F(WireTest, GeminiGenerateContentWithInlineDataWholeAndStreamed) {
  std::vector<ServerRequest> seen;
  std::mutex mu;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(r);
    std::string answer = EchoAnswer(PromptOf(json::parse(r.body)));
    if (r.target.find(":streamGenerateContent?alt=sse") != std::string::npos) {
      json first = {
          {"candidates",
           {{{"content", {{"parts", {{{"text", answer.substr(0, 1)}}}}}}}}}};
      json last = json::parse(GeminiBody(answer.substr(1), 258, 2));
      return StreamReply({"data: " + first.dump() + "\r\n\r\n",
                          "data: " + last.dump() + "\r\n\r\n"});
    }
    return Script{
        Send(Response(200, "application/json", GeminiBody(answer, 258, 2)))};
  });
  json schema = {{"type", "OBJECT"},
                 {"properties", {{"v", {{"type", "STRING"}}}}}};
  for (bool stream : {false, true}) {
    auto m = Make("gemini", server,
                  {{"stream", stream},
                   {"model", "gemini-x"},
                   {"json_schema", schema},
                   {"parameters", {{"temperature", 0}}}});
    auto a = m->Answer(Request("Say a9", {"chart.png", "clip.wav"}));
    ASSERT_TRUE(a.ok()) << a.status().message();
    EXPECT_EQ(a->answer, "a9");
    EXPECT_EQ(a->input_tokens, 258);
    EXPECT_EQ(a->output_tokens, 2);
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/v1beta/models/gemini-x:generateContent");
  EXPECT_EQ(seen[1].target,
            "/v1beta/models/gemini-x:streamGenerateContent?alt=sse");
  EXPECT_EQ(seen[0].headers["x-goog-api-key"], "sk-test-wire-0123456789");
  json body = json::parse(seen[0].body);
  const json& parts = body["contents"][0]["parts"];
  EXPECT_EQ(parts[0]["text"], "Say a9");
  EXPECT_EQ(parts[1]["inline_data"]["mime_type"], "image/png");
  EXPECT_EQ(parts[2]["inline_data"]["mime_type"], "audio/wav");
  EXPECT_EQ(body["generationConfig"]["temperature"], 0);
  EXPECT_EQ(body["generationConfig"]["responseMimeType"], "application/json");
  EXPECT_EQ(body["generationConfig"]["responseSchema"], schema);
}

TEST_F(WireTest, FaultsAreRetriedOrNotAsTheyShouldBe) {
  struct Case {
    std::string name;
    Script first;      // the first reply; later ones answer properly
    int attempts;      // expected attempts
    std::string kind;  // the first attempt's error kind
    int64_t wait_ms;   // the recorded wait before the second attempt (-1: any)
  };
  const std::string ok = OpenAIChatBody("a1", 5, 1);
  std::vector<Case> cases = {
      {"429 Retry-After seconds",
       {Send(Response(
           429, "application/json",
           R"({"error": {"message": "Rate limit reached", "type": "requests"}})",
           {"Retry-After: 3"}))},
       2,
       "rate_limited",
       3000},
      {"429 reset header",
       {Send(Response(429, "application/json", "{}",
                      {"x-ratelimit-reset-requests: 1.5s"}))},
       2,
       "rate_limited",
       1500},
      {"500",
       {Send(Response(500, "application/json",
                      R"({"error": {"message": "boom"}})"))},
       2,
       "server_error",
       -1},
      {"503 HTML page",
       {Send(Response(503, "text/html",
                      "<html><body><h1>503 Service Temporarily "
                      "Unavailable</h1></body></html>"))},
       2,
       "server_error",
       -1},
      {"connection reset", {Reset()}, 2, "connection_reset", -1},
      {"stall before headers", {Sleep(2000)}, 2, "timeout", -1},
      {"stall mid-body",
       {Send("HTTP/1.1 200 OK\r\nContent-Type: "
             "application/json\r\nContent-Length: " +
             std::to_string(ok.size()) + "\r\n\r\n" + ok.substr(0, 20)),
        Sleep(2000)},
       2,
       "timeout",
       -1},
      {"body cut short",
       {Send("HTTP/1.1 200 OK\r\nContent-Type: "
             "application/json\r\nContent-Length: " +
             std::to_string(ok.size()) + "\r\n\r\n" + ok.substr(0, 20)),
        Close()},
       2,
       "truncated_body",
       -1},
      {"400 never retried",
       {Send(Response(
           400, "application/json",
           R"({"error": {"message": "Invalid image", "type": "invalid_request_error"}})"))},
       1,
       "client_error",
       -1},
      {"401 never retried",
       {Send(Response(401, "application/json",
                      R"({"error": {"message": "Incorrect API key"}})"))},
       1,
       "auth_error",
       -1},
      {"truncated JSON with a complete length",
       {Send(Response(200, "application/json", ok.substr(0, ok.size() / 2)))},
       1,
       "bad_response",
       -1},
      {"HTML page with 200",
       {Send(Response(200, "text/html",
                      "<!DOCTYPE html><html><title>Login</title>"))},
       1,
       "bad_response",
       -1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FaultServer server([&](const ServerRequest&, int64_t hit) {
      if (hit == 1) return c.first;
      return Script{Send(Response(200, "application/json", ok))};
    });
    remote::RecordingWaiter waiter;
    env_.waiter = &waiter;
    auto m = Make("openai", server, {});
    auto a = m->Answer(Request("Say a1"));
    auto attempts = m->TakeAttempts();
    ASSERT_EQ(static_cast<int>(attempts.size()), c.attempts);
    EXPECT_EQ(server.hits(), c.attempts);
    EXPECT_EQ(attempts[0].error_kind, c.kind) << attempts[0].error;
    if (c.attempts == 1) {
      ASSERT_FALSE(a.ok());
      EXPECT_NE(a.status().message().find(c.kind), std::string::npos);
      if (c.kind == "bad_response") {
        EXPECT_NE(a.status().message().find("unparsable response body: "),
                  std::string::npos)
            << a.status().message();
      }
    } else {
      ASSERT_TRUE(a.ok()) << a.status().message();
      EXPECT_EQ(a->answer, "a1");
      ASSERT_EQ(waiter.waits().size(), 1u);
      if (c.wait_ms >= 0) {
        EXPECT_EQ(waiter.waits()[0].count(), c.wait_ms);
      }
      EXPECT_EQ(attempts[1].wait_ms,
                static_cast<double>(waiter.waits()[0].count()));
    }
    if (c.name == "503 HTML page") {
      EXPECT_NE(attempts[0].error.find("503 Service Temporarily Unavailable"),
                std::string::npos);
    }
  }
}

// A first batch over cleartext HTTP/1.1 must not queue behind the first
// connection to learn whether it multiplexes: each request takes its own
// connection at once. Before the fix the other seven waited for the first
// answer and timed out behind it (the 10,000-item run's lost attempts).
TEST_F(WireTest, CleartextRequestsDoNotWaitBehindASlowFirstAnswer) {
  FaultServer server([&](const ServerRequest&, int64_t) {
    return Script{Sleep(600), Send(Response(200, "text/plain", "ok"))};
  });
  auto transport = remote::MakeCurlTransport();
  constexpr int kRequests = 8;
  std::vector<remote::HttpResponse> out(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i)
    threads.emplace_back([&, i] {
      remote::HttpRequest r;
      r.method = "GET";
      r.url = server.base_url() + "/";
      r.timeout = std::chrono::milliseconds(1000);
      out[i] = transport->Send(r);
    });
  for (auto& t : threads) t.join();
  for (const auto& o : out) {
    EXPECT_EQ(o.error, remote::TransportError::kNone) << o.error_message;
    EXPECT_EQ(o.body, "ok");
  }
  EXPECT_EQ(server.hits(), kRequests);
}

TEST_F(WireTest, RetryAfterHttpDateAndGivingUpAtTheDeadline) {
  FaultServer server([&](const ServerRequest&, int64_t) {
    return Script{
        Send(Response(503, "text/plain", "busy",
                      {"Retry-After: Wed, 21 Oct 2099 07:28:00 GMT"}))};
  });
  auto m = Make("openai", server, {{"deadline_s", 60}});
  auto a = m->Answer(Request("Say a1"));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("deadline"), std::string::npos)
      << a.status().message();
  EXPECT_EQ(server.hits(), 1) << "a wait past the deadline is not taken";
  EXPECT_TRUE(waiter_.waits().empty());
}

TEST_F(WireTest, KeyNeverInErrorsAndMissingKeyVariableIsAConfigError) {
  FaultServer server([&](const ServerRequest& r, int64_t) {
    // A badly behaved proxy that echoes the request headers in its error.
    std::string echo;
    for (const auto& [k, v] : r.headers) echo += k + ": " + v + "\n";
    return Script{Send(Response(401, "text/plain", "denied\n" + echo))};
  });
  auto m = Make("openai", server, {});
  auto a = m->Answer(Request("Say a1"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message().find("sk-test-wire-0123456789"),
            std::string::npos)
      << a.status().message();
  for (const auto& at : m->TakeAttempts())
    EXPECT_EQ(at.error.find("sk-test-wire-0123456789"), std::string::npos);

  ModelSpec spec{"m",
                 "openai",
                 {{"model", "x"}, {"api_key_env", "MMGATE_UNSET_VAR_X"}},
                 ""};
  unsetenv("MMGATE_UNSET_VAR_X");
  auto bad = adapter::CreateRemoteModel(spec, env_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("MMGATE_UNSET_VAR_X"),
            std::string::npos);
}

}  // namespace
}  // namespace mmgate::testing
