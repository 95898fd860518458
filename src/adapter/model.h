// The model interface every engine and provider adapter implements.
#ifndef MMGATE_ADAPTER_MODEL_H_
#define MMGATE_ADAPTER_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

struct ModelResponse {
  std::string answer;
  int64_t input_tokens = -1;  // -1: not reported
  int64_t output_tokens = -1;
  double ttft_ms = -1;        // streamed answers: time to first token
  std::string template_hash;  // prompt template version, if the model has one
  int schema_valid = -1;      // structured answers: 1 valid on first pass
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

// One instance is used by one thread at a time; the runner creates one per
// worker. A failed Answer() is a per-item error (data), never a crash.
class Model {
 public:
  virtual ~Model() = default;
  // Engine version plus a hash of the configuration, e.g.
  // "tesseract 5.3.0 cfg:1a2b3c4d"; stored with every response.
  virtual std::string Version() const = 0;
  virtual Result<ModelResponse> Answer(const ModelRequest& request) = 0;
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

// Makes a model from its spec; an unknown provider or bad parameter is an
// error naming the model.
Result<std::unique_ptr<Model>> CreateModel(const ModelSpec& spec);

}  // namespace mmgate

#endif  // MMGATE_ADAPTER_MODEL_H_
