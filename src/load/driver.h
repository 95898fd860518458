// The open-loop driver: sends the requests of a schedule at their scheduled
// times through a Sender, never waiting for answers before sending (a slow
// server cannot slow the offered load down), and records for each request its
// scheduled, planned and actual send times and its outcome.
//
// With a concurrency cap, a request finding every slot taken waits for one;
// the requests held that way are then released no faster than the target
// rate (each at least its arrival's min_gap after the previous release), so
// slots freed together never send a burst above the target rate (vLLM's
// benchmark does, PR #45502). The time held counts in the latency measured
// from the schedule. A backlog released at exactly the target rate cannot
// shrink under a constant schedule, so `catch_up` > 1 lets held requests go
// out at up to that multiple of the target rate (still evenly spaced, never
// all at once) until the schedule is met again. Closed-loop stages (sweeps)
// hold N requests in flight instead; their latency can only be measured from
// the send.
//
// The client's own limit: at most `client_window` requests are handed to
// the sender at once (its connections). A request due while the window is
// full waits in the driver (the wait is dispatch lag and counts in the
// latency from the schedule, never in the latency from the send), and goes
// out as soon as an answer frees a place. Handing the sender more than it
// can put on the wire would only queue the excess inside the HTTP client,
// where the wait is hidden in the latency from the send, memory grows with
// the backlog and tearing the queue down takes minutes (a rate above what
// the client can send used to run away like that).
//
// Bounded: the schedule is finite; a request that cannot be sent within
// `max_lag` of its scheduled time (held by the cap or the window, or the
// dispatcher itself behind) is not sent and is recorded as late, never as a
// latency, so sending ends at most `max_lag` after the schedule's end. Closed
// stages end at their end time and after `max_requests`; after the last send
// the driver waits at most `drain` for answers, and after a stop at most
// `stop_drain`. Requests still in flight then are recorded as abandoned;
// their late answers are dropped.
//
// Thread-safety: Run() once per driver; Snapshot() from any thread.
// The sender's completions may arrive on any thread, even after Run returns
// (they then touch only state shared with them, never the driver).
#ifndef MMGATE_LOAD_DRIVER_H_
#define MMGATE_LOAD_DRIVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "load/schedule.h"

namespace mmgate::load {

// What one request came to. Times are the clock's monotonic nanoseconds.
struct Outcome {
  int http_status = 0;
  std::string error_kind;  // empty: a success
  std::string error;
  int64_t first_token_ns = -1;    // streams: first content event
  std::vector<int64_t> token_ns;  // streams: every content event
  int64_t end_ns = 0;
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  std::string answer;
};
using OutcomeFn = std::function<void(Outcome)>;

// Sends requests. Thread-safe; Start returns at once (it must not wait for
// the answer) and calls `done` exactly once, on any thread, possibly before
// Start returns.
class Sender {
 public:
  virtual ~Sender() = default;
  virtual size_t items() const = 0;
  virtual void Start(size_t item, OutcomeFn done) = 0;
};

// Where the driver waits; tests advance a fake clock instead of sleeping.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepFor(std::chrono::nanoseconds d) = 0;
  // Waits for a completion (`cv` is notified under `lock`'s mutex) or `d`;
  // spurious returns are fine.
  virtual void WaitFor(std::condition_variable* cv,
                       std::unique_lock<std::mutex>* lock,
                       std::chrono::nanoseconds d) {
    cv->wait_for(*lock, d);
  }
};
class RealSleeper final : public Sleeper {
 public:
  void SleepFor(std::chrono::nanoseconds d) override;
};

// kNotSent: the run stopped first; kLate: not sent within max_lag of its
// scheduled time.
enum class RequestState { kDone, kAbandoned, kNotSent, kLate };

struct RequestRecord {
  int64_t index = 0;
  size_t item = 0;
  int stage = 0;
  RequestState state = RequestState::kNotSent;
  // Nanoseconds from the start of the run. planned: when the driver meant to
  // send it (the schedule, or later when held by the cap); sent: when it did.
  int64_t scheduled_ns = 0;
  int64_t planned_ns = 0;
  int64_t sent_ns = -1;
  bool closed_loop = false;  // sweep stage: scheduled_ns is the send time
  Outcome outcome;           // times relative to the run start as well
};

inline bool WasSent(const RequestRecord& r) {
  return r.state == RequestState::kDone || r.state == RequestState::kAbandoned;
}

struct DriverOptions {
  int max_in_flight = 0;  // 0: no cap (pure open loop)
  double catch_up = 1;    // held requests: at most this x the target rate
  int64_t max_requests = 100000;
  int client_window = 0;                // 0: no limit
  std::chrono::nanoseconds max_lag{0};  // 0: no limit
  std::chrono::nanoseconds drain = std::chrono::seconds(60);
  std::chrono::nanoseconds stop_drain = std::chrono::seconds(2);
  const std::atomic<bool>* stop = nullptr;  // set: stop sending, drain, return
};

struct Progress {
  int64_t elapsed_ns = 0;
  int64_t sent = 0;
  int64_t done = 0;
  int64_t errors = 0;
  int64_t in_flight = 0;
  int64_t late = 0;
};

struct RunResult {
  std::vector<RequestRecord> records;  // by index; not-sent ones included
  int64_t started_wall_ms = 0;
  int64_t duration_ns = 0;  // start to the end of draining
  bool interrupted = false;
};

// Picks the item of a request: `nth` counts the requests of its stage
// from 0 (so a round robin starts every stage with the same items and stages
// can be compared item by item); `trace_item` is the replay trace's id.
using ItemPicker =
    std::function<size_t(int64_t nth, const std::string& trace_item)>;

class Driver {
 public:
  // `clock`, `sleeper` and `sender` must outlive Run().
  Driver(Clock* clock, Sleeper* sleeper, Sender* sender, DriverOptions options);
  ~Driver();
  RunResult Run(const Schedule& schedule, const ItemPicker& pick);
  Progress Snapshot() const;

  struct Shared;  // with the completions in flight

 private:
  struct Slot;
  bool SleepUntil(int64_t t_abs);            // false: stopped
  bool WaitForSlot(int cap, int64_t until);  // false: stopped or timed out
  Slot* Send(int64_t index, size_t item, int stage, int64_t scheduled,
             int64_t planned, bool closed);
  void RunOpen(const Schedule& s, const ItemPicker& pick);
  void Skip(size_t index, const Arrival& a, int64_t planned, RequestState state,
            const ItemPicker& pick);
  void RunClosed(const Stage& st, int stage, const ItemPicker& pick);
  void Drain();
  bool Stopped() const;

  Clock* clock_;
  Sleeper* sleeper_;
  Sender* sender_;
  DriverOptions options_;
  std::shared_ptr<Shared> shared_;
  std::atomic<int64_t> start_{0};
  int64_t next_index_ = 0;
  std::vector<int64_t> per_stage_;  // requests picked so far per stage
  std::vector<RequestRecord> not_sent_;
};

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_DRIVER_H_
