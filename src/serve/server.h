// The HTTP side of `mmgate serve`: OpenAI-compatible routes over a Backend.
//   POST /v1/chat/completions      (stream: true gives server-sent events)
//   POST /v1/audio/transcriptions  (multipart: file, model)
//   GET  /v1/models, GET /v1/models/{id}
#ifndef MMGATE_SERVE_SERVER_H_
#define MMGATE_SERVE_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "serve/backend.h"

namespace httplib {
class Server;
}

namespace mmgate::serve {

class ApiServer {
 public:
  // `backend` and `clock` (response timestamps) outlive the server.
  ApiServer(Backend* backend, Clock* clock, int threads);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds host:port (port 0: any free port) and returns the port.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(); call after Bind.
  void Run();
  // Safe from any thread.
  void Stop();

 private:
  void Routes();
  std::string NextId(const char* prefix);

  Backend* backend_;
  Clock* clock_;
  std::unique_ptr<httplib::Server> http_;
  uint64_t id_seed_;
  std::atomic<uint64_t> id_counter_{0};
};

struct EngineServerOptions {
  std::string config = "mmgate.yaml";
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0: any free port (printed)
  std::vector<std::string> models;  // empty: every local model of the config
  int instances = 0;  // engine instances per model; 0: one per core
  int threads = 0;    // HTTP worker threads; 0: 32
  // Non-empty: no engines and no config; every answer is this text (a
  // canned endpoint for load tests and benchmarks).
  std::string canned;
  // Print the listening line as JSON: {"url", "host", "port", "models"}.
  bool json = false;
  // Set by a signal handler: the server stops.
  const std::atomic<bool>* stop = nullptr;
};

// `mmgate serve --engines`: loads the config, starts the engines, prints
// "mmgate serve: listening on http://HOST:PORT/v1 (models: ...)" (or its
// JSON) on stdout and serves until `stop` is set. Config and bind errors are
// returned.
Status RunEngineServer(const EngineServerOptions& options);

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_SERVER_H_
