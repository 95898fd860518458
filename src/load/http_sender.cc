#include "load/http_sender.h"

#include <fmt/format.h>

#include <optional>

#include "common/redact.h"
#include "load/reply.h"
#include "remote/retry.h"
#include "remote/sse.h"

namespace mmgate::load {

struct HttpSender::Exchange {
  std::unique_ptr<remote::StreamState> stream;
  std::optional<remote::SseParser> sse;
  Status stream_status;
  size_t answer_len = 0;
  Outcome out;
  OutcomeFn done;
};

HttpSender::HttpSender(
    std::vector<remote::HttpRequest> requests,
    std::unique_ptr<remote::Wire> wire, remote::WireConfig config,
    std::vector<std::shared_ptr<remote::Transport>> transports, Clock* clock,
    HttpSenderOptions options)
    : requests_(std::move(requests)),
      wire_(std::move(wire)),
      config_(std::move(config)),
      transports_(std::move(transports)),
      clock_(clock),
      options_(options) {}

void HttpSender::Start(size_t item, OutcomeFn done) {
  auto x = std::make_shared<Exchange>();
  x->done = std::move(done);
  x->stream = wire_->NewStream(config_);
  remote::BodySink sink;
  if (x->stream) {
    Exchange* raw = x.get();
    Clock* clock = clock_;
    x->sse.emplace([raw, clock](const remote::SseEvent& e) {
      try {
        raw->stream_status = raw->stream->OnEvent(e);
      } catch (const std::exception& ex) {
        raw->stream_status = Status::Corrupt(fmt::format(
            "stream event has an unexpected shape ({})", ex.what()));
      }
      size_t len = raw->stream->response.answer.size();
      if (len > raw->answer_len) {
        int64_t now = clock->Monotonic().count();
        if (raw->out.first_token_ns < 0) raw->out.first_token_ns = now;
        raw->out.token_ns.push_back(now);
        raw->answer_len = len;
      }
      return raw->stream_status.ok();
    });
    sink = [raw](std::string_view chunk) { return raw->sse->Feed(chunk); };
  }
  auto& transport = transports_[next_++ % transports_.size()];
  transport->Start(
      requests_[item % requests_.size()], std::move(sink),
      [this, x](remote::HttpResponse r) { Finish(x.get(), std::move(r)); });
}

void HttpSender::Finish(Exchange* x, remote::HttpResponse raw) const {
  Outcome& o = x->out;
  o.end_ns = clock_->Monotonic().count();
  o.http_status = raw.status;
  auto fail = [&](std::string kind, const std::string& message) {
    o.error_kind = std::move(kind);
    o.error = Redact(message);
    x->done(std::move(o));
  };
  if (raw.status >= 400)
    return fail(
        remote::ErrorKindFor(raw),
        fmt::format("HTTP {}: {}", raw.status, wire_->ErrorMessage(raw.body)));
  if (x->stream && !x->stream_status.ok()) {
    bool corrupt = x->stream_status.code() == StatusCode::kCorrupt;
    return fail(corrupt ? "bad_response" : "stream_error",
                x->stream_status.message());
  }
  if (raw.error != remote::TransportError::kNone)
    return fail(remote::ErrorKindFor(raw), raw.error_message);
  if (raw.status < 200 || raw.status >= 300)
    return fail("bad_response", fmt::format("HTTP {}: {}", raw.status,
                                            remote::Preview(raw.body)));
  auto type = raw.Header("content-type");
  bool whole = !x->stream ||
               (type && type->find("application/json") != std::string::npos);
  if (whole) {
    ReadWholeReply(*wire_, config_, raw.status, raw.body, options_.keep_answers,
                   &o);
    x->done(std::move(o));
    return;
  }
  if (!x->stream->Complete() || x->sse->HasPartial())
    return fail("truncated_stream", "stream ended before its end marker");
  ModelResponse& r = x->stream->response;
  o.input_tokens = r.input_tokens;
  o.output_tokens = r.output_tokens;
  if (options_.keep_answers) o.answer = std::move(r.answer);
  x->done(std::move(o));
}

}  // namespace mmgate::load
