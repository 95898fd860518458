// Set-up shared by the load tests: a schedule from a profile string, and the
// one chat request the tests against stand-in servers send.
#ifndef MMGATE_TESTS_LOAD_FIXTURES_H_
#define MMGATE_TESTS_LOAD_FIXTURES_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "load/schedule.h"
#include "remote/http.h"
#include "remote/wire.h"

namespace mmgate::load::testing {

// The schedule of `profile` (a test failure, and an empty schedule, when the
// profile or limits are refused).
inline Schedule ScheduleOf(const std::string& profile, double seconds = 10,
                           uint64_t seed = 1, int64_t max_requests = 100000) {
  auto spec = ParseProfile(profile);
  EXPECT_TRUE(spec.ok()) << profile << ": " << spec.status().message();
  if (!spec.ok()) return {};
  auto s = MakeSchedule(*spec, {seconds, max_requests, seed});
  EXPECT_TRUE(s.ok()) << profile << ": " << s.status().message();
  return s.ok() ? *s : Schedule{};
}

// An OpenAI chat request for "hello" to `base_url`, with its wire settings.
struct ChatRequest {
  remote::WireConfig wire;
  std::unique_ptr<remote::Wire> format = remote::MakeOpenAIWire();
  remote::HttpRequest request;

  explicit ChatRequest(const std::string& base_url, bool stream = false) {
    wire.base_url = base_url;
    wire.model = "stand-in";
    wire.stream = stream;
    auto built = format->Build({"i", "text", "hello", {}}, wire);
    EXPECT_TRUE(built.ok()) << built.status().message();
    if (built.ok()) request = *built;
  }
};

}  // namespace mmgate::load::testing

#endif  // MMGATE_TESTS_LOAD_FIXTURES_H_
