#include "trace/fields.h"

#include <cctype>
#include <cstring>
#include <span>
#include <string_view>

#include "trace/time.h"

namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL {
namespace {

using simdjson::ondemand::field;
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

// The characters of a JSON string in [b, end) up to its closing quote, when
// none is escaped: true and *out points into the input (no copy, no call
// into simdjson's unescaper). False when an escape comes first or no quote
// does; the caller then lets simdjson read it, so both paths agree.
bool Verbatim(const char* b, const char* end, std::string_view* out) {
  for (const char* p = b; p < end; ++p) {
    if (*p == '"') {
      *out = std::string_view(b, static_cast<size_t>(p - b));
      return true;
    }
    if (*p == '\\') return false;
  }
  return false;
}

// A field's key. One of `names` written without escapes (the common case)
// is matched in place: no scan for its end, no call into simdjson. Reading
// past a short key is safe: a value and the padding follow it.
simdjson::error_code Key(field& f, std::span<const std::string_view> names,
                         std::string_view* key) {
  const char* b = f.key().raw();
  for (std::string_view n : names) {
    // The byte after the name closes the key: the name has no backslash.
    if (b[0] == n[0] && std::memcmp(b, n.data(), n.size()) == 0 &&
        b[n.size()] == '"') {
      *key = n;
      return simdjson::SUCCESS;
    }
  }
  // The value is only peeked at: the key ends before it.
  const char* end = f.value().raw_json_token().data();
  if (Verbatim(b, end, key)) return simdjson::SUCCESS;
  return f.unescaped_key().get(*key);
}

constexpr std::string_view kTraceKeys[] = {
    "id",      "time",     "model_version", "category",    "decision",
    "prompt",  "modality", "slices",        "signals",     "confidence",
    "outcome", "media",    "request_hash",  "ground_truth"};
constexpr std::string_view kSignalKeys[] = {"thumbs_down", "rating", "retries",
                                            "confidence", "ticket_tag"};
constexpr std::string_view kMediaKeys[] = {"type", "path", "mime", "base64"};

// A string value without escapes, read in place (the value is peeked at,
// not consumed; the object's iteration skips it).
bool VerbatimString(value& v, std::string_view* s) {
  const std::string_view tok = v.raw_json_token();
  return !tok.empty() && tok[0] == '"' &&
         Verbatim(tok.data() + 1, tok.data() + tok.size(), s);
}

// The field's name for messages: `prefix` + `key`, made only on error.
std::string Name(std::string_view prefix, std::string_view key) {
  return std::string(prefix) + std::string(key);
}

// A string field into *dst (null: only checked); a wrong type is a field
// error.
void ReadString(value v, std::string_view key, LineFields* out, Text* dst) {
  std::string_view s;
  if (VerbatimString(v, &s)) {
    if (dst) dst->SetInPlace(s);
    return;
  }
  auto e = v.get_string().get(s);
  if (e == simdjson::INCORRECT_TYPE) {
    Bad(out, "'" + std::string(key) + "' must be a string");
    return;
  }
  // simdjson's unescaped strings are overwritten by the next document.
  if (!Failed(e, out) && dst) dst->SetCopy(s);
}

// Digits at p, n of them, at most `max`.
bool DigitsAt(const char* p, int n, int64_t max, int64_t* v) {
  *v = 0;
  for (int i = 0; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(p[i]))) return false;
    *v = *v * 10 + (p[i] - '0');
  }
  return *v <= max;
}

// The common form "YYYY-MM-DDTHH:MM:SSZ", read in place to what
// ParseRfc3339 gives for it (no Result, no error message made). False:
// ParseRfc3339 reads it.
bool PlainUtcTime(std::string_view s, int64_t* ms) {
  int64_t y, mo, d, h, mi, sec;
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
      s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
      !DigitsAt(&s[0], 4, 9999, &y) || !DigitsAt(&s[5], 2, 12, &mo) || mo < 1 ||
      !DigitsAt(&s[8], 2, 31, &d) || d < 1 || !DigitsAt(&s[11], 2, 23, &h) ||
      !DigitsAt(&s[14], 2, 59, &mi) || !DigitsAt(&s[17], 2, 60, &sec))
    return false;
  *ms = (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000;
  return true;
}

void ReadTime(value v, LineFields* out) {
  std::string_view s;
  json_type t = json_type::string;
  if (!VerbatimString(v, &s)) {
    if (Failed(v.type().get(t), out)) return;
    if (t == json_type::number) {
      int64_t ms;
      if (v.get_int64().get(ms) != simdjson::SUCCESS)
        return Bad(out, "'time' must be RFC 3339 or integer milliseconds");
      out->created_ms = ms;
      return;
    }
    if (t != json_type::string || Failed(v.get_string().get(s), out))
      return Bad(out, "'time' must be RFC 3339 or integer milliseconds");
  }
  if (PlainUtcTime(s, &out->created_ms)) return;
  auto ms = ParseRfc3339(s);
  if (!ms.ok()) return Bad(out, "'time': " + ms.status().message());
  out->created_ms = *ms;
}

// A value ingest does not keep is only checked for its type (ParseInputs
// reads it when the trace is replayed).
void CheckType(value v, json_type want, std::string_view prefix,
               std::string_view key, const char* what, LineFields* out) {
  json_type t = want;
  if (Failed(v.type().get(t), out)) return;
  if (t != want) Bad(out, "'" + Name(prefix, key) + "' must be " + what);
}

// The feedback signals `mmgate mine` selects by (docs/traces.md): a known
// signal of the wrong type is a bad line, so a typo never silently hides a
// failure; other signals are kept as written.
void CheckSignals(simdjson::ondemand::object o, LineFields* out) {
  constexpr std::string_view kPrefix = "signals.";
  for (auto f : o) {
    if (Failed(f.error(), out)) return;
    field fd = std::move(f).value_unsafe();
    std::string_view k;
    if (Failed(Key(fd, kSignalKeys, &k), out)) return;
    if (k == "thumbs_down")
      CheckType(fd.value(), json_type::boolean, kPrefix, k, "true or false",
                out);
    if (k == "rating" || k == "confidence")
      CheckType(fd.value(), json_type::number, kPrefix, k, "a number", out);
    if (k == "ticket_tag")
      CheckType(fd.value(), json_type::string, kPrefix, k, "a string", out);
    if (k == "retries") {
      int64_t n;
      if (fd.value().get_int64().get(n) != simdjson::SUCCESS || n < 0)
        Bad(out,
            "'" + Name(kPrefix, k) + "' must be a whole number, 0 or more");
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
    field fd = std::move(f).value_unsafe();
    CheckType(fd.value(), json_type::string, "", "slices values", "strings",
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
      field fd = std::move(f).value_unsafe();
      std::string_view key;
      if (Failed(Key(fd, kMediaKeys, &key), out)) return;
      Text s;
      ReadString(fd.value(), where + "." + std::string(key), out, &s);
      if (!out->error.empty()) return;
      if (key == "type") has_type = true;
      if (key == "path") {
        has_path = true;
        out->media_paths.emplace_back(s.get());
      }
      if (key == "base64") has_b64 = true;
    }
    if (!has_type) return Bad(out, "'" + where + ".type' is missing");
    if (has_path == has_b64)
      return Bad(out, "'" + where + "' needs either 'path' or 'base64'");
  }
}

enum class Known {
  kOther,
  kId,
  kTime,
  kModelVersion,
  kCategory,
  kDecision,
  kOutcome,
  kRequestHash,
  kTypedString,  // modality, prompt, ground_truth: type-checked only
  kMedia,
  kMap,  // slices, signals
  kConfidence,
};

// Which field `key` is, by length first: one or two comparisons a key.
Known Classify(std::string_view k) {
  switch (k.size()) {
    case 2:
      if (k == "id") return Known::kId;
      break;
    case 4:
      if (k == "time") return Known::kTime;
      break;
    case 5:
      if (k == "media") return Known::kMedia;
      break;
    case 6:
      if (k == "prompt") return Known::kTypedString;
      if (k == "slices") return Known::kMap;
      break;
    case 7:
      if (k == "outcome") return Known::kOutcome;
      if (k == "signals") return Known::kMap;
      break;
    case 8:
      if (k == "category") return Known::kCategory;
      if (k == "decision") return Known::kDecision;
      if (k == "modality") return Known::kTypedString;
      break;
    case 10:
      if (k == "confidence") return Known::kConfidence;
      break;
    case 12:
      if (k == "request_hash") return Known::kRequestHash;
      if (k == "ground_truth") return Known::kTypedString;
      break;
    case 13:
      if (k == "model_version") return Known::kModelVersion;
      break;
  }
  return Known::kOther;
}

void ReadField(Known which, std::string_view key, value v, LineFields* out) {
  LineFields& r = *out;
  switch (which) {
    case Known::kId:
      return ReadString(v, key, out, &r.trace_id);
    case Known::kTime:
      return ReadTime(v, out);
    case Known::kModelVersion:
      return ReadString(v, key, out, &r.model_version);
    case Known::kCategory:
      return ReadString(v, key, out, &r.category);
    case Known::kDecision:
      return ReadString(v, key, out, &r.decision);
    case Known::kOutcome:
      return ReadString(v, key, out, &r.outcome);
    case Known::kRequestHash:
      ReadString(v, key, out, &r.request_hash);
      if (out->error.empty() && !r.request_hash.get().starts_with("sha256:"))
        Bad(out, "'request_hash' must start with 'sha256:'");
      return;
    case Known::kTypedString:
      return CheckType(v, json_type::string, "", key, "a string", out);
    case Known::kMedia:
      return ReadMedia(v, out);
    case Known::kMap:
      return ReadStringMap(v, key, out);
    case Known::kConfidence:
      return CheckType(v, json_type::number, "", key, "a number", out);
    case Known::kOther:
      // Kept in inputs_json as written (the store checks that the whole
      // line is JSON).
      return;
  }
}

}  // namespace

void ReadFields(simdjson::ondemand::object obj, LineFields* out) {
  bool has_time = false, has_decision = false;
  for (auto f : obj) {
    if (Failed(f.error(), out)) return;
    field fd = std::move(f).value_unsafe();
    std::string_view key;
    if (Failed(Key(fd, kTraceKeys, &key), out)) return;
    const Known which = Classify(key);
    if (which == Known::kTime) has_time = true;
    if (which == Known::kDecision) has_decision = true;
    ReadField(which, key, fd.value(), out);
    if (!out->error.empty()) return;
  }
  const LineFields& r = *out;
  if (r.trace_id.empty()) return Bad(out, "'id' is missing or empty");
  if (!has_time) return Bad(out, "'time' is missing");
  if (r.category.empty()) return Bad(out, "'category' is missing or empty");
  if (!has_decision) return Bad(out, "'decision' is missing");
}

}  // namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL
