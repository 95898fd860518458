// The dashboard's routes on a loopback port over an empty results database
// (the pages themselves render in headless Chromium: tests/report/
// browser_test.sh).
#include "serve/dashboard.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

namespace mmgate::serve {
namespace {

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mmgate-dashboard-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    stop_ = true;
    if (server_.joinable()) server_.join();
    EXPECT_TRUE(served_.ok()) << served_.message();
    std::filesystem::remove_all(dir_);
  }
  // Serves with `opt` (database and port filled in) and returns a client.
  httplib::Client Start(DashboardOptions opt) {
    opt.db = (dir_ / "results.db").string();
    opt.port = 0;
    opt.stop = &stop_;
    opt.on_listen = [this](int p) {
      listening_ = true;
      port_.set_value(p);
    };
    std::future<int> bound = port_.get_future();
    server_ = std::thread([this, opt] {
      served_ = RunDashboard(opt);
      if (!listening_) port_.set_value(-1);  // the test fails, not hangs
    });
    httplib::Client client("127.0.0.1", bound.get());
    client.set_read_timeout(30, 0);
    return client;
  }

  std::filesystem::path dir_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> listening_{false};
  std::promise<int> port_;
  std::thread server_;
  Status served_;
};

TEST_F(DashboardTest, RunListUnderItsContentSecurityPolicy) {
  httplib::Client client = Start(DashboardOptions{});
  auto res = client.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Content-Security-Policy")
                .rfind("default-src 'none'", 0),
            0u);
  EXPECT_NE(res->body.find("mmgate dashboard"), std::string::npos);
}

TEST_F(DashboardTest, CompareNeedsBothRunsThatExist) {
  httplib::Client client = Start(DashboardOptions{});
  auto res = client.Get("/compare?baseline=a");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = client.Get("/compare?baseline=nosuch&candidate=b");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(res->body.find("no run 'nosuch'"), std::string::npos) << res->body;
}

TEST_F(DashboardTest, WithoutAConfigRunsAreListedAndComparisonsSayWhy) {
  DashboardOptions opt;
  opt.policy = Status::Invalid("mmgate.yaml:3: unknown key 'gaet'");
  httplib::Client client = Start(opt);
  auto res = client.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = client.Get("/compare?baseline=a&candidate=b");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, "mmgate serve: mmgate.yaml:3: unknown key 'gaet'\n");
}

}  // namespace
}  // namespace mmgate::serve
