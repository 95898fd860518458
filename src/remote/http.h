// The HTTP seam between provider adapters and the network: adapters build an
// HttpRequest and read an HttpResponse; the Transport is injected, so tests
// drive adapters against local servers or scripted transports.
#ifndef MMGATE_REMOTE_HTTP_H_
#define MMGATE_REMOTE_HTTP_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmgate::remote {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::chrono::milliseconds timeout{60000};  // the whole attempt
  std::chrono::milliseconds connect_timeout{10000};
};

// What went wrong below HTTP; kNone when a complete response arrived.
enum class TransportError {
  kNone,
  kConnect,  // refused, unresolvable, TLS handshake
  kTimeout,  // the attempt's timeout passed (stall before headers or body)
  kReset,    // connection reset or closed before a response
  kPartial,  // the body ended before its announced length or chunk end
  kAborted,  // the body sink asked to stop
  kOther,
};
std::string_view TransportErrorName(TransportError e);

struct HttpResponse {
  int status = 0;  // 0: no status line received
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercase
  std::string body;
  TransportError error = TransportError::kNone;
  std::string error_message;  // transport detail (never holds request headers)
  // Times the request went out. libcurl resends by itself when a reused
  // connection turns out dead before any response byte; the server may have
  // seen (and billed) each, so each counts as an attempt.
  int sends = 1;
  std::optional<std::string> Header(std::string_view lowercase_name) const;
};

// Receives body bytes as they arrive (for streamed answers); returning false
// aborts the transfer.
using BodySink = std::function<bool(std::string_view chunk)>;

// Receives the finished exchange of Transport::Start.
using DoneFn = std::function<void(HttpResponse)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Blocks the calling thread until the exchange ends; many threads may call
  // at once. The full body is always kept in the response, sink or not.
  virtual HttpResponse Send(const HttpRequest& request,
                            const BodySink& sink = nullptr) = 0;
  // Starts the exchange and returns; `done` is called exactly once with the
  // response, `sink` with body bytes as they arrive. An event-loop transport
  // calls both on its own thread (they must be brief and must not call Send
  // there) and may call them before Start returns. The default sends on the
  // calling thread, so scripted transports work unchanged. Used by the load
  // generator, which must never hold a thread per request in flight.
  virtual void Start(HttpRequest request, BodySink sink, DoneFn done) {
    done(Send(request, sink));
  }
};

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_HTTP_H_
