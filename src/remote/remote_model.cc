#include "remote/remote_model.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "common/hash.h"
#include "common/redact.h"
#include "score/json_schema.h"

namespace mmgate::remote {
namespace {

// Runs a wire's reading of a reply. A reply of the wrong shape ("content": 5,
// "usage": "x") can make the JSON library throw; that is a corrupt reply of
// this item, never an exception leaving Answer() or, from the body sink,
// unwinding through libcurl's event loop.
template <typename Read>
auto Fenced(Read&& read, const std::string& what, std::string_view reply)
    -> decltype(read()) {
  try {
    return read();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt(fmt::format("{} has an unexpected shape ({}): {}",
                                       what, e.what(), Preview(reply)));
  }
}

Result<HttpRequest> BuildFenced(const Wire& wire, const ModelRequest& request,
                                const RemoteSettings& settings) {
  try {
    return wire.Build(request, settings.wire);
  } catch (const nlohmann::json::exception& e) {
    // Text that is not UTF-8 cannot be sent as JSON.
    return Status::Invalid(
        fmt::format("item {}: {} request cannot be encoded ({})",
                    request.item_id, settings.provider, e.what()));
  }
}

double MillisBetween(std::chrono::nanoseconds a, std::chrono::nanoseconds b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Seconds of audio from a RIFF/WAVE header; -1 if it is not one.
double WavSeconds(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[44];
  if (!in.read(header, sizeof header)) return -1;
  if (std::string_view(header, 4) != "RIFF" ||
      std::string_view(header + 8, 4) != "WAVE")
    return -1;
  auto u32 = [&](int at) {
    return static_cast<uint32_t>(static_cast<unsigned char>(header[at])) |
           static_cast<uint32_t>(static_cast<unsigned char>(header[at + 1]))
               << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(header[at + 2]))
               << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(header[at + 3]))
               << 24;
  };
  uint32_t byte_rate = u32(28);
  if (byte_rate == 0) return -1;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return -1;
  return static_cast<double>(size - 44) / byte_rate;
}

}  // namespace

int64_t EstimateInputTokens(const ModelRequest& request,
                            const std::string& system, int64_t image_tokens,
                            double audio_tokens_per_s) {
  int64_t tokens =
      static_cast<int64_t>((request.prompt.size() + system.size() + 3) / 4) + 4;
  for (const MediaRef& m : request.media) {
    if (m.type == "image") {
      tokens += image_tokens;
    } else if (m.type == "audio") {
      double seconds = WavSeconds(m.abs_path);
      if (seconds < 0) {
        // Compressed audio: assume ~16 kB per second.
        std::error_code ec;
        auto size = std::filesystem::file_size(m.abs_path, ec);
        seconds = ec ? 0 : static_cast<double>(size) / 16000.0;
      }
      tokens += static_cast<int64_t>(seconds * audio_tokens_per_s + 0.5);
    }
  }
  return tokens;
}

RemoteModel::RemoteModel(std::unique_ptr<Wire> wire, RemoteSettings settings,
                         RemoteDeps deps)
    : wire_(std::move(wire)),
      settings_(std::move(settings)),
      deps_(std::move(deps)),
      rng_(deps_.seed),
      template_hash_(Sha256Hex(settings_.wire.system + '\0' +
                               settings_.wire.prompt_template)
                         .substr(0, 12)) {}

int RemoteModel::Concurrency() const {
  return deps_.limiter ? deps_.limiter->limits().concurrency : 0;
}

std::string RemoteModel::CacheKey(const ModelRequest& request) const {
  const WireConfig& w = settings_.wire;
  Sha256 h;
  h.Feed("mmgate-cache-v1")
      .Feed(settings_.provider)
      .Feed(w.base_url)
      .Feed(w.model)
      .Feed(w.endpoint)
      .Feed(w.system)
      .Feed(w.prompt_template)
      .Feed(w.parameters.dump())
      .Feed(w.json_schema.dump())
      .Feed(request.prompt);
  for (const MediaRef& m : request.media) {
    h.Feed(m.type);
    // An unreadable file hashes as its path; the call then fails anyway and
    // errors are never cached.
    if (!h.FeedFile(m.abs_path).ok()) h.Feed(m.path);
  }
  return h.HexDigest();
}

int64_t RemoteModel::EstimateInputTokens(const ModelRequest& request) const {
  return remote::EstimateInputTokens(request, settings_.wire.system,
                                     settings_.image_tokens,
                                     settings_.audio_tokens_per_s);
}

std::vector<AttemptInfo> RemoteModel::TakeAttempts() {
  return std::exchange(attempts_, {});
}

std::optional<ModelResponse> RemoteModel::Attempt(const ModelRequest& request,
                                                  const HttpRequest& http,
                                                  AttemptInfo* a,
                                                  bool* retryable,
                                                  HttpResponse* raw) {
  Clock* clock = deps_.clock;
  std::unique_ptr<StreamState> stream = wire_->NewStream(settings_.wire);
  Status stream_status;
  auto t0 = clock->Monotonic();
  std::optional<SseParser> sse;
  BodySink sink;
  if (stream) {
    sse.emplace([&](const SseEvent& e) {
      stream_status = Fenced([&] { return stream->OnEvent(e); },
                             settings_.provider + " stream event", e.data);
      if (stream->got_content && a->ttft_ms < 0)
        a->ttft_ms = MillisBetween(t0, clock->Monotonic());
      return stream_status.ok();
    });
    // An error status's JSON body holds no events; its status is checked
    // first below, whatever the parser saw.
    sink = [&](std::string_view chunk) { return sse->Feed(chunk); };
  }
  *raw = deps_.transport->Send(http, sink);
  a->latency_ms = MillisBetween(t0, clock->Monotonic());
  a->http_status = raw->status;
  *retryable = false;

  auto fail = [&](std::string kind, const std::string& message,
                  bool retry) -> std::optional<ModelResponse> {
    a->error_kind = std::move(kind);
    a->error = Redact(message);
    *retryable = retry;
    return std::nullopt;
  };
  if (raw->status >= 400) {
    return fail(
        ErrorKindFor(*raw),
        fmt::format("HTTP {}: {}", raw->status, wire_->ErrorMessage(raw->body)),
        RetryableStatus(raw->status));
  }
  if (stream && !stream_status.ok()) {
    // An error event inside a 200 stream is a failure, not an answer.
    bool corrupt = stream_status.code() == StatusCode::kCorrupt;
    return fail(corrupt ? "bad_response" : "stream_error",
                stream_status.message(), !corrupt);
  }
  if (raw->error != TransportError::kNone) {
    std::string what =
        raw->status == 0
            ? raw->error_message
            : fmt::format("HTTP {} then {}", raw->status, raw->error_message);
    return fail(ErrorKindFor(*raw), what, true);
  }
  if (raw->status < 200 || raw->status >= 300) {
    return fail("bad_response",
                fmt::format("HTTP {}: {}", raw->status, Preview(raw->body)),
                false);
  }
  ModelResponse r;
  auto type = raw->Header("content-type");
  if (stream && type && type->find("application/json") != std::string::npos) {
    // A compatible server that ignores `stream: true` answers whole.
    stream.reset();
  }
  if (stream) {
    if (!stream->Complete() || sse->HasPartial()) {
      return fail("truncated_stream",
                  "stream ended before its end marker: " +
                      Preview(stream->response.answer),
                  true);
    }
    r = std::move(stream->response);
  } else {
    auto parsed = Fenced(
        [&] { return wire_->Parse(raw->body, settings_.wire); },
        fmt::format("{} reply (HTTP {})", settings_.provider, raw->status),
        raw->body);
    if (!parsed.ok()) {
      bool corrupt = parsed.status().code() == StatusCode::kCorrupt;
      return fail(corrupt ? "bad_response" : "provider_error",
                  parsed.status().message(), false);
    }
    r = std::move(*parsed);
  }
  a->input_tokens = r.input_tokens;
  a->output_tokens = r.output_tokens;
  r.ttft_ms = a->ttft_ms;
  r.template_hash = template_hash_;
  if (!settings_.wire.json_schema.is_null()) {
    // No repair pass follows, so this is the first-pass validity.
    auto check = score::CheckJsonSchema(r.answer, settings_.wire.json_schema);
    if (check.ok()) r.schema_valid = check->valid ? 1 : 0;
  }
  return r;
}

Result<ModelResponse> RemoteModel::Answer(const ModelRequest& request) {
  attempts_.clear();
  auto built = BuildFenced(*wire_, request, settings_);
  if (!built.ok()) return built.status();
  HttpRequest http = std::move(*built);
  Clock* clock = deps_.clock;
  const RetryPolicy& policy = settings_.retry;
  int64_t tokens = EstimateInputTokens(request);
  auto start = clock->Monotonic();
  Millis pending_wait{0};
  for (int n = 1;; ++n) {
    AttemptInfo a;
    a.number = n;
    HttpResponse raw;
    bool retryable = false;
    std::optional<ModelResponse> answer;
    {
      Millis rate_wait{0};
      Limiter::Slot slot =
          deps_.limiter->Acquire(tokens, deps_.waiter, &rate_wait);
      a.wait_ms = static_cast<double>((pending_wait + rate_wait).count());
      Millis left = policy.deadline - std::chrono::duration_cast<Millis>(
                                          clock->Monotonic() - start);
      http.timeout =
          std::max(Millis(1), std::min(settings_.attempt_timeout, left));
      answer = Attempt(request, http, &a, &retryable, &raw);
    }
    for (int resent = 1; resent < raw.sends; ++resent) {
      AttemptInfo lost;
      lost.number = n++;
      lost.error_kind = "connection_reset";
      lost.error =
          "connection closed before any response; resent on a new connection";
      lost.wait_ms = a.wait_ms;
      a.wait_ms = 0;
      attempts_.push_back(lost);
    }
    a.number = n;
    attempts_.push_back(a);
    if (answer) return std::move(*answer);
    auto failed = [&](const std::string& why) {
      return Status::EngineError(
          Redact(fmt::format("item {}: {} {} after {} attempt{}: {}{}",
                             request.item_id, settings_.provider, a.error_kind,
                             n, n == 1 ? "" : "s", a.error, why)));
    };
    if (!retryable) return failed("");
    if (n >= policy.max_attempts) return failed(" (attempts exhausted)");
    std::optional<Millis> server = ServerWait(raw, clock->WallMillis());
    Millis wait = server ? *server : Backoff(n, policy, &rng_);
    Millis spent =
        std::chrono::duration_cast<Millis>(clock->Monotonic() - start);
    if (spent + wait >= policy.deadline)
      return failed(fmt::format(" (next wait {} ms passes the {} s deadline)",
                                wait.count(), policy.deadline.count() / 1000));
    deps_.waiter->Wait(wait);
    pending_wait = wait;
  }
}

}  // namespace mmgate::remote
