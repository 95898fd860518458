// What answers the requests `mmgate serve` receives: the local engines of a
// project (a pool of instances per model), or canned text for load tests.
#ifndef MMGATE_SERVE_BACKEND_H_
#define MMGATE_SERVE_BACKEND_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapter/factory.h"
#include "common/status.h"
#include "dataset/item.h"
#include "serve/openai_wire.h"

namespace mmgate::serve {

// Called from many server threads at once.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::vector<std::string> Models() const = 0;
  // The model's Version(), or empty when it is not served here.
  virtual std::string Version(const std::string& model) const = 0;
  // `id` names the request in errors, like an item id.
  virtual Result<ModelResponse> Answer(const std::string& id,
                                       const Query& query) = 0;
};

using ModelFactory =
    std::function<Result<std::unique_ptr<Model>>(const ModelSpec&)>;

// Providers that run on this machine: tesseract, pocketsphinx, exec, and
// route when every route leads to one of them.
bool IsLocalModel(const ModelSpec& spec);

// The named models of the project (empty: every local one). A name that is
// missing or not local is an error; one instance of each is made now, so a
// bad config fails before the server starts. At most `instances` per model
// exist (a Model serves one thread at a time); requests beyond that wait.
Result<std::unique_ptr<Backend>> MakeEngineBackend(
    const ProjectConfig& project, const std::vector<std::string>& models,
    int instances, const ModelFactory& make = CreateDefaultModel);

// Answers every question with `answer` (media are parsed and ignored). With
// `models` empty it serves any model name. A stand-in endpoint for load tests
// and benchmarks, not a model.
std::unique_ptr<Backend> MakeCannedBackend(std::string answer,
                                           std::vector<std::string> models);

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_BACKEND_H_
