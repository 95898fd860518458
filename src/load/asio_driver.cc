#include "load/asio_driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "load/asio_loop.h"

namespace mmgate::load {
namespace {

// A short lead, so setting up is not counted as the first requests' lag.
constexpr int64_t kLead = 5'000'000;

void Resolve(AsioDriver::Shared* sh) {
  boost::asio::io_context ctx;
  boost::asio::ip::tcp::resolver resolver(ctx);
  boost::system::error_code ec;
  auto found = resolver.resolve(sh->target.host, sh->target.port, ec);
  if (ec || found.empty()) {
    sh->resolve_error =
        fmt::format("cannot resolve {}: {}", sh->target.host,
                    ec ? ec.message() : std::string("no address"));
    return;
  }
  sh->endpoint = found.begin()->endpoint();
}

// Records of every arrival, made before the run (the item of each picked in
// schedule order, so each stage's round robin is as Driver's), dealt to the
// loops in turn.
std::vector<RequestRecord> OpenRecords(
    const Schedule& s, const ItemPicker& pick,
    std::vector<std::unique_ptr<Loop>>* loops) {
  std::vector<RequestRecord> records(s.arrivals.size());
  std::vector<int64_t> per_stage(s.stages.size() + 1, 0);
  for (size_t i = 0; i < s.arrivals.size(); ++i) {
    const Arrival& a = s.arrivals[i];
    RequestRecord& r = records[i];
    r.index = static_cast<int64_t>(i);
    r.stage = a.stage;
    r.scheduled_ns = r.planned_ns = a.t_ns;
    r.state = RequestState::kNotSent;
    r.item = pick(per_stage[a.stage]++, a.item);
    (*loops)[i % loops->size()]->AddArrival(i);
  }
  return records;
}

// Each closed stage's concurrency split over the loops.
void SetShares(const Schedule& s, std::vector<std::unique_ptr<Loop>>* loops) {
  int n = static_cast<int>(loops->size());
  for (int j = 0; j < n; ++j) {
    std::vector<int> shares;
    for (const Stage& st : s.stages)
      shares.push_back(st.concurrency / n + (j < st.concurrency % n ? 1 : 0));
    (*loops)[j]->SetShares(std::move(shares));
  }
}

}  // namespace

AsioDriver::AsioDriver(Clock* clock, AsioTarget target,
                       std::unique_ptr<const remote::Wire> wire,
                       remote::WireConfig config, AsioOptions options)
    : shared_(std::make_unique<Shared>()) {
  Shared& sh = *shared_;
  sh.clock = clock;
  sh.target = std::move(target);
  sh.wire = std::move(wire);
  sh.config = std::move(config);
  sh.options = options;
  sh.options.threads = std::max(1, options.threads);
  sh.options.connections = std::max(1, options.connections);
  sh.counters = std::make_unique<LoopCounters[]>(sh.options.threads);
}

AsioDriver::~AsioDriver() = default;

RunResult AsioDriver::Run(const Schedule& schedule, const ItemPicker& pick) {
  Shared& sh = *shared_;
  RunResult out;
  out.started_wall_ms = sh.clock->WallMillis();
  Resolve(&sh);
  std::vector<std::unique_ptr<Loop>> loops;
  for (int j = 0; j < sh.options.threads; ++j)
    loops.push_back(std::make_unique<Loop>(&sh, j));
  std::vector<RequestRecord> records;
  if (schedule.closed()) {
    SetShares(schedule, &loops);
    sh.per_stage =
        std::make_unique<std::atomic<int64_t>[]>(schedule.stages.size() + 1);
  } else {
    records = OpenRecords(schedule, pick, &loops);
    sh.records = &records;
  }
  sh.schedule = &schedule;
  sh.pick = &pick;
  sh.start = sh.Now() + kLead;
  std::vector<std::thread> threads;
  for (size_t j = 1; j < loops.size(); ++j)
    threads.emplace_back([&loops, j] { loops[j]->Run(); });
  loops[0]->Run();
  for (std::thread& t : threads) t.join();
  out.interrupted = sh.Stopped();
  out.duration_ns = sh.Now() - sh.start.load();
  if (schedule.closed()) {
    for (auto& loop : loops) {
      for (RequestRecord& r : loop->closed_records())
        records.push_back(std::move(r));
    }
    std::sort(records.begin(), records.end(),
              [](const RequestRecord& a, const RequestRecord& b) {
                return a.index < b.index;
              });
  }
  out.records = std::move(records);
  return out;
}

Progress AsioDriver::Snapshot() const {
  const Shared& sh = *shared_;
  Progress p;
  int64_t start = sh.start.load();
  p.elapsed_ns = start == 0 ? 0 : std::max<int64_t>(0, sh.Now() - start);
  for (int j = 0; j < sh.options.threads; ++j) {
    const LoopCounters& c = sh.counters[j];
    p.sent += c.sent.load(std::memory_order_relaxed);
    p.done += c.done.load(std::memory_order_relaxed);
    p.errors += c.errors.load(std::memory_order_relaxed);
    p.in_flight += c.in_flight.load(std::memory_order_relaxed);
    p.late += c.late.load(std::memory_order_relaxed);
  }
  return p;
}

}  // namespace mmgate::load
