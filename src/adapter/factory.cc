// CreateModel: the provider registry, and the process's environment.
#include "adapter/factory.h"

#include <fmt/format.h>

#include "adapter/engines.h"
#include "adapter/params.h"
#include "adapter/remote_models.h"
#include "remote/curl_transport.h"

namespace mmgate {
namespace adapter {

Result<const MediaRef*> FirstMedium(const ModelRequest& request,
                                    const std::string& type) {
  for (const MediaRef& m : request.media) {
    if (m.type == type) {
      if (m.abs_path.empty()) {
        return Status::Invalid(
            fmt::format("item {}: {} medium {} has no resolved path",
                        request.item_id, type, m.path));
      }
      return &m;
    }
  }
  return Status::Invalid(
      fmt::format("item {}: no {} medium to read", request.item_id, type));
}

}  // namespace adapter

std::shared_ptr<remote::Limiter> ModelShared::Limiter(
    const std::string& key, const remote::Limits& limits, Clock* clock) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& limiter = limiters_[key];
  if (!limiter) limiter = std::make_shared<remote::Limiter>(limits, clock);
  return limiter;
}

std::optional<std::string> ModelShared::Recall(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = readings_.find(key);
  if (it == readings_.end()) return std::nullopt;
  return it->second;
}

void ModelShared::Remember(const std::string& key, std::string reading) {
  std::lock_guard<std::mutex> lock(mu_);
  if (readings_.size() < kMaxReadings) readings_[key] = std::move(reading);
}

Result<std::unique_ptr<Model>> CreateModel(const ModelSpec& spec,
                                           const ModelEnv& env) {
  using Factory =
      Result<std::unique_ptr<Model>> (*)(const ModelSpec&, const ModelEnv&);
  // Local engines take nothing from the environment.
  static const std::pair<const char*, Factory> kProviders[] = {
      {"anthropic", adapter::CreateRemoteModel},
      {"espeak", [](const ModelSpec& s,
                    const ModelEnv&) { return adapter::CreateEspeakModel(s); }},
      {"exec", [](const ModelSpec& s,
                  const ModelEnv&) { return adapter::CreateExecModel(s); }},
      {"gemini", adapter::CreateRemoteModel},
      {"openai", adapter::CreateRemoteModel},
      {"pocketsphinx",
       [](const ModelSpec& s, const ModelEnv&) {
         return adapter::CreatePocketSphinxModel(s);
       }},
      {"route", adapter::CreateRouteModel},
      {"rules", [](const ModelSpec& s,
                   const ModelEnv&) { return adapter::CreateRulesModel(s); }},
      {"rules-judge", adapter::CreateRulesJudgeModel},
      {"tesseract",
       [](const ModelSpec& s, const ModelEnv&) {
         return adapter::CreateTesseractModel(s);
       }},
  };
  std::vector<std::string> known;
  for (const auto& [name, factory] : kProviders) {
    if (spec.provider == name) return factory(spec, env);
    known.push_back(name);
  }
  return Status::Invalid(
      fmt::format("model {}: unknown provider '{}' (known: {})", spec.name,
                  spec.provider, fmt::join(known, ", ")));
}

namespace {

// Starts libcurl (its event-loop thread, TLS) with the first request, so a
// process that only runs local engines never does.
class LazyCurlTransport final : public remote::Transport {
 public:
  remote::HttpResponse Send(const remote::HttpRequest& request,
                            const remote::BodySink& sink) override {
    std::call_once(made_, [this] { curl_ = remote::MakeCurlTransport(); });
    return curl_->Send(request, sink);
  }

 private:
  std::once_flag made_;
  std::unique_ptr<remote::Transport> curl_;
};

}  // namespace

const ModelEnv& DefaultModelEnv() {
  struct Process {
    SystemClock clock;
    remote::SleepWaiter waiter;
    ModelEnv env;
    Process() {
      env.clock = &clock;
      env.waiter = &waiter;
      env.transport = std::make_shared<LazyCurlTransport>();
    }
  };
  static const Process process;
  return process.env;
}

Result<std::unique_ptr<Model>> CreateDefaultModel(const ModelSpec& spec) {
  return CreateModel(spec, DefaultModelEnv());
}

}  // namespace mmgate
