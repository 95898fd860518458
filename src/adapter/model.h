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
};

// Makes a model from its spec; an unknown provider or bad parameter is an
// error naming the model.
Result<std::unique_ptr<Model>> CreateModel(const ModelSpec& spec);

}  // namespace mmgate

#endif  // MMGATE_ADAPTER_MODEL_H_
