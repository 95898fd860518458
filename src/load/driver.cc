#include "load/driver.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace mmgate::load {
namespace {

enum SlotState : int { kPending, kWriting, kFilled, kGone };

constexpr int64_t kPoll = 20'000'000;  // stop checks while waiting

int64_t Now(Clock* clock) { return clock->Monotonic().count(); }

void Relative(Outcome* o, int64_t start) {
  auto rel = [&](int64_t t) { return t < 0 ? t : t - start; };
  o->first_token_ns = rel(o->first_token_ns);
  for (int64_t& t : o->token_ns) t = rel(t);
  o->end_ns = rel(o->end_ns);
}

}  // namespace

void RealSleeper::SleepFor(std::chrono::nanoseconds d) {
  std::this_thread::sleep_for(d);
}

struct Driver::Slot {
  RequestRecord record;
  std::atomic<int> state{kPending};
};

struct Driver::Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Slot> slots;  // appended by the dispatcher only
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> late{0};
};

Driver::Driver(Clock* clock, Sleeper* sleeper, Sender* sender,
               DriverOptions options)
    : clock_(clock),
      sleeper_(sleeper),
      sender_(sender),
      options_(options),
      shared_(std::make_shared<Shared>()) {}

Driver::~Driver() = default;

bool Driver::Stopped() const { return options_.stop && options_.stop->load(); }

bool Driver::SleepUntil(int64_t t_abs) {
  for (;;) {
    int64_t now = Now(clock_);
    if (now >= t_abs) return true;
    if (Stopped()) return false;
    sleeper_->SleepFor(std::chrono::nanoseconds(std::min(t_abs - now, kPoll)));
  }
}

bool Driver::WaitForSlot(int cap, int64_t until) {
  Shared& sh = *shared_;
  std::unique_lock<std::mutex> lock(sh.mu);
  while (sh.in_flight.load() >= cap) {
    if (Stopped() || Now(clock_) >= until) return false;
    sleeper_->WaitFor(
        &sh.cv, &lock,
        std::chrono::nanoseconds(std::min(kPoll, until - Now(clock_))));
  }
  return true;
}

Driver::Slot* Driver::Send(int64_t index, size_t item, int stage,
                           int64_t scheduled, int64_t planned, bool closed) {
  Slot& slot = shared_->slots.emplace_back();
  RequestRecord& r = slot.record;
  r.index = index;
  r.item = item;
  r.stage = stage;
  r.scheduled_ns = scheduled;
  r.planned_ns = planned;
  r.closed_loop = closed;
  r.state = RequestState::kDone;
  shared_->in_flight.fetch_add(1);
  shared_->sent.fetch_add(1);
  int64_t start = start_.load();
  r.sent_ns = Now(clock_) - start;
  sender_->Start(item, [sh = shared_, s = &slot, start](Outcome o) {
    int expected = kPending;
    if (!s->state.compare_exchange_strong(expected, kWriting)) return;
    bool failed = !o.error_kind.empty();
    Relative(&o, start);
    s->record.outcome = std::move(o);
    s->state.store(kFilled, std::memory_order_release);
    sh->done.fetch_add(1);
    if (failed) sh->errors.fetch_add(1);
    std::lock_guard<std::mutex> lock(sh->mu);
    sh->in_flight.fetch_sub(1);
    sh->cv.notify_all();
  });
  return &slot;
}

void Driver::Skip(size_t index, const Arrival& a, int64_t planned,
                  RequestState state, const ItemPicker& pick) {
  RequestRecord r;
  r.index = static_cast<int64_t>(index);
  r.stage = a.stage;
  r.scheduled_ns = a.t_ns;
  r.planned_ns = planned;
  r.state = state;
  r.item = pick(per_stage_[r.stage]++, a.item);
  not_sent_.push_back(std::move(r));
  if (state == RequestState::kLate) shared_->late.fetch_add(1);
}

void Driver::RunOpen(const Schedule& s, const ItemPicker& pick) {
  const int cap = options_.max_in_flight;
  const int window = options_.client_window;
  const int limit = cap > 0 && (window <= 0 || cap < window) ? cap : window;
  const double catch_up = std::max(1.0, options_.catch_up);
  const int64_t max_lag = options_.max_lag.count();
  const int64_t start = start_.load();
  int64_t prev = 0;
  bool held = false;  // the previous request was held by the cap
  size_t i = 0;
  for (; i < s.arrivals.size(); ++i) {
    const Arrival& a = s.arrivals[i];
    const int64_t deadline = max_lag > 0 ? start + a.t_ns + max_lag : INT64_MAX;
    const auto gap = static_cast<int64_t>(a.min_gap_ns / catch_up);
    int64_t planned = a.t_ns;
    if (held) planned = std::max(planned, prev + gap);
    if (start + planned > deadline) {
      Skip(i, a, planned, RequestState::kLate, pick);
      continue;
    }
    if (!SleepUntil(start + planned)) break;
    if (limit > 0 && shared_->in_flight.load() >= limit) {
      if (!WaitForSlot(limit, deadline)) {
        if (Stopped()) break;
        Skip(i, a, planned, RequestState::kLate, pick);
        continue;
      }
      int64_t freed = Now(clock_) - start;
      // Only the user's cap paces held requests; the window is the client's
      // own limit, and what it held is overdue: it goes out at once.
      if (freed > planned)
        planned = cap > 0 ? std::max(freed, prev + gap) : freed;
      if (start + planned > deadline) {
        Skip(i, a, planned, RequestState::kLate, pick);
        continue;
      }
      if (!SleepUntil(start + planned)) break;
    }
    if (Now(clock_) > deadline) {  // the dispatcher itself fell behind
      Skip(i, a, planned, RequestState::kLate, pick);
      continue;
    }
    held = cap > 0 && planned > a.t_ns;
    prev = planned;
    Send(static_cast<int64_t>(i), pick(per_stage_[a.stage]++, a.item), a.stage,
         a.t_ns, planned, false);
  }
  for (; i < s.arrivals.size(); ++i)
    Skip(i, s.arrivals[i], s.arrivals[i].t_ns, RequestState::kNotSent, pick);
}

void Driver::RunClosed(const Stage& st, int stage, const ItemPicker& pick) {
  const int64_t start = start_.load();
  const int64_t end = start + st.end_ns;
  while (next_index_ < options_.max_requests && !Stopped()) {
    if (!WaitForSlot(st.concurrency, end)) return;
    int64_t now = Now(clock_) - start;
    if (start + now >= end) return;
    int64_t index = next_index_++;
    Send(index, pick(per_stage_[stage]++, {}), stage, now, now, true);
  }
}

void Driver::Drain() {
  Shared& sh = *shared_;
  int64_t deadline = Now(clock_) + options_.drain.count();
  bool stop_seen = false;
  std::unique_lock<std::mutex> lock(sh.mu);
  while (sh.in_flight.load() > 0) {
    int64_t now = Now(clock_);
    if (Stopped() && !stop_seen) {
      stop_seen = true;
      deadline = std::min(deadline, now + options_.stop_drain.count());
    }
    if (now >= deadline) break;
    sleeper_->WaitFor(
        &sh.cv, &lock,
        std::chrono::nanoseconds(std::min(kPoll, deadline - now)));
  }
}

RunResult Driver::Run(const Schedule& schedule, const ItemPicker& pick) {
  RunResult out;
  out.started_wall_ms = clock_->WallMillis();
  // A short lead, so setting up is not counted as the first requests' lag.
  start_ = Now(clock_) + 5'000'000;
  per_stage_.assign(schedule.stages.size() + 1, 0);
  if (schedule.closed()) {
    for (size_t k = 0; k < schedule.stages.size() && !Stopped(); ++k)
      RunClosed(schedule.stages[k], static_cast<int>(k), pick);
  } else {
    RunOpen(schedule, pick);
  }
  Drain();
  out.interrupted = Stopped();
  out.duration_ns = Now(clock_) - start_.load();
  for (Slot& s : shared_->slots) {
    int expected = kPending;
    if (s.state.compare_exchange_strong(expected, kGone)) {
      RequestRecord r = s.record;
      r.state = RequestState::kAbandoned;
      out.records.push_back(std::move(r));
      continue;
    }
    while (s.state.load(std::memory_order_acquire) != kFilled)
      std::this_thread::yield();
    out.records.push_back(s.record);
  }
  for (RequestRecord& r : not_sent_) out.records.push_back(std::move(r));
  std::sort(out.records.begin(), out.records.end(),
            [](const RequestRecord& a, const RequestRecord& b) {
              return a.index < b.index;
            });
  return out;
}

Progress Driver::Snapshot() const {
  Progress p;
  p.elapsed_ns = std::max<int64_t>(0, Now(clock_) - start_.load());
  p.sent = shared_->sent.load();
  p.done = shared_->done.load();
  p.errors = shared_->errors.load();
  p.in_flight = shared_->in_flight.load();
  p.late = shared_->late.load();
  return p;
}

}  // namespace mmgate::load
