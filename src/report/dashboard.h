// `mmgate serve` without --engines: a local dashboard over the results
// database (runs, gate verdicts over time per modality, and any comparison
// drilled down into the same page as the HTML report).
#ifndef MMGATE_REPORT_DASHBOARD_H_
#define MMGATE_REPORT_DASHBOARD_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "gate/evaluate.h"
#include "report/html_report.h"
#include "report/verdict.h"
#include "store/store.h"

namespace mmgate::report {

struct DashboardOptions {
  std::string config = "mmgate.yaml";  // gate policy and dataset folders
  std::string db;                      // the results database
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  ReportOptions report;
  // Called once listening, with the port (tests pass 0 and read it here).
  std::function<void(int port)> on_listen;
  const std::atomic<bool>* stop = nullptr;  // serving ends when set
};

// Serves until `stop` is set; fails if the database cannot be opened or the
// address cannot be bound.
Status RunDashboard(const DashboardOptions& opt);

// The dashboard's data block: runs and stored verdicts.
Result<nlohmann::json> DashboardData(store::Store* store);

// Keeps each candidate's verdict in the database for the dashboard.
Status StoreVerdicts(store::Store* store, const gate::GateOutcome& o,
                     int64_t now_ms);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_DASHBOARD_H_
