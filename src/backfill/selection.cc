#include "backfill/selection.h"

namespace mmgate::backfill {

using nlohmann::json;

SelectionRecord RecordSelection(const HistoryCounts& counts, bool every,
                                int64_t size, uint64_t seed) {
  return {every, size, seed, counts.population, counts.fingerprint};
}

json SelectionJson(const SelectionRecord& r) {
  // The seed as a string: JSON readers that hold numbers as doubles would
  // round a 64-bit seed.
  return {{"selection", r.every ? "all" : "sample"},
          {"size", r.size},
          {"seed", std::to_string(r.seed)},
          {"history_traces", r.population},
          {"history_fingerprint", r.history}};
}

Result<std::optional<SelectionRecord>> SelectionOf(
    const store::RunRecord& run) {
  const json spec = json::parse(run.spec_json, nullptr, false);
  if (!spec.is_object() || !spec.contains(kSelectionKey))
    return std::optional<SelectionRecord>();
  const json& j = spec[kSelectionKey];
  auto bad = [&](const std::string& why) {
    return Status::Invalid("run " + run.run_id + ": spec_json." +
                           kSelectionKey + ": " + why);
  };
  if (!j.is_object()) return bad("not an object");
  SelectionRecord r;
  try {
    const std::string kind = j.at("selection").get<std::string>();
    if (kind != "all" && kind != "sample")
      return bad("selection '" + kind + "' is neither all nor sample");
    r.every = kind == "all";
    r.size = j.at("size").get<int64_t>();
    r.seed = std::stoull(j.at("seed").get<std::string>());
    r.population = j.at("history_traces").get<int64_t>();
    r.history = j.at("history_fingerprint").get<std::string>();
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  return std::optional<SelectionRecord>(std::move(r));
}

bool SameHistory(const SelectionRecord& r, const HistoryCounts& counts) {
  return r.population == counts.population && r.history == counts.fingerprint;
}

}  // namespace mmgate::backfill
