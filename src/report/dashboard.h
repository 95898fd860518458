// The dashboard's data (`mmgate serve` shows it, serve/dashboard.h): the runs
// and the stored gate verdicts over time per modality, and the verdicts each
// gate keeps for it.
#ifndef MMGATE_REPORT_DASHBOARD_H_
#define MMGATE_REPORT_DASHBOARD_H_

#include <cstdint>
#include <nlohmann/json.hpp>

#include "common/status.h"
#include "gate/evaluate.h"
#include "report/verdict.h"
#include "store/store.h"

namespace mmgate::report {

// The dashboard's data block (rendered by RenderPage, report/html.h): runs
// and stored verdicts.
Result<nlohmann::json> DashboardData(store::Store* store);

// Keeps each candidate's verdict in the database for the dashboard.
Status StoreVerdicts(store::Store* store, const gate::GateOutcome& o,
                     int64_t now_ms);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_DASHBOARD_H_
