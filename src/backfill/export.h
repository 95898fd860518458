// A flip report as JSON (`mmgate backfill analyze --json`, the HTML flip
// view's data) and the contested traces as CSV (RFC 4180) and JSONL, in
// their ranked order. Writers return an IoError naming the file.
#ifndef MMGATE_BACKFILL_EXPORT_H_
#define MMGATE_BACKFILL_EXPORT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backfill/flips.h"
#include "common/status.h"

namespace mmgate::backfill {

nlohmann::json RateJson(const RateEstimate& e);
// Every group, the review estimate and the first `contested_limit`
// contested traces (all: -1).
nlohmann::json ReportJson(const FlipReport& r, int contested_limit);
nlohmann::json ContestedJson(const Contested& c, int rank);

Status WriteContestedCsv(const std::string& path,
                         const std::vector<Contested>& contested);
Status WriteContestedJsonl(const std::string& path,
                           const std::vector<Contested>& contested);

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_EXPORT_H_
