// Coordinated omission against a real local server: a stand-in OpenAI
// endpoint on 127.0.0.1 (tests/remote/fault_server.h, speaking the real wire
// format) answers at once except one request, which it holds for 1 s. The
// client sends 100 req/s with at most one request in flight (the case where
// a naive client hides the stall) and drains its backlog at twice the target
// rate: latency measured from the schedule must match the figure computed
// from the schedule alone, while latency measured from the send shows what a
// naive client would report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fault_server.h"
#include "fixtures.h"
#include "load/asio_driver.h"
#include "load/driver.h"
#include "load/http_sender.h"
#include "load/summary.h"
#include "providers.h"
#include "remote/curl_transport.h"

namespace mmgate::load {
namespace {

using namespace mmgate::testing;
using testing::ChatRequest;
using testing::ScheduleOf;

constexpr int64_t kMs = 1'000'000;

// Latency from the schedule when request k is held `stall` and every other
// answer is instant, under the driver's rule: a held request goes out when
// the slot frees, the next ones no faster than `catch_up` x the target rate.
std::vector<int64_t> Analytic(const Schedule& s, size_t k, int64_t stall,
                              double catch_up) {
  std::vector<int64_t> lat;
  int64_t free_at = 0, prev = 0;
  bool held = false;
  for (size_t i = 0; i < s.arrivals.size(); ++i) {
    const Arrival& a = s.arrivals[i];
    const auto gap = static_cast<int64_t>(a.min_gap_ns / catch_up);
    int64_t release = a.t_ns;
    if (held) release = std::max(release, prev + gap);
    if (free_at > release) release = std::max(free_at, prev + gap);
    held = release > a.t_ns;
    prev = release;
    free_at = release + (i == k ? stall : 0);
    lat.push_back(free_at - a.t_ns);
  }
  std::sort(lat.begin(), lat.end());
  return lat;
}

constexpr size_t kStalled = 200;  // scheduled at 2.0 s

// The stand-in that holds request kStalled for 1 s and answers every other at
// once, 4 s of 100 req/s, and the request both clients send.
class CoordinatedOmission : public ::testing::Test {
 protected:
  CoordinatedOmission()
      : server_([](const ServerRequest&, int64_t hit) {
          std::string ok =
              Response(200, "application/json", OpenAIChatBody("fine", 3, 1));
          if (hit == kStalled + 1) return Script{Sleep(1000), Send(ok)};
          return Script{Send(ok)};
        }) {}

  void SetUp() override {
    schedule_ = ScheduleOf("constant:rate=100", 4);
    ChatRequest chat(server_.base_url());
    wire_ = chat.wire;
    request_ = chat.request;
    request_.timeout = std::chrono::seconds(10);
  }

  // The run's figures, with the schedule-relative P99 checked against the
  // one computed from the schedule alone, and the naive (send-relative) one
  // against what a client that hides the stall would report.
  Summary ExpectScheduleRelativeP99(const RunResult& run, double catch_up) {
    Summary s = Summarize(schedule_, run, {});
    EXPECT_EQ(s.ok, 400) << ToText(s);
    std::vector<int64_t> exact =
        Analytic(schedule_, kStalled, 1000 * kMs, catch_up);
    double analytic_p99 =
        exact[static_cast<size_t>(std::ceil(0.99 * exact.size())) - 1] / 1e6;
    EXPECT_NEAR(s.latency.p99_ms, analytic_p99, 0.05 * analytic_p99)
        << ToText(s);
    RecordProperty("analytic_p99_ms", std::to_string(analytic_p99));
    RecordProperty("schedule_p99_ms", std::to_string(s.latency.p99_ms));
    RecordProperty("send_p99_ms", std::to_string(s.latency_send.p99_ms));
    // The naive figure: only the one stalled request looks slow.
    EXPECT_LT(s.latency_send.p99_ms, 50) << ToText(s);
    EXPECT_GE(s.latency_send.max_ms, 1000);
    return s;
  }

  FaultServer server_;
  Schedule schedule_;
  remote::WireConfig wire_;
  remote::HttpRequest request_;
  SystemClock clock_;
};

TEST_F(CoordinatedOmission, ScheduleRelativeP99MatchesTheAnalyticValue) {
  HttpSender sender({request_}, remote::MakeOpenAIWire(), wire_,
                    {remote::MakeCurlTransport()}, &clock_);
  RealSleeper sleeper;
  DriverOptions opt;
  opt.max_in_flight = 1;
  opt.catch_up = 2;
  Driver driver(&clock_, &sleeper, &sender, opt);
  RunResult run = driver.Run(
      schedule_, [](int64_t, const std::string&) { return size_t{0}; });
  ExpectScheduleRelativeP99(run, 2);
  // The requests held behind it were paced at twice the target rate, never
  // sent in a burst: planned 5 ms apart; no 100 ms holds more than 20 sends
  // (a loaded machine's timer lag shifts a few sends; a burst would release
  // the whole backlog of about a hundred at once).
  std::vector<int64_t> planned, sent;
  for (const RequestRecord& r : run.records) {
    planned.push_back(r.planned_ns);
    sent.push_back(r.sent_ns);
  }
  std::sort(sent.begin(), sent.end());
  for (size_t i = kStalled + 2; i < planned.size(); ++i)
    EXPECT_GE(planned[i] - planned[i - 1], 5 * kMs) << i;
  for (size_t i = 0, j = 0; i < sent.size(); ++i) {
    while (sent[i] - sent[j] >= 100 * kMs) ++j;
    EXPECT_LE(i - j + 1, 26u) << "100 ms ending at send " << i;
  }
}

// The event-loop client with one connection: requests due during the stall
// wait for it in the loop and go out as it frees (its own limit, not a cap:
// at once, no pacing), so the analytic figure is the one above with no gap.
TEST_F(CoordinatedOmission, EventLoopClientCountsTheWaitForItsConnection) {
  auto target = MakeAsioTarget({request_});
  ASSERT_TRUE(target.ok());
  AsioOptions opt;
  opt.connections = 1;
  AsioDriver driver(&clock_, *target, remote::MakeOpenAIWire(), wire_, opt);
  RunResult run = driver.Run(
      schedule_, [](int64_t, const std::string&) { return size_t{0}; });
  ExpectScheduleRelativeP99(run, 1e9);
}

}  // namespace
}  // namespace mmgate::load
