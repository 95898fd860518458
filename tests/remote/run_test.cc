// Whole runs of a remote model through the runner and the store, against a
// local fault-injecting server that stands in for an OpenAI-compatible
// provider: 10,000 items with scripted faults lose none, every attempt is
// recorded (attempts in the database == the server's hits), waits honour
// Retry-After, answers are cached across runs, and a canary key never
// reaches the database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "adapter/remote_models.h"
#include "fault_server.h"
#include "providers.h"
#include "remote/curl_transport.h"
#include "run_fixture.h"
#include "runner/estimate.h"
#include "runner/runner.h"

namespace mmgate::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kCanary = "sk-canary-7f3a9c2e5b8d1460";

// The fault each item meets on its first request (some on every request),
// by its number.
Script FaultFor(int n, int item_hit, const std::string& ok) {
  auto body_cut = [&](bool close) {
    Script s{Send(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(ok.size()) + "\r\n\r\n" + ok.substr(0, ok.size() / 3))};
    s.push_back(close ? Close() : Sleep(3000));
    return s;
  };
  if (n % 100 == 8)  // every time: valid length, truncated JSON
    return {
        Send(Response(200, "application/json", ok.substr(0, ok.size() / 2)))};
  if (n % 100 == 9)  // every time: an HTML page with 200
    return {
        Send(Response(200, "text/html", "<html><body>Sign in</body></html>"))};
  if (n % 1000 == 999)
    return {Send(Response(400, "application/json",
                          R"({"error": {"message": "bad request"}})"))};
  if (item_hit == 1) {
    switch (n % 10) {
      case 1:
        return {Send(Response(429, "application/json",
                              R"({"error": {"message": "slow down"}})",
                              {"Retry-After: 2"}))};
      case 2:
        return {Send(Response(500, "application/json", "{}"))};
      case 3:
        return {
            Send(Response(503, "text/html",
                          "<html><h1>503 Service Unavailable</h1></html>"))};
      case 4:
        return {Reset()};
      case 7:
        return body_cut(true);
      default:
        break;
    }
    if (n % 500 == 5) return {Sleep(3000)};    // stall before headers
    if (n % 500 == 6) return body_cut(false);  // stall mid-body
  }
  return {Send(Response(200, "application/json", ok))};
}

class RemoteRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-remote-run-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("MMGATE_CANARY_KEY", kCanary, 1);
    env_.transport = remote::MakeCurlTransport();
    env_.clock = &clock_;
    env_.waiter = &waiter_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProjectConfig Project(const std::string& base_url, int n) {
    ProjectConfig p;
    p.path = (dir_ / "mmgate.yaml").string();
    p.base_dir = dir_.string();
    ModelSpec spec{"gpt",
                   "openai",
                   {{"base_url", base_url + "/v1"},
                    {"model", "stand-in"},
                    {"api_key_env", "MMGATE_CANARY_KEY"},
                    {"concurrency", 32},
                    {"timeout_s", 1.0},
                    {"backoff_base_ms", 50}},
                   dir_.string()};
    p.models["gpt"] = spec;
    p.prices["gpt"] = {2.5, 10};  // $ per Mtok in, out
    p.suites.push_back(runner::testing::TextSuite(n));
    return p;
  }

  // The instances of one model share the environment's limiter for it and
  // draw their own jitter streams.
  runner::ModelMaker Maker(const ProjectConfig&) {
    return [this](const ModelSpec& spec) {
      return adapter::CreateRemoteModel(spec, env_);
    };
  }

  fs::path dir_;
  SystemClock clock_;
  remote::RecordingWaiter waiter_;
  ModelEnv env_;
};

TEST_F(RemoteRunTest, TenThousandItemsThroughFaultsLoseNone) {
  constexpr int kItems = 10000;
  std::mutex mu;
  std::map<int, int> item_hits;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    std::string prompt = PromptOf(json::parse(r.body));
    int n = std::stoi(prompt.substr(5));
    int k;
    {
      std::lock_guard<std::mutex> lock(mu);
      k = ++item_hits[n];
    }
    return FaultFor(n, k, OpenAIChatBody(EchoAnswer(prompt), 9, 2));
  });
  ProjectConfig project = Project(server.base_url(), kItems);
  auto store = store::OpenStore((dir_ / "r.db").string());
  ASSERT_TRUE(store.ok());
  runner::RunOptions opt;
  opt.run_id = "big";
  auto summary =
      runner::Run(project, "gpt", opt, store->get(), &clock_, Maker(project));
  ASSERT_TRUE(summary.ok()) << summary.status().message();

  auto results = (*store)->LoadResults("big");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), static_cast<size_t>(kItems));
  int errors = 0;
  for (const auto& r : *results) {
    ASSERT_TRUE(r.response) << r.item.item_id << " lost";
    int n = std::stoi(r.item.item_id.substr(1));
    bool must_fail = n % 100 == 8 || n % 100 == 9 || n % 1000 == 999;
    if (must_fail) {
      ++errors;
      ASSERT_TRUE(r.response->error) << r.item.item_id;
      EXPECT_EQ(r.response->error_kind,
                n % 1000 == 999 ? "client_error" : "bad_response");
    } else {
      ASSERT_FALSE(r.response->error)
          << r.item.item_id << ": " << *r.response->error;
      EXPECT_EQ(*r.response->answer, "a" + std::to_string(n));
      EXPECT_EQ(r.scores.at("exact").value, 1.0);
    }
  }
  EXPECT_EQ(summary->errors, errors);

  auto attempts = (*store)->LoadAttempts("big");
  ASSERT_TRUE(attempts.ok());
  EXPECT_EQ(static_cast<int64_t>(attempts->size()), server.hits())
      << "every request the server saw is an attempt in the database";
  EXPECT_EQ(summary->attempts, server.hits());
  // Connections are pooled and reused: new ones follow only the faults that
  // end a connection (resets, cut bodies, timeouts).
  EXPECT_LT(server.connections(), server.hits() / 4)
      << server.connections() << " connections for " << server.hits();
  int rate_limited = 0;
  for (const auto& a : *attempts) {
    if (a.error_kind == "rate_limited") ++rate_limited;
    int n = std::stoi(a.item_id.substr(1));
    // The attempt after a 429 with Retry-After: 2 waited 2 s.
    if (n % 10 == 1 && a.attempt == 2) {
      EXPECT_EQ(a.wait_ms, 2000) << a.item_id;
    }
  }
  EXPECT_EQ(rate_limited, kItems / 10);
  auto waits = waiter_.waits();
  EXPECT_EQ(std::count(waits.begin(), waits.end(), remote::Millis(2000)),
            rate_limited);
  // Cost per query includes retries: each answered item's billed tokens.
  double cost = 0;
  for (const auto& a : *attempts) cost += a.cost_usd;
  EXPECT_NEAR(summary->cost_usd, cost, 1e-9);
  EXPECT_NEAR(cost, (kItems - errors) * (9 * 2.5 + 2 * 10) / 1e6, 1e-9);
}

TEST_F(RemoteRunTest, CacheAcrossRunsAndCanaryKeyNeverStored) {
  FaultServer server([&](const ServerRequest& r, int64_t hit) {
    std::string prompt = PromptOf(json::parse(r.body));
    if (prompt == "Say a3") {
      // An error that echoes the key back: it must be redacted.
      return Script{Send(Response(
          401, "text/plain",
          "invalid key " + r.headers.at("authorization") + " for " + prompt))};
    }
    return Script{Send(Response(200, "application/json",
                                OpenAIChatBody(EchoAnswer(prompt), 9, 2)))};
  });
  ProjectConfig project = Project(server.base_url(), 20);
  auto store = store::OpenStore((dir_ / "r.db").string());
  ASSERT_TRUE(store.ok());
  runner::RunOptions opt;
  opt.run_id = "first";
  auto first =
      runner::Run(project, "gpt", opt, store->get(), &clock_, Maker(project));
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(server.hits(), 20);
  EXPECT_EQ(first->errors, 1);

  auto estimate =
      runner::EstimateRun(project, "gpt", {}, store->get(), Maker(project));
  ASSERT_TRUE(estimate.ok());
  EXPECT_EQ(estimate->total.cached, 19) << "cached answers cost nothing";
  EXPECT_EQ(estimate->total.items, 1);
  EXPECT_TRUE(estimate->priced);

  opt.run_id = "second";
  auto second =
      runner::Run(project, "gpt", opt, store->get(), &clock_, Maker(project));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->cache_hits, 19);
  EXPECT_EQ(server.hits(), 21) << "only the errored item is asked again";
  auto results = (*store)->LoadResults("second");
  ASSERT_TRUE(results.ok());
  for (const auto& r : *results) {
    if (r.item.item_id == "q3") continue;
    EXPECT_TRUE(r.response->cached);
    EXPECT_EQ(*r.response->answer, "a" + r.item.item_id.substr(1));
  }

  (*store).reset();  // flush WAL
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find(kCanary), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("canary-7f3a9c2e5b8d1460"), std::string::npos);
  }
}

TEST_F(RemoteRunTest, RepeatScoresTheMeanAndReportsFlakyItems) {
  std::mutex mu;
  std::map<int, int> item_hits;
  FaultServer server([&](const ServerRequest& r, int64_t) {
    std::string prompt = PromptOf(json::parse(r.body));
    int n = std::stoi(prompt.substr(5));
    int k;
    {
      std::lock_guard<std::mutex> lock(mu);
      k = ++item_hits[n];
    }
    // Every fifth item is non-deterministic: wrong on its second call.
    std::string answer = n % 5 == 0 && k == 2 ? "x" : EchoAnswer(prompt);
    if (n == 7 && k == 1)  // and one retry, to count attempts across repeats
      return Script{Send(Response(503, "text/plain", "busy"))};
    return Script{
        Send(Response(200, "application/json", OpenAIChatBody(answer, 9, 2)))};
  });
  ProjectConfig project = Project(server.base_url(), 20);
  auto store = store::OpenStore((dir_ / "r.db").string());
  ASSERT_TRUE(store.ok());
  runner::RunOptions opt;
  opt.run_id = "rep";
  opt.repeat = 3;
  auto estimate =
      runner::EstimateRun(project, "gpt", opt, store->get(), Maker(project));
  ASSERT_TRUE(estimate.ok());
  EXPECT_EQ(estimate->total.items, 60);
  auto s =
      runner::Run(project, "gpt", opt, store->get(), &clock_, Maker(project));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(server.hits(), 61);
  EXPECT_EQ(s->attempts, 61);
  EXPECT_EQ(s->flaky,
            (std::vector<std::string>{"qa/q0", "qa/q10", "qa/q15", "qa/q5"}));
  auto results = (*store)->LoadResults("rep");
  ASSERT_TRUE(results.ok());
  for (const auto& r : *results) {
    int n = std::stoi(r.item.item_id.substr(1));
    ASSERT_TRUE(r.response->answer) << r.item.item_id;
    EXPECT_EQ(r.response->n_repeats, 3);
    EXPECT_EQ(r.response->flaky, n % 5 == 0);
    EXPECT_NEAR(r.scores.at("exact").value, n % 5 == 0 ? 2.0 / 3 : 1.0, 1e-12);
    EXPECT_EQ(r.response->n_attempts, n == 7 ? 4 : 3);
    EXPECT_EQ(json::parse(r.response->repeats_json).size(), 3u);
  }
  auto attempts = (*store)->LoadAttempts("rep");
  ASSERT_TRUE(attempts.ok());
  EXPECT_EQ(attempts->size(), 61u);

  // Each repeat has its own cache entry: a second run pays for nothing.
  opt.run_id = "rep2";
  auto again =
      runner::Run(project, "gpt", opt, store->get(), &clock_, Maker(project));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(server.hits(), 61);
  EXPECT_EQ(again->cache_hits, 60);
  EXPECT_EQ(again->flaky.size(), 4u);
}

}  // namespace
}  // namespace mmgate::testing
