#include "store/decode.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace mmgate::store::internal {
namespace {

using nlohmann::json;

// JSON text that never throws: invalid UTF-8 in a string is replaced.
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Parses stored JSON text; the error says what is wrong, not where.
Result<json> ParseJson(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    return Status::Corrupt(std::string("not valid JSON (") + e.what() + ")");
  }
}

Result<std::vector<std::string>> DecodeMetrics(const std::string& text) {
  auto j = ParseJson(text);
  if (!j.ok()) return j.status();
  std::vector<std::string> out;
  if (!j->is_array()) return Status::Corrupt("not a JSON list of metrics");
  for (const json& m : *j) {
    if (!m.is_string()) return Status::Corrupt("not a JSON list of metrics");
    out.push_back(m.get<std::string>());
  }
  return out;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> DecodeSlices(
    const std::string& text) {
  auto j = ParseJson(text);
  if (!j.ok()) return j.status();
  std::vector<std::pair<std::string, std::string>> out;
  if (!j->is_array()) return Status::Corrupt("not a JSON list of slices");
  for (const json& kv : *j) {
    if (!kv.is_array() || kv.size() != 2 || !kv[0].is_string() ||
        !kv[1].is_string())
      return Status::Corrupt("a slice is not a [key, value] pair of strings");
    out.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
  }
  return out;
}

namespace {

// JSON the store hands on undecoded: checked, so a consumer's parse cannot
// fail on it. Empty text is the records' default (none given). simdjson
// checks several times faster than nlohmann (a load checks two columns per
// item); what it refuses goes to nlohmann, which consumers parse with and
// which accepts a little more (a byte-order mark, integers past 64 bits,
// nesting past 1024), so the verdict is nlohmann's either way.
Status CheckJson(std::string_view text, simdjson::dom::parser* parser) {
  if (text.empty() || text == "[]") return Status::Ok();
  if (!parser->parse(text.data(), text.size()).error()) return Status::Ok();
  if (json::accept(text)) return Status::Ok();
  return ParseJson(std::string(text)).status();
}

// The checks of DecodeItem after the slices: the first column that fails.
// `column` is written only on a failure: a million-row load checks every row.
Status CheckColumns(std::string_view reference_json,
                    std::string_view media_json,
                    const std::optional<std::string_view>& repeats_json,
                    simdjson::dom::parser* parser, std::string* column) {
  const std::pair<const char*, std::optional<std::string_view>> checks[] = {
      {"items.reference_json", reference_json},
      {"items.media_json", media_json},
      {"responses.repeats_json", repeats_json}};
  for (const auto& [name, text] : checks) {
    if (!text) continue;
    Status bad = CheckJson(*text, parser);
    if (!bad.ok()) {
      *column = name;
      return bad;
    }
  }
  return Status::Ok();
}

std::string CorruptMessage(const std::string& run_id, std::string_view suite,
                           std::string_view item_id, const std::string& column,
                           const Status& bad) {
  return "run '" + run_id + "' suite '" + std::string(suite) + "' item '" +
         std::string(item_id) + "': stored column " + column +
         " cannot be decoded: " + bad.message();
}

// Turns the item's response into a kCorruptRowKind error naming the column;
// what was paid for it (cost, tokens, attempts) stays.
void MarkCorrupt(const std::string& run_id, const std::string& column,
                 const Status& bad, ItemResult* res) {
  const ItemRecord& it = res->item;
  ResponseRecord r = res->response.value_or(ResponseRecord{});
  r.suite = it.suite;
  r.item_id = it.item_id;
  if (!res->response) r.content_hash = it.content_hash;
  r.answer.reset();
  r.error = CorruptMessage(run_id, it.suite, it.item_id, column, bad);
  r.error_kind = std::string(kCorruptRowKind);
  r.repeats_json.clear();
  res->response = std::move(r);
}

}  // namespace

std::string EncodeMetrics(const std::vector<std::string>& metrics) {
  return Dump(json(metrics));
}

std::string EncodeSlices(
    const std::vector<std::pair<std::string, std::string>>& slices) {
  json out = json::array();
  for (const auto& [k, v] : slices) out.push_back({k, v});
  return Dump(out);
}

void DecodeSuiteMetrics(const std::string& run_id,
                        const std::string& metrics_json, SuiteRecord* s) {
  auto metrics = DecodeMetrics(metrics_json);
  if (metrics.ok()) {
    s->metrics = std::move(*metrics);
    return;
  }
  s->metrics = {s->metric};
  s->decode_error = "run '" + run_id + "' suite '" + s->suite +
                    "': stored column run_suites.metrics_json cannot be "
                    "decoded: " +
                    metrics.status().message();
}

void DecodeItem(const std::string& run_id, const std::string& slices_json,
                ItemResult* res) {
  ItemRecord& it = res->item;
  auto slices = DecodeSlices(slices_json);
  if (!slices.ok())
    return MarkCorrupt(run_id, "items.slices_json", slices.status(), res);
  it.slices = std::move(*slices);
  std::string column;
  std::optional<std::string_view> repeats;
  if (res->response) repeats = res->response->repeats_json;
  simdjson::dom::parser parser;
  Status bad =
      CheckColumns(it.reference_json, it.media_json, repeats, &parser, &column);
  if (!bad.ok()) MarkCorrupt(run_id, column, bad, res);
}

GateRowDecoder::GateRowDecoder(std::string run_id)
    : run_id_(std::move(run_id)),
      parser_(std::make_unique<simdjson::dom::parser>()) {}

GateRowDecoder::~GateRowDecoder() = default;

GateRowDecoder::Decoded& GateRowDecoder::Find(std::string_view slices_json) {
  // Neighbouring rows mostly share their slices: no hash for those.
  if (last_ != nullptr && last_->first == slices_json) return last_->second;
  auto found = slices_.find(slices_json);
  if (found == slices_.end()) {
    found = slices_
                .emplace(std::string(slices_json),
                         Decoded{DecodeSlices(std::string(slices_json))})
                .first;
  }
  last_ = &*found;
  return found->second;
}

void GateRowDecoder::Decode(std::string_view slices_json,
                            std::string_view reference_json,
                            std::string_view media_json,
                            std::string_view repeats_json, ItemResult* res) {
  const Decoded& d = Find(slices_json);
  std::string column = "items.slices_json";
  Status bad = d.slices.status();
  if (bad.ok()) {
    res->item.slices = *d.slices;
    bad = CheckColumns(reference_json, media_json, std::nullopt, parser_.get(),
                       &column);
  }
  if (bad.ok() && res->response) bad = CheckRepeats(repeats_json, &column);
  if (!bad.ok()) MarkCorrupt(column, bad, res);
}

Status GateRowDecoder::CheckItem(std::string_view slices_json,
                                 std::string_view reference_json,
                                 std::string_view media_json, GateRun* run,
                                 std::span<const GateSlice>* slices,
                                 std::string* column) {
  Decoded& d = Find(slices_json);
  if (!d.slices.ok()) {
    *column = "items.slices_json";
    return d.slices.status();
  }
  if (!d.made) {
    std::vector<GateSlice> in_run;
    for (const auto& [k, v] : *d.slices)
      in_run.push_back({run->Intern(k), run->Intern(v)});
    d.in_run = run->Slices(std::move(in_run));
    d.made = true;
  }
  *slices = d.in_run;
  return CheckColumns(reference_json, media_json, std::nullopt, parser_.get(),
                      column);
}

Status GateRowDecoder::CheckRepeats(std::string_view repeats_json,
                                    std::string* column) {
  Status bad = CheckJson(repeats_json, parser_.get());
  if (!bad.ok()) *column = "responses.repeats_json";
  return bad;
}

void GateRowDecoder::MarkCorrupt(const std::string& column, const Status& bad,
                                 ItemResult* res) const {
  internal::MarkCorrupt(run_id_, column, bad, res);
}

std::string GateRowDecoder::CorruptError(std::string_view suite,
                                         std::string_view item_id,
                                         const std::string& column,
                                         const Status& bad) const {
  return CorruptMessage(run_id_, suite, item_id, column, bad);
}

std::map<std::string, std::string> LineageRoots(
    const std::map<std::string, std::string>& source) {
  std::map<std::string, std::string> root;
  for (const auto& [run, _] : source) {
    std::string cur = run;
    for (size_t steps = 0; steps < source.size(); ++steps) {
      auto it = source.find(cur);
      if (it == source.end() || it->second.empty()) break;
      cur = it->second;
    }
    root[run] = cur;
  }
  return root;
}

std::string LeaseName(const std::string& run_id, const std::string& batch_id) {
  return "batch " + batch_id + " of run " + run_id;
}

Status CheckClaim(const std::string& what, const std::string& owner,
                  int64_t ttl_ms) {
  if (owner.empty() || ttl_ms <= 0) {
    return Status::Invalid("claiming " + what +
                           ": needs an owner and a positive ttl");
  }
  return Status::Ok();
}

}  // namespace mmgate::store::internal
