// Unit tests of the remote box's pieces: redaction, retry hints, backoff,
// server-sent events split anywhere, rate-limit pacing.
#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/redact.h"
#include "remote/limiter.h"
#include "remote/retry.h"
#include "remote/sse.h"
#include "remote/wire.h"

namespace mmgate::remote {
namespace {

TEST(Redact, HeadersQueryParamsBearerAndRegisteredKeys) {
  EXPECT_EQ(Redact("Authorization: Bearer sk-abc123\r\nx: y"),
            "Authorization: [REDACTED]\r\nx: y");
  EXPECT_EQ(Redact("x-api-key: sk-ant-1234567"), "x-api-key: [REDACTED]");
  EXPECT_EQ(Redact("x-goog-api-key: AIzaSy0000"), "x-goog-api-key: [REDACTED]");
  EXPECT_EQ(Redact("GET /v1beta/models/m:generateContent?key=AIzaXYZ&alt=sse"),
            "GET /v1beta/models/m:generateContent?key=[REDACTED]&alt=sse");
  EXPECT_EQ(Redact(R"({"api_key": "abc.def"})"),
            R"({"api_key": "[REDACTED]"})");
  EXPECT_EQ(Redact("curl -H 'authorization: bearer tok_1'"),
            "curl -H 'authorization: [REDACTED]'");
  EXPECT_EQ(Redact("sent Bearer abcdef to host"),
            "sent Bearer [REDACTED] to host");
  // Ordinary words that merely contain a name are left alone.
  EXPECT_EQ(Redact("monkey=3 output_tokens: 5 keyboard"),
            "monkey=3 output_tokens: 5 keyboard");
  RegisterSecret("canary-secret-value-42");
  EXPECT_EQ(Redact("echo: xcanary-secret-value-42y"), "echo: x[REDACTED]y");
  RegisterSecret("short");  // too short to register
  EXPECT_EQ(Redact("short"), "short");
}

TEST(Retry, StatusClassification) {
  for (int s : {408, 429, 500, 502, 503, 504, 529})
    EXPECT_TRUE(RetryableStatus(s)) << s;
  for (int s : {400, 401, 403, 404, 422}) EXPECT_FALSE(RetryableStatus(s)) << s;
  HttpResponse r;
  r.status = 401;
  EXPECT_EQ(ErrorKindFor(r), "auth_error");
  r.status = 429;
  EXPECT_EQ(ErrorKindFor(r), "rate_limited");
  r.error = TransportError::kReset;
  EXPECT_EQ(ErrorKindFor(r), "connection_reset");
}

TEST(Retry, ServerWaitHonoursEveryHint) {
  HttpResponse r;
  r.status = 429;
  r.headers = {{"retry-after", "7"}};
  EXPECT_EQ(ServerWait(r, 0), Millis(7000));
  // An HTTP-date, relative to the injected wall clock.
  r.headers = {{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"}};
  EXPECT_EQ(ServerWait(r, 784111777000 - 3000), Millis(3000));
  EXPECT_EQ(ServerWait(r, 784111777000 + 5000), Millis(0));
  r.headers = {{"retry-after-ms", "250"}, {"retry-after", "9"}};
  EXPECT_EQ(ServerWait(r, 0), Millis(250));
  r.headers = {{"x-ratelimit-reset-requests", "1s"},
               {"x-ratelimit-reset-tokens", "6m0s"}};
  EXPECT_EQ(ServerWait(r, 0), Millis(360000));
  r.status = 503;  // reset hints describe rate limits, not outages
  EXPECT_EQ(ServerWait(r, 0), std::nullopt);
  EXPECT_EQ(ParseDuration("1m30.5s"), Millis(90500));
  EXPECT_EQ(ParseDuration("20ms"), Millis(20));
  EXPECT_EQ(ParseDuration("soon"), std::nullopt);
}

TEST(Retry, FullJitterStaysUnderTheDoublingCeiling) {
  RetryPolicy p;
  p.base = Millis(100);
  p.cap = Millis(1000);
  std::mt19937_64 rng(7);
  for (int failures = 1; failures <= 8; ++failures) {
    int64_t ceiling = std::min<int64_t>(1000, 100 << (failures - 1));
    int64_t most = 0;
    for (int i = 0; i < 200; ++i) {
      Millis b = Backoff(failures, p, &rng);
      ASSERT_GE(b.count(), 0);
      ASSERT_LE(b.count(), ceiling);
      most = std::max(most, b.count());
    }
    EXPECT_GT(most, ceiling / 2) << "jitter spans the range";
  }
  std::mt19937_64 a(3), b(3);
  EXPECT_EQ(Backoff(4, p, &a), Backoff(4, p, &b)) << "seeded: reproducible";
}

TEST(Sse, EventsSplitAtEveryByteIncludingInsideUtf8) {
  const std::string stream =
      "event: a\ndata: {\"t\":\"h\xC3\xA9llo \xE2\x82\xAC\"}\n\n: "
      "keep-alive\n\n"
      "data: line1\r\ndata: line2\r\n\r\ndata: [DONE]\n\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    std::vector<SseEvent> got;
    SseParser p([&](const SseEvent& e) {
      got.push_back(e);
      return true;
    });
    p.Feed(stream.substr(0, cut));
    p.Feed(stream.substr(cut));
    ASSERT_EQ(got.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(got[0].event, "a");
    EXPECT_EQ(got[0].data, "{\"t\":\"h\xC3\xA9llo \xE2\x82\xAC\"}");
    EXPECT_EQ(got[1].data, "line1\nline2");
    EXPECT_EQ(got[2].data, "[DONE]");
    EXPECT_FALSE(p.HasPartial());
  }
  SseParser cut([](const SseEvent&) { return true; });
  cut.Feed("data: {\"choices\":[{\"delta\":{\"content\":\"a");
  EXPECT_TRUE(cut.HasPartial()) << "a stream ending here was cut mid-event";
}

// A clock the tests move by hand.
class ManualClock final : public Clock {
 public:
  std::chrono::nanoseconds Monotonic() override { return now; }
  int64_t WallMillis() override {
    return 1'700'000'000'000 +
           std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  }
  std::chrono::nanoseconds now{0};
};

TEST(Limiter, PacesRequestsAndTokensPerMinute) {
  ManualClock clock;
  RecordingWaiter waiter;
  Limiter requests({4, 120, 0}, &clock);  // one every 500 ms
  Millis waited;
  for (int i = 0; i < 4; ++i) {
    auto slot = requests.Acquire(10, &waiter, &waited);
    EXPECT_EQ(waited, Millis(500 * i));
  }
  clock.now += std::chrono::seconds(10);  // idle time is not banked
  {
    auto slot = requests.Acquire(10, &waiter, &waited);
    EXPECT_EQ(waited, Millis(0));
  }
  Limiter tokens({4, 0, 6000}, &clock);  // 100 tokens per second
  {
    auto slot = tokens.Acquire(300, &waiter, &waited);
    EXPECT_EQ(waited, Millis(0));
  }
  {
    auto slot = tokens.Acquire(100, &waiter, &waited);
    EXPECT_EQ(waited, Millis(3000)) << "waits for the first 300 tokens";
  }
}

TEST(WireUtil, PreviewIsShortOneLineAndKeepsUtf8Whole) {
  std::string body = "<html>\n<head><title>502 Bad Gateway</title></head>\n" +
                     std::string(300, 'x');
  std::string p = Preview(body);
  EXPECT_EQ(p.rfind("<html> <head><title>502 Bad Gateway</title></head>", 0),
            0u);
  EXPECT_LE(p.size(), 170u);
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\xE2\x82\xAC";
  std::string cut = Preview(euros);
  EXPECT_EQ((cut.size() - 3) % 3, 0u) << "no euro sign cut in half";
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
}

}  // namespace
}  // namespace mmgate::remote
