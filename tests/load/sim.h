// A simulated server and time for the driver's tests: a manual clock, a
// sender whose requests complete after a scripted service time of simulated
// time, and a sleeper that advances the clock to the next completion instead
// of sleeping. Everything runs on the driver's thread, so the tests are
// deterministic and exact to the nanosecond. (A simulation, not a server: the
// tests against a real local server are co_test.cc and http_sender_test.cc.)
#ifndef MMGATE_TESTS_LOAD_SIM_H_
#define MMGATE_TESTS_LOAD_SIM_H_

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "load/driver.h"

namespace mmgate::load::testing {

class ManualClock final : public Clock {
 public:
  std::chrono::nanoseconds Monotonic() override {
    return std::chrono::nanoseconds(now_.load());
  }
  int64_t WallMillis() override { return 1'700'000'000'000 + now_ / 1'000'000; }
  int64_t now() const { return now_.load(); }
  void Set(int64_t t) { now_ = t; }

 private:
  std::atomic<int64_t> now_{1'000'000'000};
};

class SimSender final : public Sender {
 public:
  // service(n): simulated nanoseconds for the n-th request started (0-based);
  // a negative value never completes.
  SimSender(ManualClock* clock, std::function<int64_t(int64_t)> service)
      : clock_(clock), service_(std::move(service)) {}
  size_t items() const override { return 3; }
  void Start(size_t item, OutcomeFn done) override {
    int64_t n = started_++;
    starts.push_back(clock_->now());
    if (on_start) on_start(n);
    int64_t s = service_(n);
    if (s < 0) {
      never_.push_back(std::move(done));
      return;
    }
    pending_.emplace(clock_->now() + s, std::move(done));
  }
  // Completes every request due by `t` in time order, then sets the clock.
  void Advance(int64_t t) {
    while (!pending_.empty() && pending_.begin()->first <= t) {
      auto node = pending_.extract(pending_.begin());
      clock_->Set(node.key());
      Outcome o;
      o.http_status = 200;
      o.end_ns = node.key();
      o.output_tokens = 2;
      node.mapped()(std::move(o));
    }
    if (t > clock_->now()) clock_->Set(t);
  }
  int64_t NextDue() const {
    return pending_.empty() ? INT64_MAX : pending_.begin()->first;
  }
  void CompleteLost() {
    for (auto& d : never_) d(Outcome{});
    never_.clear();
  }
  std::vector<int64_t> starts;
  std::function<void(int64_t)> on_start;

 private:
  ManualClock* clock_;
  std::function<int64_t(int64_t)> service_;
  std::multimap<int64_t, OutcomeFn> pending_;
  std::vector<OutcomeFn> never_;
  int64_t started_ = 0;
};

class SimSleeper final : public Sleeper {
 public:
  SimSleeper(ManualClock* clock, SimSender* sender)
      : clock_(clock), sender_(sender) {}
  void SleepFor(std::chrono::nanoseconds d) override {
    sender_->Advance(clock_->now() + d.count());
  }
  void WaitFor(std::condition_variable*, std::unique_lock<std::mutex>* lock,
               std::chrono::nanoseconds d) override {
    lock->unlock();
    sender_->Advance(std::min(clock_->now() + d.count(), sender_->NextDue()));
    lock->lock();
  }

 private:
  ManualClock* clock_;
  SimSender* sender_;
};

}  // namespace mmgate::load::testing

#endif  // MMGATE_TESTS_LOAD_SIM_H_
