#include "trace/fields.h"

#include <string_view>

#include "trace/trace.h"

namespace mmgate::trace::internal {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::value;

// Records a simdjson error; true when there was one.
bool Failed(simdjson::error_code e, LineFields* out) {
  if (e == simdjson::SUCCESS) return false;
  if (out->error.empty()) {
    out->error = std::string("bad JSON: ") + simdjson::error_message(e);
    out->json_error = true;
  }
  return true;
}

void Bad(LineFields* out, std::string message) {
  if (out->error.empty()) out->error = std::move(message);
}

// A string field into *dst; a wrong type is a field error.
void ReadString(value v, std::string_view key, LineFields* out,
                std::string* dst) {
  std::string_view s;
  auto e = v.get_string().get(s);
  if (e == simdjson::INCORRECT_TYPE) {
    Bad(out, "'" + std::string(key) + "' must be a string");
    return;
  }
  if (!Failed(e, out) && dst) dst->assign(s);
}

void ReadTime(value v, LineFields* out) {
  json_type t;
  if (Failed(v.type().get(t), out)) return;
  if (t == json_type::number) {
    int64_t ms;
    if (v.get_int64().get(ms) != simdjson::SUCCESS)
      return Bad(out, "'time' must be RFC 3339 or integer milliseconds");
    out->record.created_ms = ms;
    return;
  }
  std::string_view s;
  if (t != json_type::string || Failed(v.get_string().get(s), out))
    return Bad(out, "'time' must be RFC 3339 or integer milliseconds");
  auto ms = ParseRfc3339(s);
  if (!ms.ok()) return Bad(out, "'time': " + ms.status().message());
  out->record.created_ms = *ms;
}

// A value ingest does not keep is only checked for its type (ParseInputs
// reads it when the trace is replayed).
void CheckType(value v, json_type want, std::string_view key, const char* what,
               LineFields* out) {
  json_type t;
  if (Failed(v.type().get(t), out)) return;
  if (t != want) Bad(out, "'" + std::string(key) + "' must be " + what);
}

// The feedback signals `mmgate mine` selects by (docs/traces.md): a known
// signal of the wrong type is a bad line, so a typo never silently hides a
// failure; other signals are kept as written.
void CheckSignals(simdjson::ondemand::object o, LineFields* out) {
  for (auto f : o) {
    if (Failed(f.error(), out)) return;
    simdjson::ondemand::field field = std::move(f).value_unsafe();
    std::string_view k;
    if (Failed(field.unescaped_key().get(k), out)) return;
    const std::string key = "signals." + std::string(k);
    if (k == "thumbs_down")
      CheckType(field.value(), json_type::boolean, key, "true or false", out);
    if (k == "rating" || k == "confidence")
      CheckType(field.value(), json_type::number, key, "a number", out);
    if (k == "ticket_tag")
      CheckType(field.value(), json_type::string, key, "a string", out);
    if (k == "retries") {
      int64_t n;
      if (field.value().get_int64().get(n) != simdjson::SUCCESS || n < 0)
        Bad(out, "'" + key + "' must be a whole number, 0 or more");
    }
    if (!out->error.empty()) return;
  }
}

void ReadStringMap(value v, std::string_view key, LineFields* out) {
  simdjson::ondemand::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return Bad(out, "'" + std::string(key) + "' must be an object");
  if (key == "signals") return CheckSignals(o, out);
  for (auto f : o) {
    if (Failed(f.error(), out)) return;
    simdjson::ondemand::field field = std::move(f).value_unsafe();
    CheckType(field.value(), json_type::string, "slices values", "strings",
              out);
    if (!out->error.empty()) return;
  }
}

void ReadMedia(value v, LineFields* out) {
  simdjson::ondemand::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS)
    return Bad(out, "'media' must be an array");
  size_t k = 0;
  for (auto entry : a) {
    simdjson::ondemand::object o;
    const std::string where = "media[" + std::to_string(k++) + "]";
    if (entry.get_object().get(o) != simdjson::SUCCESS)
      return Bad(out, "'" + where + "' must be an object");
    bool has_type = false, has_path = false, has_b64 = false;
    for (auto f : o) {
      if (Failed(f.error(), out)) return;
      simdjson::ondemand::field field = std::move(f).value_unsafe();
      std::string_view key;
      if (Failed(field.unescaped_key().get(key), out)) return;
      std::string s;
      ReadString(field.value(), where + "." + std::string(key), out, &s);
      if (!out->error.empty()) return;
      if (key == "type") has_type = true;
      if (key == "path") {
        has_path = true;
        out->media_paths.push_back(std::move(s));
      }
      if (key == "base64") has_b64 = true;
    }
    if (!has_type) return Bad(out, "'" + where + ".type' is missing");
    if (has_path == has_b64)
      return Bad(out, "'" + where + "' needs either 'path' or 'base64'");
  }
}

void ReadField(std::string_view key, value v, LineFields* out) {
  store::TraceRecord& r = out->record;
  if (key == "id") return ReadString(v, key, out, &r.trace_id);
  if (key == "time") return ReadTime(v, out);
  if (key == "model_version") return ReadString(v, key, out, &r.model_version);
  if (key == "category") return ReadString(v, key, out, &r.category);
  if (key == "decision") return ReadString(v, key, out, &r.decision);
  if (key == "outcome") return ReadString(v, key, out, &r.outcome);
  if (key == "request_hash") {
    ReadString(v, key, out, &r.request_hash);
    if (out->error.empty() && r.request_hash.rfind("sha256:", 0) != 0)
      Bad(out, "'request_hash' must start with 'sha256:'");
    return;
  }
  if (key == "modality" || key == "prompt" || key == "ground_truth")
    return CheckType(v, json_type::string, key, "a string", out);
  if (key == "media") return ReadMedia(v, out);
  if (key == "slices" || key == "signals") return ReadStringMap(v, key, out);
  if (key == "confidence")
    return CheckType(v, json_type::number, key, "a number", out);
  // Other keys are kept in inputs_json as written (the store checks that
  // the whole line is JSON).
}

}  // namespace

void ReadFields(simdjson::ondemand::object obj, LineFields* out) {
  bool has_time = false, has_decision = false;
  for (auto f : obj) {
    if (Failed(f.error(), out)) return;
    simdjson::ondemand::field field = std::move(f).value_unsafe();
    std::string_view key;
    if (Failed(field.unescaped_key().get(key), out)) return;
    if (key == "time") has_time = true;
    if (key == "decision") has_decision = true;
    ReadField(key, field.value(), out);
    if (!out->error.empty()) return;
  }
  const store::TraceRecord& r = out->record;
  if (r.trace_id.empty()) return Bad(out, "'id' is missing or empty");
  if (!has_time) return Bad(out, "'time' is missing");
  if (r.category.empty()) return Bad(out, "'category' is missing or empty");
  if (!has_decision) return Bad(out, "'decision' is missing");
}

}  // namespace mmgate::trace::internal
