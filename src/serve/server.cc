#include "serve/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "config/config.h"

namespace mmgate::serve {
namespace {

constexpr size_t kMaxBody = 64 << 20;  // a few images or minutes of audio

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& res, const Status& status) {
  auto [http, body] = ErrorResponse(status);
  SendJson(res, http, body);
}

std::string RouteError(int status) {
  switch (status) {
    case 404:
      return "no such route (POST /v1/chat/completions, POST "
             "/v1/audio/transcriptions, GET /v1/models)";
    case 413:
      return fmt::format("request body over {} MiB", kMaxBody >> 20);
    default:
      return fmt::format("HTTP status {}", status);
  }
}

// cpp-httplib 0.11 listens with a backlog of 5: a burst of new connections
// (a load test opening its pool) overflows it, and each dropped SYN costs
// its client a one-second retransmit. Linux lets listen() be called again on
// a listening socket to enlarge the queue.
class Listener final : public httplib::Server {
 public:
  void EnlargeBacklog() { ::listen(svr_sock_, SOMAXCONN); }
};

// Completion ids only need to differ between server runs.
uint64_t NewSeed() {
  std::random_device rd;
  return (uint64_t{rd()} << 32) | rd();
}

}  // namespace

ApiServer::ApiServer(Backend* backend, Clock* clock, int threads)
    : backend_(backend),
      clock_(clock),
      http_(std::make_unique<Listener>()),
      id_seed_(NewSeed()) {
  int n = threads > 0 ? threads : 32;
  http_->new_task_queue = [n] { return new httplib::ThreadPool(n); };
  http_->set_payload_max_length(kMaxBody);
  // Clients reuse their connections for many requests (load tests do).
  http_->set_keep_alive_max_count(100000);
  // Headers and body go out in separate writes: with Nagle's algorithm the
  // body waits for the client's delayed ACK (up to 40 ms) on a reused
  // connection.
  http_->set_tcp_nodelay(true);
  Routes();
}

ApiServer::~ApiServer() = default;

std::string ApiServer::NextId(const char* prefix) {
  uint64_t n = id_counter_.fetch_add(1);
  return fmt::format("{}{:016x}{:08x}", prefix, id_seed_, n);
}

void ApiServer::Routes() {
  http_->Post("/v1/chat/completions", [this](const httplib::Request& req,
                                             httplib::Response& res) {
    Result<ChatRequest> chat = ParseChatRequest(req.body);
    if (!chat.ok()) return SendError(res, chat.status());
    const Query& q = chat->query;
    CompletionMeta meta{NextId("chatcmpl-"), clock_->WallMillis() / 1000,
                        q.model, backend_->Version(q.model)};
    if (meta.fingerprint.empty()) return SendError(res, UnknownModel(q.model));
    Result<ModelResponse> answer = backend_->Answer(meta.id, q);
    if (!answer.ok()) return SendError(res, answer.status());
    Usage usage = UsageFor(q, *answer);
    if (!chat->stream) {
      return SendJson(res, 200,
                      ChatCompletionJson(meta, answer->answer, usage));
    }
    auto events = std::make_shared<std::vector<std::string>>(
        ChatCompletionEvents(meta, answer->answer, usage, chat->include_usage));
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider("text/event-stream",
                                     [events](size_t, httplib::DataSink& sink) {
                                       for (const std::string& e : *events) {
                                         if (!sink.write(e.data(), e.size()))
                                           return false;
                                       }
                                       sink.done();
                                       return true;
                                     });
  });

  http_->Post("/v1/audio/transcriptions", [this](const httplib::Request& req,
                                                 httplib::Response& res) {
    if (!req.is_multipart_form_data()) {
      return SendError(res, Status::Invalid("the request must be "
                                            "multipart/form-data with "
                                            "'file' and 'model'"));
    }
    std::multimap<std::string, FormPart> form;
    for (const auto& [name, part] : req.files) {
      form.emplace(name,
                   FormPart{part.content, part.filename, part.content_type});
    }
    Result<TranscriptionRequest> t = ParseTranscriptionRequest(form);
    if (!t.ok()) return SendError(res, t.status());
    if (backend_->Version(t->query.model).empty()) {
      return SendError(res, UnknownModel(t->query.model));
    }
    Result<ModelResponse> answer =
        backend_->Answer(NextId("transcription-"), t->query);
    if (!answer.ok()) return SendError(res, answer.status());
    if (t->text_format) {
      res.set_content(answer->answer + "\n", "text/plain; charset=utf-8");
      return;
    }
    SendJson(res, 200, {{"text", answer->answer}});
  });

  http_->Get(
      "/v1/models", [this](const httplib::Request&, httplib::Response& res) {
        SendJson(res, 200,
                 ModelsJson(backend_->Models(), clock_->WallMillis() / 1000));
      });

  http_->Get(R"(/v1/models/([^/]+))",
             [this](const httplib::Request& req, httplib::Response& res) {
               std::string name = req.matches[1];
               if (backend_->Version(name).empty()) {
                 return SendError(res, UnknownModel(name));
               }
               SendJson(res, 200, ModelJson(name, clock_->WallMillis() / 1000));
             });

  // Our handlers set their own error bodies; this covers unknown routes and
  // failures inside the HTTP library.
  http_->set_error_handler(
      [](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        nlohmann::json body = {
            {"error",
             {{"message", fmt::format("{} {}: {}", req.method, req.path,
                                      RouteError(res.status))},
              {"type", "invalid_request_error"},
              {"param", nullptr},
              {"code", nullptr}}}};
        res.set_content(body.dump(), "application/json");
      });
  http_->set_exception_handler([](const httplib::Request&,
                                  httplib::Response& res,
                                  std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    SendError(res, Status::Internal("internal server error: " + what));
  });
}

Result<int> ApiServer::Bind(const std::string& host, int port) {
  int bound = port == 0 ? http_->bind_to_any_port(host)
                        : (http_->bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return Status::IoError(fmt::format(
        "cannot listen on {}:{} (in use, or not an address of this machine)",
        host, port));
  }
  static_cast<Listener*>(http_.get())->EnlargeBacklog();
  return bound;
}

void ApiServer::Run() { http_->listen_after_bind(); }

void ApiServer::Stop() { http_->stop(); }

Status RunEngineServer(const EngineServerOptions& options) {
  std::unique_ptr<Backend> backend;
  if (!options.canned.empty()) {
    backend = MakeCannedBackend(options.canned, options.models);
  } else {
    Result<config::Config> cfg =
        config::Load(options.config, dataset::LoadOptions{});
    if (!cfg.ok()) return cfg.status();
    int instances = options.instances > 0
                        ? options.instances
                        : static_cast<int>(std::max(
                              1u, std::thread::hardware_concurrency()));
    Result<std::unique_ptr<Backend>> made =
        MakeEngineBackend(cfg->project, options.models, instances);
    if (!made.ok()) return made.status();
    backend = std::move(*made);
  }
  SystemClock clock;
  ApiServer server(backend.get(), &clock, options.threads);
  Result<int> port = server.Bind(options.host, options.port);
  if (!port.ok()) return port.status();
  std::vector<std::string> models = backend->Models();
  const std::string url = fmt::format("http://{}:{}/v1", options.host, *port);
  if (options.json) {
    nlohmann::json j = {{"url", url},
                        {"host", options.host},
                        {"port", *port},
                        {"models", models}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("mmgate serve: listening on %s (models: %s)\n", url.c_str(),
                models.empty()
                    ? "any name, canned answers"
                    : fmt::format("{}", fmt::join(models, ", ")).c_str());
  }
  std::fflush(stdout);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done.load()) {
      if (options.stop && options.stop->load()) {
        server.Stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  server.Run();
  done.store(true);
  watcher.join();
  return Status::Ok();
}

}  // namespace mmgate::serve
