// The event-loop client (load/asio_driver.h) against a stand-in OpenAI
// endpoint on 127.0.0.1 (tests/remote/fault_server.h: a scripted server
// written for the tests, speaking the real HTTP/1.1 and chat-completion wire
// format), with exact counts: every scheduled request is sent once or
// accounted as not sent / not sent in time, failures carry their kind and
// never a latency, a stop ends the run with a partial result.
#include "load/asio_driver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "fault_server.h"
#include "fixtures.h"
#include "load/summary.h"
#include "providers.h"

namespace mmgate::load {
namespace {

using namespace mmgate::testing;
using std::chrono::milliseconds;
using testing::ChatRequest;
using testing::ScheduleOf;

Script Fine() {
  return Script{
      Send(Response(200, "application/json", OpenAIChatBody("fine", 3, 1)))};
}

RunResult RunAgainst(const std::string& base_url, const Schedule& schedule,
                     AsioOptions opt,
                     milliseconds timeout = milliseconds(5000)) {
  ChatRequest chat(base_url);
  chat.request.timeout = timeout;
  auto target = MakeAsioTarget({chat.request});
  EXPECT_TRUE(target.ok()) << target.status().message();
  opt.openai_chat = true;
  opt.keep_answers = true;
  SystemClock clock;
  AsioDriver driver(&clock, *target, std::move(chat.format), chat.wire, opt);
  return driver.Run(schedule, [](int64_t, const std::string&) { return 0; });
}

std::map<RequestState, int> States(const RunResult& run) {
  std::map<RequestState, int> out;
  for (const RequestRecord& r : run.records) ++out[r.state];
  return out;
}

TEST(AsioTarget, WritesHttp11Bytes) {
  remote::HttpRequest r;
  r.url = "http://127.0.0.1:8080/v1/chat/completions?x=1";
  r.headers = {"Content-Type: application/json", "Content-Length: 99"};
  r.body = "{}";
  auto t = MakeAsioTarget({r});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, "8080");
  EXPECT_EQ(t->requests[0],
            "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: "
            "127.0.0.1:8080\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\n\r\n{}");
  r.url = "http://[::1]/v1";
  t = MakeAsioTarget({r});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, "80");
  r.url = "https://127.0.0.1/v1";
  EXPECT_FALSE(MakeAsioTarget({r}).ok());
  r.url = "http://user:pw@127.0.0.1/v1";
  EXPECT_FALSE(MakeAsioTarget({r}).ok());
}

TEST(AsioDriver, OpenLoopSendsEveryArrivalOnceOnItsConnections) {
  FaultServer server([](const ServerRequest&, int64_t) { return Fine(); });
  Schedule s = ScheduleOf("poisson:rate=400", 1.0);
  ASSERT_EQ(s.arrivals.size(), 400u);
  AsioOptions opt;
  opt.threads = 2;
  opt.connections = 2;
  RunResult run = RunAgainst(server.base_url(), s, opt);
  ASSERT_EQ(run.records.size(), 400u);
  EXPECT_EQ(States(run)[RequestState::kDone], 400);
  EXPECT_EQ(server.hits(), 400);
  EXPECT_LE(server.connections(), 4);  // 2 loops x 2, kept alive
  for (size_t i = 0; i < run.records.size(); ++i) {
    const RequestRecord& r = run.records[i];
    EXPECT_EQ(r.index, static_cast<int64_t>(i));
    EXPECT_EQ(r.scheduled_ns, s.arrivals[i].t_ns);
    EXPECT_GE(r.sent_ns, r.scheduled_ns);
    EXPECT_GE(r.outcome.end_ns, r.sent_ns);
    EXPECT_TRUE(r.outcome.error_kind.empty()) << r.outcome.error;
    EXPECT_EQ(r.outcome.answer, "fine");
    EXPECT_EQ(r.outcome.input_tokens, 3);
    EXPECT_EQ(r.outcome.output_tokens, 1);
  }
}

TEST(AsioDriver, ClosedLoopStopsAtMaxRequests) {
  FaultServer server([](const ServerRequest&, int64_t) { return Fine(); });
  Schedule s = ScheduleOf("sweep:levels=3,each=20", 20, 1, 300);
  AsioOptions opt;
  opt.threads = 2;
  opt.connections = 1;  // a stage's share wins: 2 and 1 connections
  opt.max_requests = 300;
  auto began = std::chrono::steady_clock::now();
  RunResult run = RunAgainst(server.base_url(), s, opt);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(10));
  ASSERT_EQ(run.records.size(), 300u);
  EXPECT_EQ(States(run)[RequestState::kDone], 300);
  EXPECT_EQ(server.hits(), 300);
  EXPECT_EQ(server.connections(), 3);
  for (size_t i = 0; i < run.records.size(); ++i) {
    EXPECT_EQ(run.records[i].index, static_cast<int64_t>(i));
    EXPECT_TRUE(run.records[i].closed_loop);
    EXPECT_EQ(run.records[i].outcome.answer, "fine");
  }
}

// Two loops, one stage of one connection: the loop with no share must end
// when the other reaches max_requests, not at the stage's end.
TEST(AsioDriver, AnIdleLoopEndsWhenMaxRequestsIsReached) {
  FaultServer server([](const ServerRequest&, int64_t) { return Fine(); });
  Schedule s = ScheduleOf("sweep:levels=1,each=20", 20, 1, 5);
  AsioOptions opt;
  opt.threads = 2;
  opt.connections = 1;
  opt.max_requests = 5;
  auto began = std::chrono::steady_clock::now();
  RunResult run = RunAgainst(server.base_url(), s, opt);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  ASSERT_EQ(run.records.size(), 5u);
  EXPECT_EQ(server.hits(), 5);
}

// One connection, one request at a time: each hit's script is one fault.
TEST(AsioDriver, EveryFailureHasItsKindAndNoLatency) {
  FaultServer server([](const ServerRequest&, int64_t hit) {
    switch (hit) {
      case 2:
        return Script{Send(Response(503, "application/json",
                                    R"({"error":{"message":"busy"}})"))};
      case 3:
        return Script{Send(Response(200, "application/json", "{nope"))};
      case 4:  // announces 100 bytes, sends 10, closes
        return Script{Send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                           "0123456789"),
                      Close()};
      case 5:  // a new connection, reset before any reply byte
        return Script{Reset()};
      case 7:  // a kept-alive connection closed before any reply: resent
        return Script{Close()};
      default:
        return Fine();
    }
  });
  Schedule s = ScheduleOf("sweep:levels=1,each=20", 20, 1, 7);
  AsioOptions opt;
  opt.connections = 1;
  opt.max_requests = 7;
  RunResult run = RunAgainst(server.base_url(), s, opt);
  ASSERT_EQ(run.records.size(), 7u);
  std::vector<std::string> kinds;
  for (const RequestRecord& r : run.records)
    kinds.push_back(r.outcome.error_kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"", "server_error", "bad_response",
                                             "truncated_body",
                                             "connection_reset", "", ""}));
  EXPECT_EQ(run.records[1].outcome.http_status, 503);
  EXPECT_NE(run.records[1].outcome.error.find("busy"), std::string::npos);
  EXPECT_EQ(server.hits(), 8);  // the 7th request went out twice
  Summary sum = Summarize(s, run, {});
  EXPECT_EQ(sum.ok, 3);
  EXPECT_EQ(sum.errors, 4);
  EXPECT_EQ(sum.latency.n, 3);  // errors never enter latency figures
}

TEST(AsioDriver, ATimeoutIsAnErrorOfItsKind) {
  FaultServer server([](const ServerRequest&, int64_t hit) {
    if (hit == 1) return Script{Sleep(3000), Close()};
    return Fine();
  });
  Schedule s = ScheduleOf("sweep:levels=1,each=20", 20, 1, 2);
  AsioOptions opt;
  opt.connections = 1;
  opt.max_requests = 2;
  auto began = std::chrono::steady_clock::now();
  RunResult run = RunAgainst(server.base_url(), s, opt, milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - began, milliseconds(2500));
  ASSERT_EQ(run.records.size(), 2u);
  EXPECT_EQ(run.records[0].outcome.error_kind, "timeout");
  EXPECT_TRUE(run.records[1].outcome.error_kind.empty());
}

// The one connection is held 600 ms by the first request: the nine due
// meanwhile wait in the loop and are past max_lag (200 ms) when it frees.
TEST(AsioDriver, RequestsHeldPastMaxLagAreNotSentInTime) {
  FaultServer server([](const ServerRequest&, int64_t hit) {
    if (hit == 1) return Script{Sleep(600), Fine()[0]};
    return Fine();
  });
  Schedule s = ScheduleOf("constant:rate=100", 0.1);
  ASSERT_EQ(s.arrivals.size(), 10u);
  AsioOptions opt;
  opt.connections = 1;
  opt.max_lag = milliseconds(200);
  RunResult run = RunAgainst(server.base_url(), s, opt);
  auto states = States(run);
  EXPECT_EQ(states[RequestState::kDone], 1);
  EXPECT_EQ(states[RequestState::kLate], 9);
  EXPECT_EQ(server.hits(), 1);
  Summary sum = Summarize(s, run, {});
  EXPECT_EQ(sum.late, 9);
  EXPECT_EQ(sum.latency.n, 1);
}

TEST(AsioDriver, AStopEndsSendingAndKeepsThePartialResult) {
  FaultServer server([](const ServerRequest&, int64_t) { return Fine(); });
  Schedule s = ScheduleOf("constant:rate=100", 5);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(400));
    stop = true;
  });
  AsioOptions opt;
  opt.stop = &stop;
  auto began = std::chrono::steady_clock::now();
  RunResult run = RunAgainst(server.base_url(), s, opt);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - began, milliseconds(2500));
  EXPECT_TRUE(run.interrupted);
  ASSERT_EQ(run.records.size(), 500u);
  auto states = States(run);
  EXPECT_EQ(states[RequestState::kDone] + states[RequestState::kNotSent], 500);
  EXPECT_GT(states[RequestState::kDone], 10);
  EXPECT_LT(states[RequestState::kDone], 200);
  EXPECT_EQ(server.hits(), states[RequestState::kDone]);
}

TEST(AsioDriver, ADeadEndpointIsAConnectErrorPerRequest) {
  int port;
  {
    FaultServer gone([](const ServerRequest&, int64_t) { return Fine(); });
    port = gone.port();
  }
  Schedule s = ScheduleOf("constant:rate=50", 0.2);
  AsioOptions opt;
  opt.connections = 2;
  RunResult run =
      RunAgainst("http://127.0.0.1:" + std::to_string(port) + "/v1", s, opt);
  ASSERT_EQ(run.records.size(), 10u);
  for (const RequestRecord& r : run.records)
    EXPECT_EQ(r.outcome.error_kind, "connect_error") << r.outcome.error;
}

}  // namespace
}  // namespace mmgate::load
