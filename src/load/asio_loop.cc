#include "load/asio_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <cstring>
#include <optional>

#include "load/reply.h"

namespace mmgate::load {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using BeastView = boost::beast::string_view;

constexpr size_t kBuffer = 16 * 1024;
constexpr uint64_t kMaxBody = 64ull << 20;
constexpr auto kPoll = std::chrono::milliseconds(20);  // stop and timeouts

// Beast's HTTP/1.1 response parser keeping only the status and the body:
// framing (Content-Length, chunked, keep-alive) is Beast's, and no header is
// copied, so a reply costs no allocation once the body's buffer has grown.
class ReplyParser final : public http::basic_parser<false> {
 public:
  explicit ReplyParser(std::string* body) : body_(body) {
    eager(true);
    header_limit(64 * 1024);
    body_limit(kMaxBody);
  }
  int status() const { return status_; }

 private:
  void on_request_impl(http::verb, BeastView, BeastView, int,
                       error_code& ec) override {
    ec = http::error::bad_method;
  }
  void on_response_impl(int code, BeastView, int, error_code&) override {
    status_ = code;
  }
  void on_field_impl(http::field, BeastView, BeastView, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         error_code&) override {
    // simdjson reads up to 64 bytes past the end: room for them spares a
    // copy of the body.
    if (length) body_->reserve(*length + 64);
  }
  size_t on_body_impl(BeastView s, error_code&) override {
    body_->append(s.data(), s.size());
    return s.size();
  }
  void on_chunk_header_impl(std::uint64_t, BeastView, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, BeastView s, error_code&) override {
    body_->append(s.data(), s.size());
    return s.size();
  }
  void on_finish_impl(error_code&) override {}

  std::string* body_;
  int status_ = 0;
};

// Counters have one writer (their loop): a plain store is enough.
void Bump(std::atomic<int64_t>* a, int64_t by) {
  a->store(a->load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

bool WouldBlock(const error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

struct Loop::Conn {
  explicit Conn(asio::io_context& ctx) : sock(ctx) {}
  tcp::socket sock;
  std::vector<char> in = std::vector<char>(kBuffer);
  size_t have = 0;  // unparsed bytes at the front of `in`
  std::string body;
  std::optional<ReplyParser> parser;
  RequestRecord* rec = nullptr;  // set while busy
  int64_t deadline = 0;          // the request's timeout (monotonic ns)
  int64_t connect_deadline = INT64_MAX;
  uint64_t gen = 0;  // bumped when a request is given up: its handlers stale
  bool open = false;
  bool reused = false;  // has carried a whole exchange
  bool timed_out = false;
  bool resent = false;
  bool got_bytes = false;  // of the current reply
};

Loop::Loop(AsioDriver::Shared* shared, int id)
    : sh_(shared),
      ctr_(&shared->counters[id]),
      reader_(shared->wire.get(), &shared->config, shared->options.openai_chat,
              shared->options.keep_answers) {}

Loop::~Loop() = default;

void Loop::Run() {
  start_ = sh_->start.load();
  closed_loop_ = sh_->schedule->closed();
  int n = sh_->options.connections;
  for (int s : shares_) n = std::max(n, s);
  for (int i = 0; i < n; ++i) conns_.push_back(std::make_unique<Conn>(ctx_));
  for (auto it = conns_.rbegin(); it != conns_.rend(); ++it)
    idle_.push_back(it->get());
  ArmPoll();
  if (closed_loop_) {
    if (sh_->schedule->stages.empty()) return;
    int64_t first = sh_->schedule->stages.front().start_ns;
    tick_.expires_at(asio::steady_timer::time_point(
        std::chrono::nanoseconds(start_ + first)));
    tick_.async_wait([this](error_code ec) {
      if (!ec) OnStage();
    });
  } else {
    ArmTick();
    if (mine_.empty()) SendingDone();
  }
  ctx_.run();
}

// --- Scheduling ---------------------------------------------------------

bool Loop::IsLate(size_t index, int64_t now) const {
  int64_t lag = sh_->options.max_lag.count();
  return lag > 0 && now > start_ + sh_->schedule->arrivals[index].t_ns + lag;
}

void Loop::MarkLate(size_t index) {
  (*sh_->records)[index].state = RequestState::kLate;
  Bump(&ctr_->late, 1);
}

void Loop::SendDue(int64_t now) {
  const std::vector<Arrival>& arrivals = sh_->schedule->arrivals;
  while (!waiting_.empty() && IsLate(waiting_.front(), now)) {
    MarkLate(waiting_.front());
    waiting_.pop_front();
  }
  while (next_ < mine_.size()) {
    size_t i = mine_[next_];
    if (start_ + arrivals[i].t_ns > now) break;
    ++next_;
    if (IsLate(i, now)) {
      MarkLate(i);
    } else if (idle_.empty()) {
      waiting_.push_back(i);
    } else {
      Conn* c = idle_.back();
      idle_.pop_back();
      Send(c, &(*sh_->records)[i]);
    }
  }
}

void Loop::OnTick() {
  if (stopping_) return;
  // Sending takes time: what fell due meanwhile goes out without a timer.
  int64_t now = sh_->Now();
  do {
    SendDue(now);
    now = sh_->Now();
  } while (next_ < mine_.size() &&
           start_ + sh_->schedule->arrivals[mine_[next_]].t_ns <= now);
  if (next_ == mine_.size() && waiting_.empty()) return SendingDone();
  ArmTick();
}

void Loop::ArmTick() {
  int64_t at = INT64_MAX;
  if (next_ < mine_.size())
    at = start_ + sh_->schedule->arrivals[mine_[next_]].t_ns;
  int64_t lag = sh_->options.max_lag.count();
  if (!waiting_.empty() && lag > 0) {
    at = std::min(
        at, start_ + sh_->schedule->arrivals[waiting_.front()].t_ns + lag + 1);
  }
  if (at == INT64_MAX) return;
  tick_.expires_at(
      asio::steady_timer::time_point(std::chrono::nanoseconds(at)));
  tick_.async_wait([this](error_code ec) {
    if (!ec) OnTick();
  });
}

// A connection freed in the open loop takes the oldest request waiting for
// one, unless that is past max_lag.
void Loop::Release(Conn* c) {
  int64_t now = sh_->Now();
  while (!stopping_ && !waiting_.empty()) {
    size_t i = waiting_.front();
    waiting_.pop_front();
    if (IsLate(i, now)) {
      MarkLate(i);
      continue;
    }
    RequestRecord* r = &(*sh_->records)[i];
    r->planned_ns = now - start_;  // held by the window: overdue, goes now
    return Send(c, r);
  }
  idle_.push_back(c);
  if (next_ == mine_.size()) SendingDone();
}

void Loop::OnStage() {
  if (stopping_) return;
  const std::vector<Stage>& stages = sh_->schedule->stages;
  int64_t now = sh_->Now() - start_;
  while (stage_ < stages.size() && stages[stage_].end_ns <= now) ++stage_;
  if (stage_ >= stages.size()) return SendingDone();
  share_ = shares_[stage_];
  stage_end_ = start_ + stages[stage_].end_ns;
  while (busy_ < share_ && !idle_.empty()) {
    Conn* c = idle_.back();
    idle_.pop_back();
    if (!ClosedNext(c)) {
      idle_.push_back(c);
      break;
    }
  }
  if (sending_done_) return;
  tick_.expires_at(
      asio::steady_timer::time_point(std::chrono::nanoseconds(stage_end_)));
  tick_.async_wait([this](error_code ec) {
    if (!ec) OnStage();
  });
}

// Closed loop: starts the next request on a free connection, unless the
// stage's share is in flight, the stage is over or max_requests is reached.
bool Loop::ClosedNext(Conn* c) {
  static const std::string kNoTraceItem;
  if (stopping_ || sending_done_ || busy_ >= share_) return false;
  int64_t now = sh_->Now();
  if (now >= stage_end_) return false;
  int64_t index = sh_->next_index.fetch_add(1, std::memory_order_relaxed);
  if (index >= sh_->options.max_requests) {
    SendingDone();
    return false;
  }
  int64_t nth = sh_->per_stage[stage_].fetch_add(1, std::memory_order_relaxed);
  RequestRecord& r = closed_.emplace_back();
  r.index = index;
  r.item = (*sh_->pick)(nth, kNoTraceItem);
  r.stage = static_cast<int>(stage_);
  r.scheduled_ns = r.planned_ns = now - start_;
  r.closed_loop = true;
  Send(c, &r);
  return true;
}

void Loop::Next(Conn* c) {
  if (!closed_loop_) return Release(c);
  if (!ClosedNext(c)) {
    idle_.push_back(c);
    MaybeFinish();
  }
}

void Loop::SendingDone() {
  if (!sending_done_) {
    sending_done_ = true;
    drain_until_ =
        std::min(drain_until_, sh_->Now() + sh_->options.drain.count());
  }
  MaybeFinish();
}

void Loop::MaybeFinish() {
  if (sending_done_ && busy_ == 0) Finish();
}

void Loop::Finish() {
  if (finished_) return;
  finished_ = true;
  tick_.cancel();
  poll_.cancel();
  for (auto& c : conns_) Close(c.get());
  ctx_.stop();
}

void Loop::ArmPoll() {
  poll_.expires_after(kPoll);
  poll_.async_wait([this](error_code ec) {
    if (!ec) OnPoll();
  });
}

void Loop::OnPoll() {
  int64_t now = sh_->Now();
  if (!stopping_ && sh_->Stopped()) Stop(now);
  // Another loop reached max_requests: this one may hold no request to
  // find that out by (a stage's share of 0).
  if (closed_loop_ && !sending_done_ &&
      sh_->next_index.load(std::memory_order_relaxed) >=
          sh_->options.max_requests)
    SendingDone();
  for (auto& c : conns_) {
    if (c->rec == nullptr || c->timed_out) continue;
    if (now > c->deadline || now > c->connect_deadline) {
      c->timed_out = true;  // its pending operation ends: Lost() says why
      error_code ec;
      c->sock.close(ec);
    }
  }
  if (sending_done_ && now >= drain_until_) {
    AbandonAll();
    return Finish();
  }
  if (!finished_) ArmPoll();
}

// Requests not sent yet stay kNotSent (their records say so already).
void Loop::Stop(int64_t now) {
  stopping_ = true;
  tick_.cancel();
  next_ = mine_.size();
  waiting_.clear();
  sending_done_ = true;
  drain_until_ = std::min(drain_until_, now + sh_->options.stop_drain.count());
  MaybeFinish();
}

void Loop::AbandonAll() {
  for (auto& c : conns_) {
    if (c->rec == nullptr) continue;
    c->rec->state = RequestState::kAbandoned;
    c->rec = nullptr;
    ++c->gen;
    Close(c.get());
    --busy_;
    Bump(&ctr_->in_flight, -1);
  }
}

// --- One exchange -------------------------------------------------------

void Loop::Send(Conn* c, RequestRecord* r) {
  c->rec = r;
  c->timed_out = c->resent = false;
  ++busy_;
  Bump(&ctr_->sent, 1);
  Bump(&ctr_->in_flight, 1);
  int64_t now = sh_->Now();
  r->sent_ns = now - start_;
  r->state = RequestState::kDone;
  c->deadline = now + std::chrono::nanoseconds(sh_->target.timeout).count();
  if (c->open) return Write(c);
  Connect(c);
}

void Loop::Connect(Conn* c) {
  Close(c);
  c->reused = false;
  if (!sh_->resolve_error.empty()) {
    // Posted: failing at once would recurse through every waiting request.
    return asio::post(
        ctx_, [this, c] { Failed(c, "connect_error", sh_->resolve_error); });
  }
  c->connect_deadline =
      sh_->Now() +
      std::chrono::nanoseconds(sh_->target.connect_timeout).count();
  c->sock.async_connect(sh_->endpoint, [this, c, gen = c->gen](error_code ec) {
    if (gen != c->gen) return;
    c->connect_deadline = INT64_MAX;
    if (ec && c->timed_out) return Lost(c, ec);
    if (ec) {
      return Failed(c, "connect_error",
                    fmt::format("cannot connect to {}:{}: {}", sh_->target.host,
                                sh_->target.port, ec.message()));
    }
    c->open = true;
    error_code ignored;
    c->sock.set_option(tcp::no_delay(true), ignored);
    c->sock.non_blocking(true, ignored);
    Write(c);
  });
}

void Loop::Write(Conn* c) {
  const std::vector<std::string>& requests = sh_->target.requests;
  const std::string& bytes = requests[c->rec->item % requests.size()];
  c->have = 0;
  c->body.clear();
  c->got_bytes = false;
  c->parser.emplace(&c->body);
  error_code ec;
  size_t n = c->sock.write_some(asio::buffer(bytes), ec);
  if (WouldBlock(ec)) {
    n = 0;
    ec = {};
  }
  if (ec) return Lost(c, ec);
  if (n == bytes.size()) return WaitRead(c);
  asio::async_write(c->sock, asio::buffer(bytes.data() + n, bytes.size() - n),
                    [this, c, gen = c->gen](error_code ec, size_t) {
                      if (gen != c->gen) return;
                      if (ec) return Lost(c, ec);
                      WaitRead(c);
                    });
}

// Waits for readiness, then reads without blocking: no read is tried before
// the reply can be there (an async read would try one at once).
void Loop::WaitRead(Conn* c) {
  c->sock.async_wait(tcp::socket::wait_read,
                     [this, c, gen = c->gen](error_code ec) {
                       if (gen != c->gen) return;
                       if (ec) return Lost(c, ec);
                       OnReadable(c);
                     });
}

// Reads until the reply is complete or the socket has no more bytes (the
// reactor is edge-triggered: it only wakes on new bytes).
void Loop::OnReadable(Conn* c) {
  for (;;) {
    if (c->have == c->in.size()) c->in.resize(c->in.size() * 2);
    error_code ec;
    size_t n = c->sock.read_some(
        asio::buffer(c->in.data() + c->have, c->in.size() - c->have), ec);
    if (WouldBlock(ec)) return WaitRead(c);
    if (ec == asio::error::eof) return AtEof(c);
    if (ec) return Lost(c, ec);
    c->got_bytes = true;
    c->have += n;
    error_code pec;
    if (!Parse(c, &pec))
      return Failed(c, "bad_response",
                    "malformed HTTP reply: " + pec.message());
    if (c->parser->is_done()) return Complete(c);
  }
}

bool Loop::Parse(Conn* c, error_code* ec) {
  size_t off = 0;
  while (off < c->have && !c->parser->is_done()) {
    size_t used =
        c->parser->put(asio::buffer(c->in.data() + off, c->have - off), *ec);
    if (*ec == http::error::need_more) {
      *ec = {};
      break;
    }
    if (*ec) return false;
    if (used == 0) break;
    off += used;
  }
  std::memmove(c->in.data(), c->in.data() + off, c->have - off);
  c->have -= off;
  return true;
}

// A body without a length ends with the connection.
void Loop::AtEof(Conn* c) {
  if (c->parser->got_some() && c->parser->need_eof()) {
    error_code ec;
    c->parser->put_eof(ec);
    if (!ec && c->parser->is_done()) return Complete(c);
  }
  Lost(c, asio::error::eof);
}

// The connection failed under the request. A kept-alive connection the server
// closed before any reply byte is retried once on a new one, as libcurl does.
void Loop::Lost(Conn* c, const error_code& ec) {
  if (c->timed_out) {
    return Failed(c, "timeout",
                  fmt::format("no complete reply within {} ms",
                              sh_->target.timeout.count()));
  }
  if (!c->got_bytes && c->reused && !c->resent) {
    c->resent = true;
    return Connect(c);
  }
  if (!c->got_bytes) {
    return Failed(c, "connection_reset",
                  "connection closed before a reply: " + ec.message());
  }
  Failed(c, "truncated_body",
         "connection ended within the reply: " + ec.message());
}

void Loop::Complete(Conn* c) {
  Outcome& o = c->rec->outcome;
  o.end_ns = sh_->Now() - start_;
  bool keep = c->parser->keep_alive();
  reader_.Read(c->parser->status(), c->body, &o);
  c->reused = true;
  if (!keep) Close(c);
  Done(c);
}

void Loop::Failed(Conn* c, const char* kind, const std::string& message) {
  Outcome& o = c->rec->outcome;
  o.end_ns = sh_->Now() - start_;
  o.error_kind = kind;
  o.error = message;
  Close(c);
  Done(c);
}

void Loop::Done(Conn* c) {
  bool failed = !c->rec->outcome.error_kind.empty();
  c->rec = nullptr;
  --busy_;
  Bump(&ctr_->done, 1);
  if (failed) Bump(&ctr_->errors, 1);
  Bump(&ctr_->in_flight, -1);
  Next(c);
}

void Loop::Close(Conn* c) {
  error_code ignored;
  c->sock.close(ignored);
  c->open = false;
}

}  // namespace mmgate::load
