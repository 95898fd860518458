#include "load/driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "fixtures.h"
#include "load/summary.h"
#include "sim.h"

namespace mmgate::load {
namespace {

using testing::ManualClock;
using testing::ScheduleOf;
using testing::SimSender;
using testing::SimSleeper;

constexpr int64_t kMs = 1'000'000;

size_t RoundRobin(int64_t i, const std::string&) {
  return static_cast<size_t>(i) % 3;
}

TEST(Driver, OpenLoopSendsAtTheScheduledTimes) {
  ManualClock clock;
  SimSender sender(&clock, [](int64_t) { return 5 * kMs; });
  SimSleeper sleeper(&clock, &sender);
  Driver driver(&clock, &sleeper, &sender, {});
  Schedule s = ScheduleOf("poisson:rate=200", 2);
  RunResult run = driver.Run(s, RoundRobin);
  ASSERT_EQ(run.records.size(), s.arrivals.size());
  for (const RequestRecord& r : run.records) {
    EXPECT_EQ(r.state, RequestState::kDone);
    EXPECT_EQ(r.sent_ns, r.scheduled_ns);
    EXPECT_EQ(r.outcome.end_ns - r.sent_ns, 5 * kMs);
    EXPECT_EQ(r.item, static_cast<size_t>(r.index) % 3);
  }
  Summary sum = Summarize(s, run, {});
  EXPECT_EQ(sum.ok, 400);
  EXPECT_NEAR(sum.stages[0].rate_error, 0, 1e-9);
  EXPECT_NEAR(sum.latency.p99_ms, 5, 5 * sum.histogram_relative_error);
}

// A capped client at 100 req/s; request 100 (scheduled at 1.0 s) takes 1 s.
// The held requests go out one per 10 ms after the stall, never in a burst,
// and their latency from the schedule carries the wait that the latency from
// the send hides.
TEST(Driver, CapNeverReleasesABurstAboveTheTargetRate) {
  ManualClock clock;
  SimSender sender(&clock,
                   [](int64_t n) { return n == 100 ? 1000 * kMs : 5 * kMs; });
  SimSleeper sleeper(&clock, &sender);
  DriverOptions opt;
  opt.max_in_flight = 1;
  Driver driver(&clock, &sleeper, &sender, opt);
  Schedule s = ScheduleOf("constant:rate=100", 3);
  RunResult run = driver.Run(s, RoundRobin);
  ASSERT_EQ(run.records.size(), 300u);
  for (size_t i = 1; i < sender.starts.size(); ++i)
    EXPECT_GE(sender.starts[i] - sender.starts[i - 1], 10 * kMs) << i;
  for (const RequestRecord& r : run.records) {
    int64_t from_schedule = r.outcome.end_ns - r.scheduled_ns;
    int64_t from_send = r.outcome.end_ns - r.sent_ns;
    if (r.index < 100) {
      EXPECT_EQ(from_schedule, 5 * kMs);
    } else if (r.index == 100) {
      EXPECT_EQ(from_schedule, 1000 * kMs);
    } else {
      // Held until the stall ended at 2.0 s, then paced at 10 ms.
      EXPECT_EQ(from_schedule, 995 * kMs) << r.index;
      EXPECT_EQ(from_send, 5 * kMs);
    }
  }
  Summary sum = Summarize(s, run, {});
  EXPECT_NEAR(sum.latency.p99_ms, 995, 995 * sum.histogram_relative_error);
  EXPECT_NEAR(sum.latency_send.p99_ms, 5, 5 * sum.histogram_relative_error);
  EXPECT_NEAR(sum.lag.max_ms, 990, 1);
}

TEST(Driver, ClosedLoopSweepHoldsEachLevelInFlight) {
  ManualClock clock;
  SimSender sender(&clock, [](int64_t) { return 10 * kMs; });
  SimSleeper sleeper(&clock, &sender);
  Driver driver(&clock, &sleeper, &sender, {});
  Schedule s = ScheduleOf("sweep:levels=1/4,each=1", 2);
  RunResult run = driver.Run(s, RoundRobin);
  int64_t per_stage[2] = {0, 0};
  for (const RequestRecord& r : run.records) {
    EXPECT_TRUE(r.closed_loop);
    ++per_stage[r.stage];
  }
  EXPECT_NEAR(per_stage[0], 100, 1);
  EXPECT_NEAR(per_stage[1], 400, 4);
  Summary sum = Summarize(s, run, {});
  EXPECT_NEAR(sum.stages[1].throughput, 400, 4);
}

TEST(Driver, StopEndsSendingAndKeepsWhatWasDone) {
  ManualClock clock;
  SimSender sender(&clock, [](int64_t) { return 5 * kMs; });
  SimSleeper sleeper(&clock, &sender);
  std::atomic<bool> stop{false};
  sender.on_start = [&](int64_t n) {
    if (n == 49) stop = true;
  };
  DriverOptions opt;
  opt.stop = &stop;
  Driver driver(&clock, &sleeper, &sender, opt);
  Schedule s = ScheduleOf("constant:rate=100", 2);
  RunResult run = driver.Run(s, RoundRobin);
  EXPECT_TRUE(run.interrupted);
  Summary sum = Summarize(s, run, {});
  EXPECT_EQ(sum.sent, 50);
  EXPECT_EQ(sum.not_sent, 150);
  EXPECT_EQ(sum.scheduled, 200);
  // Answers still in flight at the stop were waited for (within stop_drain).
  EXPECT_EQ(sum.ok, 50);
}

TEST(Driver, UnansweredRequestsAreAbandonedAfterTheDrain) {
  ManualClock clock;
  SimSender sender(&clock, [](int64_t n) { return n == 3 ? -1 : kMs; });
  SimSleeper sleeper(&clock, &sender);
  DriverOptions opt;
  opt.drain = std::chrono::seconds(1);
  RunResult run;
  Schedule s = ScheduleOf("constant:rate=10", 1);
  {
    Driver driver(&clock, &sleeper, &sender, opt);
    run = driver.Run(s, RoundRobin);
  }
  Summary sum = Summarize(s, run, {});
  EXPECT_EQ(sum.abandoned, 1);
  EXPECT_EQ(sum.ok, 9);
  EXPECT_EQ(sum.latency.n, 9);
  sender.CompleteLost();  // a late answer after the driver is gone: dropped
}

// A rate ten times what the client can send: 1000 req/s offered, a window of
// 10 requests and 100 ms answers (at most 100 req/s). The window is never
// exceeded, what cannot go out within max_lag is counted as late (in no
// latency figure), every request is accounted for exactly, and sending ends
// within max_lag of the schedule's end.
TEST(Driver, ARateAboveWhatTheClientCanSendEndsOnTimeAndCountsTheLate) {
  ManualClock clock;
  SimSender sender(&clock, [](int64_t) { return 100 * kMs; });
  SimSleeper sleeper(&clock, &sender);
  DriverOptions opt;
  opt.client_window = 10;
  opt.max_lag = std::chrono::milliseconds(200);
  Driver driver(&clock, &sleeper, &sender, opt);
  Schedule s = ScheduleOf("constant:rate=1000", 1);
  RunResult run = driver.Run(s, RoundRobin);
  Summary sum = Summarize(s, run, {});
  EXPECT_EQ(sum.scheduled, 1000);
  EXPECT_EQ(sum.sent + sum.late, sum.scheduled);
  EXPECT_EQ(sum.ok, sum.sent);
  EXPECT_EQ(sum.latency.n, sum.ok);
  EXPECT_EQ(sum.not_sent, 0);
  EXPECT_GE(sum.sent, 100);  // the window kept full for a second and more
  EXPECT_LE(sum.sent, 130);
  EXPECT_EQ(sum.stages[0].late, sum.late);
  EXPECT_EQ(driver.Snapshot().late, sum.late);
  std::vector<std::pair<int64_t, int>> edges;
  for (const RequestRecord& r : run.records) {
    if (r.state == RequestState::kLate) {
      EXPECT_EQ(r.sent_ns, -1);
      continue;
    }
    EXPECT_LE(r.sent_ns - r.scheduled_ns, 200 * kMs) << r.index;
    edges.emplace_back(r.sent_ns, 1);
    edges.emplace_back(r.outcome.end_ns, -1);
  }
  std::sort(edges.begin(), edges.end());  // an end sorts before a send
  int in_flight = 0, most = 0;
  for (const auto& [t, d] : edges) most = std::max(most, in_flight += d);
  EXPECT_EQ(most, 10);
  EXPECT_LE(run.duration_ns, (1000 + 200 + 100 + 5) * kMs);
  EXPECT_NE(ToText(sum).find("not sent in time"), std::string::npos);
}

TEST(Summary, ErrorsAreCountedByKindAndNeverInLatency) {
  Schedule s = ScheduleOf("constant:rate=10", 1);
  RunResult run;
  for (int i = 0; i < 10; ++i) {
    RequestRecord r;
    r.index = i;
    r.item = static_cast<size_t>(i % 2);
    r.state = RequestState::kDone;
    r.scheduled_ns = r.planned_ns = r.sent_ns = i * 100 * kMs;
    r.outcome.end_ns = r.sent_ns + (i % 2 ? 900 : 10) * kMs;
    if (i >= 8) r.outcome.error_kind = i == 8 ? "timeout" : "stream_error";
    run.records.push_back(r);
  }
  run.duration_ns = 1000 * kMs;
  SummaryOptions opt;
  opt.slo_ms = 100;
  opt.item_ids = {"s/a", "s/b"};
  Summary sum = Summarize(s, run, opt);
  EXPECT_EQ(sum.ok, 8);
  EXPECT_EQ(sum.errors, 2);
  EXPECT_EQ(sum.errors_by_kind.at("timeout"), 1);
  EXPECT_EQ(sum.errors_by_kind.at("stream_error"), 1);
  EXPECT_EQ(sum.latency.n, 8);
  EXPECT_NEAR(sum.latency.max_ms, 900, 1);
  ASSERT_FALSE(sum.tail.empty());
  EXPECT_EQ(sum.tail[0].item, "s/b");
  // 4 of 8 successes within 100 ms.
  EXPECT_NEAR(sum.goodput / sum.throughput, 0.5, 1e-9);
  EXPECT_NE(ToText(sum).find("errors timeout: 1"), std::string::npos);
  EXPECT_EQ(ToJson(sum)["requests"]["errors"], 2);
}

}  // namespace
}  // namespace mmgate::load
