// mmgate serve --engines: an OpenAI-compatible endpoint in front of the local
// engines (serve/server.h does the work).
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "project.h"
#include "serve/server.h"

namespace mmgate::cli {
namespace {

struct ServeFlags {
  bool engines = false;
  serve::EngineServerOptions options;
};

int ServeCommand(ServeFlags& f) {
  if (!f.engines && f.options.canned.empty()) {
    return Fail("serve", Status::Invalid("choose what to serve: --engines "
                                         "(the local engines of the config) "
                                         "or --canned TEXT"));
  }
  if (f.engines && !f.options.canned.empty()) {
    return Fail("serve",
                Status::Invalid("--engines and --canned exclude each other"));
  }
  f.options.stop = InstallStopHandler();
  Status st = serve::RunEngineServer(f.options);
  if (!st.ok()) return Fail("serve", st);
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<ServeFlags>();
  serve::EngineServerOptions& o = f->options;
  sub->add_flag("--engines", f->engines,
                "serve the local engines of the config over the OpenAI API");
  sub->add_option("-c,--config", o.config, "project config")
      ->capture_default_str();
  sub->add_option("--host", o.host, "address to listen on")
      ->capture_default_str();
  sub->add_option("--port", o.port, "port (0: any free port, printed)")
      ->capture_default_str();
  sub->add_option("--models", o.models,
                  "models to serve, comma-separated (default: every local "
                  "model)")
      ->delimiter(',');
  sub->add_option("--instances", o.instances,
                  "engine instances per model (default: one per core)");
  sub->add_option("--threads", o.threads, "HTTP worker threads (default 32)");
  sub->add_option("--canned", o.canned,
                  "no engines: answer every chat completion with TEXT (a "
                  "stand-in endpoint for load tests and benchmarks)");
  sub->add_flag("--json", o.json,
                "print the listening address as JSON (url, host, port, "
                "models)");
  sub->callback([f, exit_code] { *exit_code = ServeCommand(*f); });
}

}  // namespace mmgate::cli
