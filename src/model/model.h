// The model interface every engine and provider implements: a request (one
// item's prompt and media) in, an answer (text, token usage, output media)
// out, blocking or issued with a completion. Below adapter/ and remote/, which
// implement it; the factory that makes models is adapter/factory.h.
#ifndef MMGATE_MODEL_MODEL_H_
#define MMGATE_MODEL_MODEL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "dataset/item.h"

namespace mmgate {

struct ModelRequest {
  std::string item_id;
  std::string modality;
  std::string prompt;
  std::vector<MediaRef> media;  // abs_path set and readable
  nlohmann::json params = nlohmann::json::object();
};

// A medium a model produced (a speech synthesiser's audio, a generated image).
struct MediaOutput {
  std::string type;       // "audio" | "image" (open set)
  std::string mime_type;  // "audio/wav", "image/png"...
  std::string bytes;
};

struct ModelResponse {
  std::string answer;
  int64_t input_tokens = -1;  // -1: not reported
  int64_t output_tokens = -1;
  double ttft_ms = -1;        // streamed answers: time to first token
  std::string template_hash;  // prompt template version, if the model has one
  int schema_valid = -1;      // structured answers: 1 valid on first pass
  std::vector<MediaOutput> media;  // empty for text-only answers
};

// One call to a provider, recorded whether it succeeded or not (the runner
// stores every one: cost per query includes retries).
struct AttemptInfo {
  int number = 1;          // 1-based within the item
  int http_status = 0;     // 0: no HTTP response
  std::string error_kind;  // empty on success, e.g. "rate_limited"
  std::string error;       // redacted message
  double latency_ms = 0;
  double ttft_ms = -1;
  double wait_ms = 0;  // backoff, Retry-After and rate-limit wait before it
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
};

// How an issued request ended: the answer or the item's error, and the
// provider calls it took (empty for local engines).
struct Completion {
  Result<ModelResponse> response;
  std::vector<AttemptInfo> attempts;
};
using CompletionFn = std::function<void(Completion)>;

// Thread-safety: an instance is used by one thread at a time (the runner
// creates one per worker); Answer() and Issue() on one instance are not called
// concurrently. Failure: a failed answer is a per-item error (data), never an
// exception or a crash.
class Model {
 public:
  virtual ~Model() = default;
  // Engine version plus a hash of the configuration, e.g.
  // "tesseract 5.3.0 cfg:1a2b3c4d"; stored with every response.
  virtual std::string Version() const = 0;
  virtual Result<ModelResponse> Answer(const ModelRequest& request) = 0;
  // Starts answering `request` and calls `done` exactly once with the
  // outcome and its attempts (MLPerf LoadGen's IssueQuery). The default
  // answers on the calling thread and calls `done` there before returning,
  // so it blocks like Answer(); every model uses it today, remote ones too
  // (their retries and rate limits wait on the calling thread). A model that
  // completes asynchronously may call `done` from another thread, before or
  // after Issue returns, and says so in its header. `done` must not call back
  // into this instance.
  virtual void Issue(const ModelRequest& request, CompletionFn done);
  // Calls in flight the model wants (remote providers); 0: one per core.
  virtual int Concurrency() const { return 0; }
  // The response-cache key of a request (model, parameters, prompt, media
  // hashes); empty: answers are not cached.
  virtual std::string CacheKey(const ModelRequest& request) const { return {}; }
  // Input tokens a request would be billed, estimated before sending it
  // (for --dry-run and token rate limits); -1: the model is not billed.
  virtual int64_t EstimateInputTokens(const ModelRequest& request) const {
    return -1;
  }
  // The attempts of the last Answer() call (empty for local engines).
  virtual std::vector<AttemptInfo> TakeAttempts() { return {}; }
};

}  // namespace mmgate

#endif  // MMGATE_MODEL_MODEL_H_
