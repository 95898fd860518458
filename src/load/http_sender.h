// The Sender that speaks a provider's wire (remote/wire.h) over the remote
// transport's asynchronous Start (libcurl multi: no thread per request in
// flight). Request bodies are built once per item before the run, so the
// hot path only copies them. Streams are read with remote/sse: the time of
// every content event is kept (TTFT, inter-token latency, TPOT), and an
// in-band error event is an error, never a success.
//
// Thread-safety: Start() from any thread; completions run on a transport's
// event-loop thread. Failure: every failure is an Outcome with an error kind
// (remote/retry.h's names, plus "stream_error", "truncated_stream",
// "bad_response", "provider_error"); nothing throws.
#ifndef MMGATE_LOAD_HTTP_SENDER_H_
#define MMGATE_LOAD_HTTP_SENDER_H_

#include <atomic>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "load/driver.h"
#include "remote/http.h"
#include "remote/wire.h"

namespace mmgate::load {

struct HttpSenderOptions {
  bool keep_answers = false;  // keep answer text (to score it afterwards)
};

class HttpSender final : public Sender {
 public:
  // `requests[i]` is item i's prebuilt request; transports are used in turn
  // (several event loops spread the client's work over cores).
  HttpSender(std::vector<remote::HttpRequest> requests,
             std::unique_ptr<remote::Wire> wire, remote::WireConfig config,
             std::vector<std::shared_ptr<remote::Transport>> transports,
             Clock* clock, HttpSenderOptions options = {});
  size_t items() const override { return requests_.size(); }
  void Start(size_t item, OutcomeFn done) override;

 private:
  struct Exchange;
  void Finish(Exchange* x, remote::HttpResponse raw) const;

  std::vector<remote::HttpRequest> requests_;
  std::unique_ptr<remote::Wire> wire_;
  remote::WireConfig config_;
  std::vector<std::shared_ptr<remote::Transport>> transports_;
  Clock* clock_;
  HttpSenderOptions options_;
  std::atomic<size_t> next_{0};
};

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_HTTP_SENDER_H_
