// The HTTP sender against a stand-in OpenAI endpoint on 127.0.0.1
// (tests/remote/fault_server.h): streamed answers are timed per content
// event; an in-band error event, a cut stream and an error status are
// errors with their kind, never successes.
#include "load/http_sender.h"

#include <gtest/gtest.h>

#include <future>

#include "fault_server.h"
#include "fixtures.h"
#include "providers.h"
#include "remote/curl_transport.h"

namespace mmgate::load {
namespace {

using namespace mmgate::testing;

std::string Event(const std::string& json) { return "data: " + json + "\n\n"; }
std::string Delta(const std::string& text) {
  return Event(
      R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":")" +
      text + R"("},"finish_reason":null}]})");
}

Outcome SendOnce(FaultServer::Handler handler, bool stream = true) {
  FaultServer server(std::move(handler));
  SystemClock clock;
  load::testing::ChatRequest chat(server.base_url(), stream);
  HttpSender sender({chat.request}, std::move(chat.format), chat.wire,
                    {remote::MakeCurlTransport()}, &clock, {true});
  std::promise<Outcome> got;
  int64_t start = clock.Monotonic().count();
  sender.Start(0, [&](Outcome o) { got.set_value(std::move(o)); });
  Outcome o = got.get_future().get();
  // Times relative to the send, as the driver records them.
  if (o.first_token_ns >= 0) o.first_token_ns -= start;
  for (int64_t& t : o.token_ns) t -= start;
  o.end_ns -= start;
  return o;
}

TEST(HttpSender, TimesEveryStreamedToken) {
  Outcome o = SendOnce([](const ServerRequest&, int64_t) {
    return Script{
        Send(StreamHead("text/event-stream")),
        Sleep(150),
        Send(Chunk(Delta("Hel"))),
        Sleep(60),
        Send(Chunk(Delta("lo"))),
        Sleep(60),
        Send(Chunk(Event(
            R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}})"))),
        Send(Chunk(Event("[DONE]"))),
        Send(LastChunk())};
  });
  EXPECT_TRUE(o.error_kind.empty()) << o.error;
  EXPECT_EQ(o.answer, "Hello");
  EXPECT_EQ(o.output_tokens, 2);
  ASSERT_EQ(o.token_ns.size(), 2u);
  EXPECT_GE(o.first_token_ns, 150'000'000);
  // The server waits 60 ms between events; a late first delivery on a busy
  // machine can shorten the gap seen, never remove it.
  EXPECT_GE(o.token_ns[1] - o.token_ns[0], 30'000'000);
  EXPECT_GE(o.end_ns - o.token_ns[0], 100'000'000);
}

TEST(HttpSender, AnInBandErrorEventIsAnError) {
  Outcome o = SendOnce([](const ServerRequest&, int64_t) {
    return StreamReply({Delta("partial"),
                        Event(R"({"error":{"message":"overloaded"}})"),
                        Event("[DONE]")});
  });
  EXPECT_EQ(o.error_kind, "stream_error");
  EXPECT_NE(o.error.find("overloaded"), std::string::npos);
  EXPECT_EQ(o.http_status, 200);
}

TEST(HttpSender, ACutStreamIsTruncated) {
  Outcome o = SendOnce([](const ServerRequest&, int64_t) {
    return StreamReply({Delta("half an ans")});
  });
  EXPECT_EQ(o.error_kind, "truncated_stream");
}

TEST(HttpSender, ErrorStatusesAndWholeAnswers) {
  Outcome busy = SendOnce([](const ServerRequest&, int64_t) {
    return Script{Send(
        Response(503, "application/json", R"({"error":{"message":"busy"}})"))};
  });
  EXPECT_EQ(busy.error_kind, "server_error");
  EXPECT_EQ(busy.http_status, 503);
  Outcome whole = SendOnce(
      [](const ServerRequest&, int64_t) {
        return Script{Send(Response(200, "application/json",
                                    OpenAIChatBody("forty-two", 5, 2)))};
      },
      false);
  EXPECT_TRUE(whole.error_kind.empty()) << whole.error;
  EXPECT_EQ(whole.answer, "forty-two");
  EXPECT_EQ(whole.first_token_ns, -1);
  Outcome bad = SendOnce(
      [](const ServerRequest&, int64_t) {
        return Script{Send(Response(200, "application/json", "{nope"))};
      },
      false);
  EXPECT_EQ(bad.error_kind, "bad_response");
}

}  // namespace
}  // namespace mmgate::load
