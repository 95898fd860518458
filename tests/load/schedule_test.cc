#include "load/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "fixtures.h"

namespace mmgate::load {
namespace {

using testing::ScheduleOf;

std::string Error(const std::string& profile) {
  auto spec = ParseProfile(profile);
  if (!spec.ok()) return spec.status().message();
  auto s = MakeSchedule(*spec, {});
  return s.ok() ? "" : s.status().message();
}

double Cv(const Schedule& s) {
  std::vector<double> gaps;
  for (size_t i = 1; i < s.arrivals.size(); ++i)
    gaps.push_back(
        static_cast<double>(s.arrivals[i].t_ns - s.arrivals[i - 1].t_ns));
  double mean = 0, var = 0;
  for (double g : gaps) mean += g;
  mean /= gaps.size();
  for (double g : gaps) var += (g - mean) * (g - mean);
  return std::sqrt(var / gaps.size()) / mean;
}

TEST(Schedule, ConstantIsEvenlySpaced) {
  Schedule s = ScheduleOf("constant:rate=50", 2);
  ASSERT_EQ(s.arrivals.size(), 100u);
  EXPECT_EQ(s.arrivals[1].t_ns, 20'000'000);
  EXPECT_EQ(s.arrivals[99].t_ns, 1'980'000'000);
  EXPECT_EQ(s.arrivals[5].min_gap_ns, 20'000'000);
}

TEST(Schedule, PoissonIsSeededWithAnExactCount) {
  Schedule a = ScheduleOf("poisson:rate=1000", 30, 42);
  Schedule b = ScheduleOf("poisson:rate=1000", 30, 42);
  Schedule c = ScheduleOf("poisson:rate=1000", 30, 43);
  ASSERT_EQ(a.arrivals.size(), 30000u);
  EXPECT_EQ(a.arrivals[1234].t_ns, b.arrivals[1234].t_ns);
  EXPECT_NE(a.arrivals[1234].t_ns, c.arrivals[1234].t_ns);
  // Exponential gaps: coefficient of variation 1.
  EXPECT_NEAR(Cv(a), 1.0, 0.03);
}

TEST(Schedule, GammaBurstinessSetsTheSpread) {
  Schedule bursty = ScheduleOf("gamma:rate=500,burstiness=0.25", 20);
  Schedule smooth = ScheduleOf("gamma:rate=500,burstiness=4", 20);
  EXPECT_EQ(bursty.arrivals.size(), 10000u);
  // CV of gamma gaps is 1/sqrt(shape).
  EXPECT_NEAR(Cv(bursty), 2.0, 0.15);
  EXPECT_NEAR(Cv(smooth), 0.5, 0.03);
  EXPECT_LT(bursty.arrivals.back().t_ns, 20'000'000'000);
}

TEST(Schedule, RampRisesLinearly) {
  Schedule s = ScheduleOf("ramp:from=10,to=100", 10);
  EXPECT_NEAR(static_cast<double>(s.arrivals.size()), 550, 1);
  int first = 0, last = 0;
  for (const Arrival& a : s.arrivals) {
    if (a.t_ns < 1'000'000'000) ++first;
    if (a.t_ns >= 9'000'000'000) ++last;
  }
  EXPECT_NEAR(first, 14.5, 1.5);  // mean rate 14.5 over the first second
  EXPECT_NEAR(last, 95.5, 1.5);
}

TEST(Schedule, BurstStepAndSweep) {
  Schedule b = ScheduleOf("burst:rate=10,size=20,every=2", 4);
  EXPECT_EQ(b.arrivals.size(), 40u + 40u);
  EXPECT_EQ(b.arrivals[0].t_ns, 0);
  EXPECT_EQ(b.arrivals[20].t_ns, 0);  // the first burst, all at once
  Schedule st = ScheduleOf("step:rates=10/20/40,each=1", 10);
  ASSERT_EQ(st.stages.size(), 3u);
  EXPECT_EQ(st.arrivals.size(), 70u);
  EXPECT_EQ(st.arrivals.back().stage, 2);
  EXPECT_EQ(st.stages[2].start_ns, 2'000'000'000);
  Schedule sw = ScheduleOf("sweep:levels=1/2/8,each=5", 12);
  ASSERT_EQ(sw.stages.size(), 3u);
  EXPECT_TRUE(sw.closed());
  EXPECT_EQ(sw.stages[2].concurrency, 8);
  EXPECT_EQ(sw.stages[2].end_ns, 12'000'000'000);  // cut at the duration
}

TEST(Schedule, BoundedByCountAndDuration) {
  EXPECT_EQ(ScheduleOf("constant:rate=100", 10, 1, 250).arrivals.size(), 250u);
  EXPECT_EQ(ScheduleOf("constant:rate=100", 0.5).arrivals.size(), 50u);
}

TEST(Schedule, ReplayReadsATrace) {
  std::string path = ::testing::TempDir() + "/trace.jsonl";
  std::ofstream(path) << "{\"t\": 100.5, \"item\": \"b\"}\n100.0\n\n101.0\n";
  Schedule s = ScheduleOf("replay:file=" + path, 10);
  ASSERT_EQ(s.arrivals.size(), 3u);
  EXPECT_EQ(s.arrivals[0].t_ns, 0);
  EXPECT_EQ(s.arrivals[1].t_ns, 500'000'000);
  EXPECT_EQ(s.arrivals[1].item, "b");
  std::ofstream(path) << "1.0\n{\"x\": 1}\n";
  EXPECT_NE(Error("replay:file=" + path).find("trace.jsonl:2"),
            std::string::npos);
}

TEST(Schedule, BadProfilesSayWhatIsWrong) {
  EXPECT_NE(Error("nope").find("unknown profile 'nope'"), std::string::npos);
  EXPECT_NE(Error("poisson").find("needs rate="), std::string::npos);
  EXPECT_NE(Error("poisson:rate=abc").find("rate=abc"), std::string::npos);
  EXPECT_NE(Error("poisson:rate").find("not key=value"), std::string::npos);
  EXPECT_NE(Error("step:rates=1/x").find("bad value 'x'"), std::string::npos);
  EXPECT_NE(Error("replay").find("file=PATH"), std::string::npos);
}

}  // namespace
}  // namespace mmgate::load
