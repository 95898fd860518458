// `mmgate serve` without --engines: the dashboard over the results database
// on cpp-httplib. `/` lists the runs and the stored verdicts over time per
// modality (report/dashboard.h); `/compare?baseline=RUN&candidate=RUN` is the
// HTML report of any two runs, gated under the config's policy (pipeline
// suites split into their stages when `expand` says how, as `mmgate gate`).
#ifndef MMGATE_SERVE_DASHBOARD_H_
#define MMGATE_SERVE_DASHBOARD_H_

#include <atomic>
#include <functional>
#include <string>

#include "common/status.h"
#include "gate/evaluate.h"
#include "gate/policy.h"
#include "report/html_report.h"

namespace mmgate::serve {

struct DashboardOptions {
  std::string db;  // the results database
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  // The policy comparisons are gated under, or why the config could not be
  // read: the runs are listed either way, and /compare answers 404 with it.
  Result<gate::Policy> policy = gate::Policy{};
  report::ReportOptions report;
  // Rewrites each compared run before the gate (the CLI passes the pipeline
  // box's stage expander; serve/ does not depend on pipeline/).
  gate::RunExpander expand;
  // Called once listening, with the port (tests pass 0 and read it here).
  std::function<void(int port)> on_listen;
  const std::atomic<bool>* stop = nullptr;  // serving ends when set
};

// Serves until `stop` is set; fails if the database cannot be opened or the
// address cannot be bound. Requests are served on several threads, each
// with its own database connection; `opt` is only read.
Status RunDashboard(const DashboardOptions& opt);

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_DASHBOARD_H_
