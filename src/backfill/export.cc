#include "backfill/export.h"

#include <fstream>

#include "trace/trace.h"

namespace mmgate::backfill {
namespace {

using nlohmann::json;

json Confidence(double c) { return c < 0 ? json(nullptr) : json(c); }

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string SlicesText(const Contested& c) {
  std::string out;
  for (const auto& [k, v] : c.slices)
    out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

}  // namespace

json RateJson(const RateEstimate& e) {
  if (e.n == 0) return nullptr;
  return {{"n", e.n},
          {"events", e.events},
          {"rate", e.rate},
          {"ci", {e.lo, e.hi}},
          {"population", e.population},
          {"count", e.count},
          {"count_ci", {e.count_lo, e.count_hi}}};
}

json ContestedJson(const Contested& c, int rank) {
  json slices = json::object();
  for (const auto& [k, v] : c.slices) slices[k] = v;
  return {{"rank", rank},
          {"id", c.trace_id},
          {"time", trace::FormatRfc3339(c.created_ms)},
          {"category", c.category},
          {"modality", c.modality},
          {"stakes", c.stakes},
          {"old_decision", c.old_decision},
          {"new_decision", c.new_decision},
          {"candidate_confidence", Confidence(c.candidate_confidence)},
          {"production_confidence", Confidence(c.production_confidence)},
          {"ground_truth",
           c.ground_truth.empty() ? json(nullptr) : json(c.ground_truth)},
          {"negative_flip", c.negative},
          {"slices", slices}};
}

json ReportJson(const FlipReport& r, int contested_limit) {
  json groups = json::array();
  for (const GroupFlips& g : r.groups) {
    json matrix = json::array();
    for (const MatrixCell& c : g.matrix)
      matrix.push_back({{"old", c.old_decision},
                        {"new", c.new_decision},
                        {"n", c.n},
                        {"estimated", c.estimated}});
    json mcnemar = nullptr;
    if (g.negative_flip.n > 0)
      mcnemar = {{"old_right_new_wrong", g.old_right_new_wrong},
                 {"old_wrong_new_right", g.old_wrong_new_right},
                 {"p", g.mcnemar_p}};
    groups.push_back({{"dimension", g.dimension},
                      {"value", g.value},
                      {"flip_rate", RateJson(g.flip)},
                      {"negative_flip_rate", RateJson(g.negative_flip)},
                      {"mcnemar", mcnemar},
                      {"matrix", matrix}});
  }
  json contested = json::array();
  for (size_t i = 0; i < r.contested.size(); ++i) {
    if (contested_limit >= 0 && static_cast<int>(i) >= contested_limit) break;
    contested.push_back(ContestedJson(r.contested[i], static_cast<int>(i) + 1));
  }
  return {{"population", r.population},   {"drawn", r.drawn},
          {"answered", r.answered},       {"uncovered", r.uncovered},
          {"flips", r.contested.size()},  {"groups", groups},
          {"review", RateJson(r.review)}, {"contested", contested}};
}

Status WriteContestedCsv(const std::string& path,
                         const std::vector<Contested>& contested) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::IoError(path + ": cannot write");
  out << "rank,id,time,category,modality,stakes,old_decision,new_decision,"
         "candidate_confidence,production_confidence,ground_truth,"
         "negative_flip,slices\n";
  int rank = 0;
  for (const Contested& c : contested) {
    auto conf = [](double v) { return v < 0 ? std::string() : json(v).dump(); };
    out << ++rank << ',' << CsvField(c.trace_id) << ','
        << trace::FormatRfc3339(c.created_ms) << ',' << CsvField(c.category)
        << ',' << CsvField(c.modality) << ',' << json(c.stakes).dump() << ','
        << CsvField(c.old_decision) << ',' << CsvField(c.new_decision) << ','
        << conf(c.candidate_confidence) << ',' << conf(c.production_confidence)
        << ',' << CsvField(c.ground_truth) << ','
        << (c.negative ? "true" : "false") << ',' << CsvField(SlicesText(c))
        << '\n';
  }
  if (!out) return Status::IoError(path + ": write failed");
  return Status::Ok();
}

Status WriteContestedJsonl(const std::string& path,
                           const std::vector<Contested>& contested) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::IoError(path + ": cannot write");
  int rank = 0;
  for (const Contested& c : contested)
    out << ContestedJson(c, ++rank).dump() << '\n';
  if (!out) return Status::IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace mmgate::backfill
