// A Model that answers through a provider's HTTP API: the wire format builds
// and reads the calls, the limiter paces them, and failed attempts are
// retried by the retry policy until the item's deadline. Every attempt is
// kept for the runner to record.
#ifndef MMGATE_REMOTE_REMOTE_MODEL_H_
#define MMGATE_REMOTE_REMOTE_MODEL_H_

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/model.h"
#include "remote/http.h"
#include "remote/limiter.h"
#include "remote/retry.h"
#include "remote/wire.h"

namespace mmgate::remote {

// What a remote model shares with the other worker instances of the same
// model (transport, limiter) and what tests inject (clock, waiter, seed).
struct RemoteDeps {
  std::shared_ptr<Transport> transport;
  std::shared_ptr<Limiter> limiter;
  Clock* clock = nullptr;
  Waiter* waiter = nullptr;
  uint64_t seed = 0;  // jitter stream of this instance
};

struct RemoteSettings {
  std::string provider;  // "openai", "anthropic", "gemini"
  WireConfig wire;
  RetryPolicy retry;
  Millis attempt_timeout{60000};
  Limits limits;
  int64_t image_tokens = 765;      // estimate per image
  double audio_tokens_per_s = 10;  // estimate per second of audio
  std::string version;             // "openai:gpt-4o cfg:1a2b3c4d"
};

// Thread-safety: one thread at a time per instance (Model's contract); the
// instances of one model share the transport and limiter, which are
// thread-safe. Issue() is Model's blocking default: the limiter's slot and
// rate waits and the backoff between attempts wait on the calling thread, so
// an issued request holds its thread like Answer() does.
class RemoteModel final : public Model {
 public:
  RemoteModel(std::unique_ptr<Wire> wire, RemoteSettings settings,
              RemoteDeps deps);
  std::string Version() const override { return settings_.version; }
  Result<ModelResponse> Answer(const ModelRequest& request) override;
  int Concurrency() const override;
  std::string CacheKey(const ModelRequest& request) const override;
  std::vector<AttemptInfo> TakeAttempts() override;
  int64_t EstimateInputTokens(const ModelRequest& request) const override;

 private:
  // One exchange; fills the attempt's outcome. A value when answered.
  std::optional<ModelResponse> Attempt(const ModelRequest& request,
                                       const HttpRequest& http,
                                       AttemptInfo* attempt, bool* retryable,
                                       HttpResponse* raw);
  std::unique_ptr<Wire> wire_;
  RemoteSettings settings_;
  RemoteDeps deps_;
  std::mt19937_64 rng_;
  std::string template_hash_;  // system prompt + template, recorded per answer
  std::vector<AttemptInfo> attempts_;
};

// Tokens a request will be charged for, before sending it: the prompt's
// bytes / 4, plus `image_tokens` per image and `audio_tokens_per_s` per
// second of audio (from the WAV header; other formats by size). Used for the
// tokens-per-minute limit and for `mmgate run --dry-run`.
int64_t EstimateInputTokens(const ModelRequest& request,
                            const std::string& system, int64_t image_tokens,
                            double audio_tokens_per_s);

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_REMOTE_MODEL_H_
