// The load runner for plain http:// endpoints, for rates a libcurl client fed
// by one dispatcher thread cannot reach (BENCHMARKS.md, load): each of
// `threads` event loops (a Boost.Asio io_context of its own) owns its
// connections and its share of the schedule (arrival i goes to loop
// i % threads), fires its own timers and sends on its own thread, so no
// request crosses a thread. Requests are written as prebuilt HTTP/1.1 bytes
// on kept-alive connections; replies are read with Boost.Beast's parser into
// a buffer each connection reuses (only the status and the framing are kept
// of the headers), then read by the provider's Wire (load/reply.h).
//
// It keeps Driver's guarantees (driver.h) for an open loop without a
// concurrency cap and for closed-loop stages: every request's scheduled,
// planned and actual send times; a request due while every connection of its
// loop is busy waits in the loop (dispatch lag, in the latency from the
// schedule) and one not sent within `max_lag` is not sent and counted late;
// errors by kind, never in a latency; a stop ends sending at once, waits at
// most `stop_drain` and the partial result is returned; after the last send
// at most `drain`. Like libcurl, a request whose kept-alive connection turns
// out closed before any reply byte is resent once on a new connection.
// Not handled here (prepare.h then picks Driver over libcurl): https,
// streamed answers, a concurrency cap.
//
// Thread-safety: Run() once; Snapshot() from any thread. The clock must tick
// with std::chrono::steady_clock (the loops' timers use it). The ItemPicker
// is called on the calling thread for open loops (every arrival, in schedule
// order, before the first send) but from the loops' threads in closed-loop
// stages: it must be safe to call from several threads at once.
// Failure: each failed request is an Outcome with an error kind
// ("connect_error", "timeout", "connection_reset", "truncated_body",
// "bad_response", or load/reply.h's); nothing throws.
#ifndef MMGATE_LOAD_ASIO_DRIVER_H_
#define MMGATE_LOAD_ASIO_DRIVER_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "load/driver.h"
#include "remote/http.h"
#include "remote/wire.h"

namespace mmgate::load {

// Where and what to send: the endpoint's address and each item's request as
// the bytes of an HTTP/1.1 message.
struct AsioTarget {
  std::string host;  // as in the URL (IPv6 without brackets)
  std::string port;
  std::vector<std::string> requests;
  std::chrono::milliseconds timeout{60000};  // per request (the first's)
  std::chrono::milliseconds connect_timeout{10000};
};

// Invalid when a request is not plain http:// (https, credentials in the
// URL) or the URLs do not share one host and port.
Result<AsioTarget> MakeAsioTarget(
    const std::vector<remote::HttpRequest>& requests);

struct AsioOptions {
  int threads = 1;
  int connections = 32;  // per loop (a closed stage may need more)
  int64_t max_requests = 100000;
  std::chrono::nanoseconds max_lag{0};  // 0: no limit
  std::chrono::nanoseconds drain = std::chrono::seconds(60);
  std::chrono::nanoseconds stop_drain = std::chrono::seconds(2);
  const std::atomic<bool>* stop = nullptr;
  bool keep_answers = false;
  bool openai_chat = false;  // replies are OpenAI chat completions
};

class AsioDriver final : public Runner {
 public:
  // `clock` must outlive Run().
  AsioDriver(Clock* clock, AsioTarget target,
             std::unique_ptr<const remote::Wire> wire,
             remote::WireConfig config, AsioOptions options);
  ~AsioDriver() override;
  RunResult Run(const Schedule& schedule, const ItemPicker& pick) override;
  Progress Snapshot() const override;

  struct Shared;  // what the loops share: read-only in Run but counters

 private:
  std::unique_ptr<Shared> shared_;
};

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_ASIO_DRIVER_H_
