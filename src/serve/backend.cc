#include "serve/backend.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

#include "serve/temp_file.h"

namespace mmgate::serve {
namespace {

bool IsLocalProvider(const std::string& provider) {
  return provider == "tesseract" || provider == "pocketsphinx" ||
         provider == "exec";
}

// Instances of one model, made on demand up to a limit.
class Pool {
 public:
  Pool(ModelSpec spec, int limit, const ModelFactory& make,
       std::unique_ptr<Model> first)
      : spec_(std::move(spec)), limit_(limit), make_(make) {
    version_ = first->Version();
    idle_.push_back(std::move(first));
    made_ = 1;
  }

  const std::string& version() const { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) {
    Result<std::unique_ptr<Model>> model = Acquire();
    if (!model.ok()) return model.status();
    Result<ModelResponse> answer = (*model)->Answer(request);
    Release(std::move(*model));
    return answer;
  }

 private:
  Result<std::unique_ptr<Model>> Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || made_ < limit_; });
    if (!idle_.empty()) {
      std::unique_ptr<Model> model = std::move(idle_.back());
      idle_.pop_back();
      return model;
    }
    ++made_;
    lock.unlock();
    Result<std::unique_ptr<Model>> made = make_(spec_);
    if (!made.ok()) {
      lock.lock();
      --made_;
      cv_.notify_one();
      return Status::EngineError(
          fmt::format("cannot start another instance of model {}: {}",
                      spec_.name, made.status().message()));
    }
    return made;
  }

  void Release(std::unique_ptr<Model> model) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(model));
    cv_.notify_one();
  }

  ModelSpec spec_;
  int limit_;
  ModelFactory make_;
  std::string version_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Model>> idle_;
  int made_ = 0;
};

class EngineBackend final : public Backend {
 public:
  explicit EngineBackend(std::map<std::string, std::unique_ptr<Pool>> pools)
      : pools_(std::move(pools)) {}

  std::vector<std::string> Models() const override {
    std::vector<std::string> names;
    for (const auto& [name, pool] : pools_) names.push_back(name);
    return names;
  }

  std::string Version(const std::string& model) const override {
    auto it = pools_.find(model);
    return it == pools_.end() ? "" : it->second->version();
  }

  Result<ModelResponse> Answer(const std::string& id,
                               const Query& query) override {
    auto it = pools_.find(query.model);
    if (it == pools_.end()) return UnknownModel(query.model);
    // Engines read files: each medium lives on disk for this request only.
    std::vector<std::unique_ptr<TempFile>> files;
    ModelRequest request;
    request.item_id = id;
    request.modality = query.modality;
    request.prompt = query.prompt;
    for (const Medium& m : query.media) {
      Result<std::unique_ptr<TempFile>> file =
          TempFile::Create(m.bytes, m.suffix);
      if (!file.ok()) return file.status().WithContext("request " + id);
      request.media.push_back({m.type, (*file)->path(), (*file)->path()});
      files.push_back(std::move(*file));
    }
    return it->second->Answer(request);
  }

 private:
  std::map<std::string, std::unique_ptr<Pool>> pools_;
};

class CannedBackend final : public Backend {
 public:
  CannedBackend(std::string answer, std::vector<std::string> models)
      : answer_(std::move(answer)), models_(std::move(models)) {}

  std::vector<std::string> Models() const override { return models_; }

  std::string Version(const std::string& model) const override {
    bool served = models_.empty() || std::find(models_.begin(), models_.end(),
                                               model) != models_.end();
    return served ? "canned" : "";
  }

  Result<ModelResponse> Answer(const std::string& id,
                               const Query& query) override {
    if (Version(query.model).empty()) return UnknownModel(query.model);
    ModelResponse r;
    r.answer = answer_;
    return r;
  }

 private:
  std::string answer_;
  std::vector<std::string> models_;
};

}  // namespace

bool IsLocalModel(const ModelSpec& spec) {
  if (spec.provider != "route") return IsLocalProvider(spec.provider);
  auto routes = spec.params.find("routes");
  if (routes == spec.params.end() || !routes->is_object()) return false;
  for (const auto& [modality, sub] : routes->items()) {
    if (!sub.is_object() || !sub.contains("provider") ||
        !sub["provider"].is_string() ||
        !IsLocalProvider(sub["provider"].get<std::string>())) {
      return false;
    }
  }
  return true;
}

Result<std::unique_ptr<Backend>> MakeEngineBackend(
    const ProjectConfig& project, const std::vector<std::string>& models,
    int instances, const ModelFactory& make) {
  std::vector<std::string> names = models;
  if (names.empty()) {
    for (const auto& [name, spec] : project.models) {
      if (IsLocalModel(spec)) names.push_back(name);
    }
    if (names.empty()) {
      return Status::Invalid(fmt::format(
          "{}: no local model to serve (providers tesseract, pocketsphinx, "
          "exec, route)",
          project.path));
    }
  }
  std::map<std::string, std::unique_ptr<Pool>> pools;
  for (const std::string& name : names) {
    auto it = project.models.find(name);
    if (it == project.models.end()) {
      return Status::Invalid(
          fmt::format("{}: no model named '{}'", project.path, name));
    }
    if (!IsLocalModel(it->second)) {
      return Status::Invalid(fmt::format(
          "{}: model {} (provider {}) is not a local engine; serve answers "
          "with tesseract, pocketsphinx, exec and route models",
          project.path, name, it->second.provider));
    }
    Result<std::unique_ptr<Model>> first = make(it->second);
    if (!first.ok()) return first.status();
    pools[name] = std::make_unique<Pool>(it->second, std::max(1, instances),
                                         make, std::move(*first));
  }
  return std::unique_ptr<Backend>(new EngineBackend(std::move(pools)));
}

std::unique_ptr<Backend> MakeCannedBackend(std::string answer,
                                           std::vector<std::string> models) {
  return std::make_unique<CannedBackend>(std::move(answer), std::move(models));
}

}  // namespace mmgate::serve
