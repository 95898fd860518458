// Internal to asio_driver: one event loop of AsioDriver, with its
// connections, its share of the schedule and its records.
//
// Thread-safety: a Loop runs on one thread; only the counters are read from
// others. Everything in Shared but the counters and the closed-loop index
// counters is written before the loops start and only read while they run.
#ifndef MMGATE_LOAD_ASIO_LOOP_H_
#define MMGATE_LOAD_ASIO_LOOP_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "load/asio_driver.h"
#include "load/reply.h"

namespace mmgate::load {

// Written by one loop only (plain stores), read by Snapshot.
struct alignas(64) LoopCounters {
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> late{0};
};

struct AsioDriver::Shared {
  Clock* clock = nullptr;
  AsioTarget target;
  std::unique_ptr<const remote::Wire> wire;
  remote::WireConfig config;
  AsioOptions options;
  boost::asio::ip::tcp::endpoint endpoint;
  std::string resolve_error;  // set: every connection attempt fails with it
  const Schedule* schedule = nullptr;
  const ItemPicker* pick = nullptr;
  std::vector<RequestRecord>* records = nullptr;      // open loop, by arrival
  std::atomic<int64_t> start{0};                      // monotonic ns
  std::atomic<int64_t> next_index{0};                 // closed loop
  std::unique_ptr<std::atomic<int64_t>[]> per_stage;  // closed: picked so far
  std::unique_ptr<LoopCounters[]> counters;

  int64_t Now() const { return clock->Monotonic().count(); }
  bool Stopped() const { return options.stop && options.stop->load(); }
};

class Loop {
 public:
  Loop(AsioDriver::Shared* shared, int id);
  ~Loop();
  void AddArrival(size_t index) { mine_.push_back(index); }
  // Closed loop: this loop's share of each stage's concurrency.
  void SetShares(std::vector<int> shares) { shares_ = std::move(shares); }
  void Run();
  std::deque<RequestRecord>& closed_records() { return closed_; }

 private:
  struct Conn;
  // Scheduling.
  void OnTick();
  void SendDue(int64_t now);
  void ArmTick();
  void OnStage();
  bool ClosedNext(Conn* c);
  void Release(Conn* c);
  void Next(Conn* c);
  bool IsLate(size_t index, int64_t now) const;
  void MarkLate(size_t index);
  void SendingDone();
  void MaybeFinish();
  void Finish();
  void ArmPoll();
  void OnPoll();
  void Stop(int64_t now);
  void AbandonAll();
  // One exchange.
  void Send(Conn* c, RequestRecord* r);
  void Connect(Conn* c);
  void Write(Conn* c);
  void WaitRead(Conn* c);
  void OnReadable(Conn* c);
  bool Parse(Conn* c, boost::system::error_code* ec);
  void AtEof(Conn* c);
  void Lost(Conn* c, const boost::system::error_code& ec);
  void Complete(Conn* c);
  void Failed(Conn* c, const char* kind, const std::string& message);
  void Done(Conn* c);
  void Close(Conn* c);

  AsioDriver::Shared* sh_;
  LoopCounters* ctr_;
  ReplyReader reader_;
  int64_t start_ = 0;
  boost::asio::io_context ctx_{1};
  boost::asio::steady_timer tick_{ctx_};
  boost::asio::steady_timer poll_{ctx_};
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> idle_;
  int busy_ = 0;
  bool closed_loop_ = false;
  bool sending_done_ = false;
  bool stopping_ = false;
  bool finished_ = false;
  int64_t drain_until_ = INT64_MAX;
  // Open loop: the arrivals of this loop, the next one due, and those due
  // while every connection was busy.
  std::vector<size_t> mine_;
  size_t next_ = 0;
  std::deque<size_t> waiting_;
  // Closed loop.
  std::vector<int> shares_;
  size_t stage_ = 0;
  int share_ = 0;
  int64_t stage_end_ = 0;
  std::deque<RequestRecord> closed_;
};

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_ASIO_LOOP_H_
