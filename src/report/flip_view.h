// The backfill flip view: one static HTML page (no script; the CSP forbids
// any) drawn from `mmgate backfill analyze`'s JSON: flip rate and negative-
// flip rate per category, modality and slice as bars with their 95%
// intervals, the flip matrix of each category, and the contested decisions
// ranked by stakes. All text is escaped. Writes `path` or returns an
// IoError naming it. Thread-safe.
#ifndef MMGATE_REPORT_FLIP_VIEW_H_
#define MMGATE_REPORT_FLIP_VIEW_H_

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace mmgate::report {

std::string RenderFlipView(const nlohmann::json& analysis);
Status WriteFlipView(const std::string& path, const nlohmann::json& analysis);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_FLIP_VIEW_H_
