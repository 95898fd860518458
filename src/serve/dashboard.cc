#include "serve/dashboard.h"

#include <httplib.h>

#include "report/dashboard.h"
#include "report/html.h"
#include "serve/listen.h"
#include "store/store.h"

namespace mmgate::serve {
namespace {

using nlohmann::json;

void SendPage(httplib::Response& res, const json& data) {
  res.set_header("Content-Security-Policy", report::ContentSecurityPolicy());
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(report::RenderPage(data), "text/html; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& what) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content("mmgate serve: " + what + "\n", "text/plain; charset=utf-8");
}

}  // namespace

Status RunDashboard(const DashboardOptions& opt) {
  // Opened once up front so a bad path fails before serving; each request
  // opens its own connection (SQLite handles are not shared across threads).
  auto probe = store::OpenStore(opt.db);
  if (!probe.ok()) return probe.status();
  probe->reset();

  httplib::Server server;
  server.Get("/", [&](const httplib::Request&, httplib::Response& res) {
    auto store = store::OpenStore(opt.db);
    if (!store.ok()) return SendError(res, 500, store.status().message());
    auto data = report::DashboardData(store->get());
    if (!data.ok()) return SendError(res, 500, data.status().message());
    SendPage(res, *data);
  });
  server.Get("/compare",
             [&](const httplib::Request& req, httplib::Response& res) {
               std::string baseline = req.get_param_value("baseline");
               std::string candidate = req.get_param_value("candidate");
               if (baseline.empty() || candidate.empty())
                 return SendError(res, 400, "give ?baseline=RUN&candidate=RUN");
               if (!opt.policy.ok())
                 return SendError(res, 404, opt.policy.status().message());
               auto store = store::OpenStore(opt.db);
               if (!store.ok())
                 return SendError(res, 500, store.status().message());
               auto e = gate::EvaluateRuns(*opt.policy, store->get(), baseline,
                                           {candidate}, opt.expand);
               if (!e.ok()) return SendError(res, 404, e.status().message());
               json data = report::ReportData(*e, opt.report);
               data["home"] = "./";
               SendPage(res, data);
             });

  return ListenUntilStopped(&server, opt.host, opt.port, opt.on_listen,
                            opt.stop);
}

}  // namespace mmgate::serve
