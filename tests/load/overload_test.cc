// A rate far above what the client can send, against a real local server: a
// stand-in OpenAI endpoint on 127.0.0.1 (tests/remote/fault_server.h,
// speaking the real wire format) that takes 50 ms per answer, reached over 4
// connections (at most 80 req/s), offered 2000 req/s for 1.5 s. Such a run
// once queued every request inside libcurl, grew without bound and took
// minutes to tear down; now it must end soon after its duration (sender and
// transport torn down included), never have more than its connections'
// worth in flight, and account for every scheduled request exactly: sent
// (all answered) or not sent in time.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "fault_server.h"
#include "fixtures.h"
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

TEST(Overload, EndsOnTimeAndCountsWhatItCouldNotSend) {
  FaultServer server([](const ServerRequest&, int64_t) {
    return Script{Sleep(50), Send(Response(200, "application/json",
                                           OpenAIChatBody("fine", 3, 1)))};
  });
  Schedule schedule = ScheduleOf("constant:rate=2000", 1.5);

  SystemClock clock;
  auto began = std::chrono::steady_clock::now();
  Summary s;
  {
    ChatRequest chat(server.base_url());
    chat.request.timeout = std::chrono::seconds(30);
    remote::CurlOptions curl;
    curl.max_host_connections = curl.max_total_connections = 4;
    HttpSender sender({chat.request}, std::move(chat.format), chat.wire,
                      {remote::MakeCurlTransport(curl)}, &clock);
    RealSleeper sleeper;
    DriverOptions opt;
    opt.client_window = 4;
    opt.max_lag = std::chrono::milliseconds(200);
    Driver driver(&clock, &sleeper, &sender, opt);
    RunResult run = driver.Run(
        schedule, [](int64_t, const std::string&) { return size_t{0}; });
    s = Summarize(schedule, run, {});
  }
  double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began)
          .count();
  // 1.5 s of schedule, 0.2 s of max lag, one 50 ms answer to drain; the rest
  // is room for a loaded machine. The runaway took minutes.
  EXPECT_LT(took, 6) << ToText(s);
  EXPECT_EQ(s.scheduled, 3000);
  EXPECT_EQ(s.sent + s.late, s.scheduled) << ToText(s);
  EXPECT_EQ(s.ok, s.sent) << ToText(s);
  EXPECT_EQ(s.errors + s.abandoned + s.not_sent, 0) << ToText(s);
  EXPECT_EQ(s.latency.n, s.ok);
  EXPECT_GT(s.late, 2500) << ToText(s);
  EXPECT_LE(s.lag.max_ms, 200 * (1 + s.histogram_relative_error) + 1);
  EXPECT_LE(server.connections(), 4);
}

// A closed loop over two event loops holds exactly its level in flight,
// never more, and every request it sent is answered and counted once.
TEST(ClosedLoop, CompletionsKeepExactlyTheLevelInFlight) {
  FaultServer server([](const ServerRequest&, int64_t) {
    return Script{Sleep(20), Send(Response(200, "application/json",
                                           OpenAIChatBody("fine", 3, 1)))};
  });
  Schedule schedule = ScheduleOf("sweep:levels=2/6,each=0.6", 1.2);
  SystemClock clock;
  RunResult run;
  {
    ChatRequest chat(server.base_url());
    HttpSender sender(
        {chat.request}, std::move(chat.format), chat.wire,
        {remote::MakeCurlTransport(), remote::MakeCurlTransport()}, &clock);
    RealSleeper sleeper;
    Driver driver(&clock, &sleeper, &sender, {});
    run = driver.Run(schedule,
                     [](int64_t, const std::string&) { return size_t{0}; });
  }
  Summary s = Summarize(schedule, run, {});
  EXPECT_EQ(s.ok, s.sent) << ToText(s);
  EXPECT_EQ(server.hits(), s.sent);
  ASSERT_EQ(s.stages.size(), 2u);
  EXPECT_GT(s.stages[0].ok, 20) << ToText(s);
  EXPECT_GT(s.stages[1].ok, s.stages[0].ok) << ToText(s);
  for (int stage = 0; stage < 2; ++stage) {
    const int level = stage == 0 ? 2 : 6;
    const int64_t stage_start = schedule.stages[stage].start_ns;
    std::vector<std::pair<int64_t, int>> edges;
    for (const RequestRecord& r : run.records) {
      if (r.stage != stage && !(stage == 1 && r.stage == 0)) continue;
      if (r.stage == 0 && stage == 1 && r.outcome.end_ns < stage_start)
        continue;  // stage 0's stragglers still count in stage 1's level
      edges.emplace_back(r.sent_ns, 1);
      edges.emplace_back(r.outcome.end_ns, -1);
    }
    std::sort(edges.begin(), edges.end());
    int in_flight = 0, most = 0;
    for (const auto& [t, d] : edges) most = std::max(most, in_flight += d);
    EXPECT_EQ(most, level) << "stage " << stage;
  }
}

}  // namespace
}  // namespace mmgate::load
