#include "report/dashboard.h"

#include <httplib.h>

#include <chrono>
#include <thread>

#include "report/html.h"

namespace mmgate::report {
namespace {

using nlohmann::json;

void SendPage(httplib::Response& res, const json& data) {
  res.set_header("Content-Security-Policy", ContentSecurityPolicy());
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(RenderPage(data), "text/html; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& what) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content("mmgate serve: " + what + "\n", "text/plain; charset=utf-8");
}

}  // namespace

Result<json> DashboardData(store::Store* store) {
  auto runs = store->ListRuns();
  if (!runs.ok()) return runs.status();
  auto verdicts = store->ListVerdicts();
  if (!verdicts.ok()) return verdicts.status();
  json j = {{"kind", "dashboard"},
            {"title", "mmgate dashboard"},
            {"database", store->path()},
            {"runs", json::array()},
            {"verdicts", json::array()}};
  for (const store::RunRecord& r : *runs) {
    j["runs"].push_back({{"run_id", r.run_id},
                         {"model", r.model},
                         {"model_version", r.model_version},
                         {"status", store::RunStatusName(r.status)},
                         {"created_ms", r.created_ms}});
  }
  for (const store::VerdictRecord& v : *verdicts) {
    json suites = json::array();
    for (const store::VerdictSuiteRecord& s : v.suites) {
      suites.push_back({{"suite", s.suite},
                        {"modality", s.modality},
                        {"metric", s.metric},
                        {"verdict", s.verdict},
                        {"n", s.n},
                        {"delta", s.delta},
                        {"ci", {s.ci_lo, s.ci_hi}}});
    }
    j["verdicts"].push_back({{"baseline", v.baseline},
                             {"candidate", v.candidate},
                             {"verdict", v.verdict},
                             {"policy", v.policy},
                             {"created_ms", v.created_ms},
                             {"suites", std::move(suites)}});
  }
  return j;
}

Status StoreVerdicts(store::Store* store, const gate::GateOutcome& o,
                     int64_t now_ms) {
  for (const gate::GateResult& r : o.results) {
    store::VerdictRecord v{0,
                           r.baseline,
                           r.candidate,
                           r.policy_hash,
                           std::string(gate::VerdictName(r.verdict)),
                           now_ms,
                           VerdictJson(r).dump(),
                           {}};
    for (const gate::SuiteVerdict& s : r.suites) {
      v.suites.push_back({s.suite, s.modality, s.metric,
                          std::string(gate::VerdictName(s.verdict)), s.total.n,
                          s.total.baseline, s.total.candidate, s.total.delta,
                          s.total.ci_lo, s.total.ci_hi});
    }
    MMGATE_RETURN_IF_ERROR(store->PutVerdict(v));
  }
  return Status::Ok();
}

Status RunDashboard(const DashboardOptions& opt) {
  // Opened once up front so a bad path fails before serving; each request
  // opens its own connection (SQLite handles are not shared across threads).
  auto probe = store::Store::Open(opt.db);
  if (!probe.ok()) return probe.status();
  probe->reset();

  httplib::Server server;
  server.Get("/", [&](const httplib::Request&, httplib::Response& res) {
    auto store = store::Store::Open(opt.db);
    if (!store.ok()) return SendError(res, 500, store.status().message());
    auto data = DashboardData(store->get());
    if (!data.ok()) return SendError(res, 500, data.status().message());
    SendPage(res, *data);
  });
  server.Get(
      "/compare", [&](const httplib::Request& req, httplib::Response& res) {
        std::string baseline = req.get_param_value("baseline");
        std::string candidate = req.get_param_value("candidate");
        if (baseline.empty() || candidate.empty())
          return SendError(res, 400, "give ?baseline=RUN&candidate=RUN");
        auto store = store::Store::Open(opt.db);
        if (!store.ok()) return SendError(res, 500, store.status().message());
        auto e =
            gate::EvaluateRuns(opt.config, store->get(), baseline, {candidate});
        if (!e.ok()) return SendError(res, 404, e.status().message());
        json data = ReportData(*e, opt.report);
        data["home"] = "./";
        SendPage(res, data);
      });

  int port = opt.port;
  if (port == 0) {
    port = server.bind_to_any_port(opt.host);
  } else if (!server.bind_to_port(opt.host, port)) {
    port = -1;
  }
  if (port < 0) {
    return Status::Invalid("cannot listen on " + opt.host + ":" +
                           std::to_string(opt.port));
  }
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done && !(opt.stop && opt.stop->load())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    server.stop();
  });
  if (opt.on_listen) opt.on_listen(port);
  bool ok = server.listen_after_bind();
  done = true;
  watcher.join();
  return ok || (opt.stop && opt.stop->load())
             ? Status::Ok()
             : Status::IoError("serving on " + opt.host + " stopped");
}

}  // namespace mmgate::report
