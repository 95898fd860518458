#include <cstdio>
#include <string>

#include "commands.h"
#include "project.h"
#include "report/dashboard.h"

namespace mmgate::cli {
namespace {

struct ServeFlags {
  std::string config = "mmgate.yaml";
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8080;
};

int ServeCommand(const ServeFlags& f) {
  report::DashboardOptions opt;
  opt.config = f.config;
  opt.db = DatabasePath(f.config, f.db);
  opt.host = f.host;
  opt.port = f.port;
  opt.report = HtmlReportOptions(f.config);
  opt.stop = InstallStopHandler();
  opt.on_listen = [&](int port) {
    std::printf("mmgate dashboard on http://%s:%d/ (Ctrl-C stops)\n",
                f.host.c_str(), port);
    std::fflush(stdout);
  };
  Status st = report::RunDashboard(opt);
  return st.ok() ? kExitOk : Fail("serve", st);
}

}  // namespace

void AddServeCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<ServeFlags>();
  sub->add_option("-c,--config", f->config,
                  "project config (gate policy, media folders, database)")
      ->capture_default_str();
  sub->add_option(
      "--db", f->db,
      "results database (default .mmgate/results.db beside config)");
  sub->add_option("--host", f->host, "address to listen on")
      ->capture_default_str();
  sub->add_option("--port", f->port, "port (0: any free port)")
      ->capture_default_str();
  sub->callback([f, exit_code] { *exit_code = ServeCommand(*f); });
}

}  // namespace mmgate::cli
