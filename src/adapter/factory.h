// CreateModel: a Model (model/model.h) from its spec in mmgate.yaml and the
// environment it runs in. The environment carries every source of time,
// network and randomness a model uses, so tests inject their own and the CLI
// passes the process's.
#ifndef MMGATE_ADAPTER_FACTORY_H_
#define MMGATE_ADAPTER_FACTORY_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "dataset/item.h"
#include "model/model.h"
#include "remote/http.h"
#include "remote/limiter.h"
#include "remote/retry.h"

namespace mmgate {

// What the models made from one environment (and its copies) share: one
// limiter per remote model, so every worker instance of it is paced together,
// the count of instances made, which gives each its own jitter stream, and
// the rules judge's readings of media (one OCR or transcript per medium for
// every instance and every command of the process). Thread-safe.
class ModelShared {
 public:
  // The limiter of the model named `key` (name and version), made with
  // `limits` on first use.
  std::shared_ptr<remote::Limiter> Limiter(const std::string& key,
                                           const remote::Limits& limits,
                                           Clock* clock);
  // 0, 1, 2...: the index of the next instance made.
  uint64_t NextInstance() { return instances_++; }
  // A reading kept by Remember under `key`; nullopt when there is none.
  std::optional<std::string> Recall(const std::string& key);
  // Keeps at most kMaxReadings; past that, nothing more is kept.
  void Remember(const std::string& key, std::string reading);
  static constexpr size_t kMaxReadings = 4096;

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<remote::Limiter>> limiters_;
  std::atomic<uint64_t> instances_{0};
  std::map<std::string, std::string> readings_;
};

// Local engines use none of it; remote models need the clock, transport,
// waiter and shared state (one missing is a config error naming the model).
// The pointed-to clock and waiter must outlive the models made.
struct ModelEnv {
  Clock* clock = nullptr;
  std::shared_ptr<remote::Transport> transport;  // one connection pool
  remote::Waiter* waiter = nullptr;              // backoff and rate waits
  // Instance i of a model with `seed: s` draws jitter stream
  // s * 1000003 + seed + i.
  uint64_t seed = 0;
  std::shared_ptr<ModelShared> shared = std::make_shared<ModelShared>();
};

// An unknown provider or bad parameter is an error naming the model.
// Thread-safe when the environment's parts are (the default one's are).
Result<std::unique_ptr<Model>> CreateModel(const ModelSpec& spec,
                                           const ModelEnv& env);

// The environment of the mmgate process: the system clock, real sleeps, one
// libcurl transport (every model of the process shares its connection pool)
// and one ModelShared. Built on first use, it lives until the process exits.
const ModelEnv& DefaultModelEnv();

// CreateModel(spec, DefaultModelEnv()): how the CLI's commands make models.
Result<std::unique_ptr<Model>> CreateDefaultModel(const ModelSpec& spec);

}  // namespace mmgate

#endif  // MMGATE_ADAPTER_FACTORY_H_
