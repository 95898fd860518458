// mmgate serve: the dashboard over the results database (serve/dashboard.h),
// or with --engines / --canned an OpenAI-compatible endpoint in front of the
// local engines (serve/server.h).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "pipeline/gate.h"
#include "project.h"
#include "serve/dashboard.h"
#include "serve/server.h"

namespace mmgate::cli {
namespace {

struct ServeFlags {
  bool engines = false;
  std::string db;
  serve::EngineServerOptions options;  // config, host and port serve both
};

int ServeDashboard(const ServeFlags& f) {
  const serve::EngineServerOptions& o = f.options;
  serve::DashboardOptions opt;
  auto db_url = DatabasePath(o.config, f.db);
  if (!db_url.ok()) return Fail("serve", db_url.status());
  opt.db = *db_url;
  opt.host = o.host;
  opt.port = o.port;
  opt.expand = pipeline::ExpandStages;
  auto cfg = LoadConfigFile(o.config, /*read_items=*/false);
  if (cfg.ok()) {
    opt.policy = cfg->policy;
    opt.report = HtmlReportOptions(*cfg);
  } else {
    // The runs can still be listed; comparisons say why they cannot be made.
    opt.policy = cfg.status();
    std::fprintf(stderr, "mmgate serve: no comparisons: %s\n",
                 TerminalSafe(cfg.status().message()).c_str());
  }
  opt.stop = InstallStopHandler();
  opt.on_listen = [&](int port) {
    std::printf("mmgate dashboard on http://%s:%d/ (Ctrl-C stops)\n",
                o.host.c_str(), port);
    std::fflush(stdout);
  };
  Status st = serve::RunDashboard(opt);
  return st.ok() ? kExitOk : Fail("serve", st);
}

int ServeCommand(ServeFlags& f) {
  if (!f.engines && f.options.canned.empty()) return ServeDashboard(f);
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
  sub->add_option("-c,--config", o.config,
                  "project config (gate policy, media folders, database; "
                  "with --engines its models)")
      ->capture_default_str();
  sub->add_option("--host", o.host, "address to listen on")
      ->capture_default_str();
  sub->add_option("--port", o.port, "port (0: any free port, printed)")
      ->capture_default_str();
  sub->add_option(
      "--db", f->db,
      "dashboard: results database (default .mmgate/results.db beside "
      "config)");
  sub->add_flag("--engines", f->engines,
                "serve the local engines of the config over the OpenAI API "
                "instead of the dashboard");
  sub->add_option("--models", o.models,
                  "--engines: models to serve, comma-separated (default: "
                  "every local model)")
      ->delimiter(',');
  sub->add_option("--instances", o.instances,
                  "--engines: engine instances per model (default: one per "
                  "core)");
  sub->add_option("--threads", o.threads,
                  "--engines: HTTP worker threads (default 32)");
  sub->add_option("--canned", o.canned,
                  "no engines: answer every chat completion with TEXT (a "
                  "stand-in endpoint for load tests and benchmarks)");
  sub->add_flag("--json", o.json,
                "--engines/--canned: print the listening address as JSON "
                "(url, host, port, models)");
  sub->callback([f, exit_code] { *exit_code = ServeCommand(*f); });
}

}  // namespace mmgate::cli
