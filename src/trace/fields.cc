#include "trace/fields.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "trace/time.h"

namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL {
namespace {

using simdjson::ondemand::field;
using simdjson::ondemand::json_type;
using simdjson::ondemand::value;

// Records a simdjson error (out of line: rare, and it makes a string).
[[gnu::noinline, gnu::cold]] void RecordJsonError(simdjson::error_code e,
                                                  LineFields* out) {
  if (out->error.empty()) {
    out->error = std::string("bad JSON: ") + simdjson::error_message(e);
    out->json_error = true;
  }
}

// Records a simdjson error; true when there was one.
inline bool Failed(simdjson::error_code e, LineFields* out) {
  if (e == simdjson::SUCCESS) return false;
  RecordJsonError(e, out);
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

// A known key as it stands in the input, its name and closing quote, as two
// words and a mask of the bytes that count: a key is matched with two loads
// and a few instructions, no call and no loop over its bytes.
struct KeyPattern {
  std::string_view name;
  uint64_t word[2] = {0, 0};
  uint64_t mask[2] = {0, 0};
};

constexpr KeyPattern Pattern(std::string_view name) {
  std::array<unsigned char, 8> bytes[2] = {}, mask[2] = {};
  if (name.size() > 15) throw "a known key is at most 15 bytes";
  for (size_t i = 0; i <= name.size(); ++i) {
    bytes[i / 8][i % 8] = i < name.size() ? name[i] : '"';
    mask[i / 8][i % 8] = 0xff;
  }
  return {
      name,
      {std::bit_cast<uint64_t>(bytes[0]), std::bit_cast<uint64_t>(bytes[1])},
      {std::bit_cast<uint64_t>(mask[0]), std::bit_cast<uint64_t>(mask[1])}};
}

bool Matches(uint64_t w0, uint64_t w1, const KeyPattern& k) {
  return (((w0 ^ k.word[0]) & k.mask[0]) | ((w1 ^ k.word[1]) & k.mask[1])) == 0;
}

// The index in `known` of the key starting at b (after its opening quote),
// or -1; `guess` (an index, or -1) is tried first. Reading 16 bytes is
// safe: a value and the padding follow a key.
int MatchKey(const char* b, std::span<const KeyPattern> known, int guess) {
  uint64_t w0, w1;
  std::memcpy(&w0, b, 8);
  std::memcpy(&w1, b + 8, 8);
  if (guess >= 0 && Matches(w0, w1, known[guess])) return guess;
  for (size_t i = 0; i < known.size(); ++i)
    if (Matches(w0, w1, known[i])) return static_cast<int>(i);
  return -1;
}

// A field's key: one of `known` (*index set) matched in place, else read in
// place when it has no escapes, else unescaped by simdjson (*index -1).
inline simdjson::error_code Key(field& f, std::span<const KeyPattern> known,
                                int guess, std::string_view* key, int* index) {
  const char* b = f.key().raw();
  *index = MatchKey(b, known, guess);
  if (*index >= 0) {
    *key = known[*index].name;
    return simdjson::SUCCESS;
  }
  // The value is only peeked at: the key ends before it.
  const char* end = f.value().raw_json_token().data();
  if (Verbatim(b, end, key)) return simdjson::SUCCESS;
  return f.unescaped_key().get(*key);
}

simdjson::error_code Key(field& f, std::span<const KeyPattern> known,
                         std::string_view* key) {
  int index;
  return Key(f, known, -1, key, &index);
}

// In the order they are most often written (docs/traces.md).
constexpr KeyPattern kTraceKeys[] = {
    Pattern("id"),           Pattern("time"),        Pattern("model_version"),
    Pattern("category"),     Pattern("modality"),    Pattern("slices"),
    Pattern("prompt"),       Pattern("decision"),    Pattern("confidence"),
    Pattern("signals"),      Pattern("outcome"),     Pattern("media"),
    Pattern("request_hash"), Pattern("ground_truth")};
constexpr KeyPattern kSignalKeys[] = {Pattern("thumbs_down"), Pattern("rating"),
                                      Pattern("retries"), Pattern("confidence"),
                                      Pattern("ticket_tag")};
constexpr KeyPattern kMediaKeys[] = {Pattern("type"), Pattern("path"),
                                     Pattern("mime"), Pattern("base64")};

// Whether [p, p + n) holds a backslash, eight bytes at a time (a word with
// a zero byte after XOR with backslashes). Reads up to 7 bytes past the end:
// the block's bytes or its padding follow a value.
bool HasBackslash(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    w ^= kOnes * '\\';
    // Bytes past the end made nonzero.
    if (n - i < 8) {
      const int bits = static_cast<int>(8 * (n - i));
      w |= std::endian::native == std::endian::little ? ~uint64_t{0} << bits
                                                      : ~uint64_t{0} >> bits;
    }
    if ((w - kOnes) & ~w & kHighs) return true;
  }
  return false;
}

// A string value without escapes, read in place (the value is peeked at,
// not consumed; the object's iteration skips it). The token runs to the
// next structural character, so it is the string and the blanks after it;
// a backslash anywhere in it sends the string to simdjson.
bool VerbatimString(value& v, std::string_view* s) {
  std::string_view tok = v.raw_json_token();
  while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\n' ||
                          tok.back() == '\r' || tok.back() == '\t'))
    tok.remove_suffix(1);
  if (tok.size() < 2 || tok.front() != '"' || tok.back() != '"') return false;
  tok = tok.substr(1, tok.size() - 2);
  if (HasBackslash(tok.data(), tok.size())) return false;
  *s = tok;
  return true;
}

// The field's name for messages: `prefix` + `key`, made only on error.
std::string Name(std::string_view prefix, std::string_view key) {
  return std::string(prefix) + std::string(key);
}

// A string value into *dst (null: only checked). False when the value is
// not a string, for the caller to name the field (its name is made only
// then); a JSON error is recorded.
bool ReadString(value& v, LineFields* out, Text* dst) {
  std::string_view s;
  if (VerbatimString(v, &s)) {
    if (dst) dst->SetInPlace(s);
    return true;
  }
  auto e = v.get_string().get(s);
  if (e == simdjson::INCORRECT_TYPE) return false;
  // simdjson's unescaped strings are overwritten by the next document.
  if (!Failed(e, out) && dst) dst->SetCopy(s);
  return true;
}

// A string field; a wrong type is a field error.
void ReadString(value& v, std::string_view key, LineFields* out, Text* dst) {
  if (!ReadString(v, out, dst))
    Bad(out, "'" + std::string(key) + "' must be a string");
}

// The common form "YYYY-MM-DDTHH:MM:SSZ", read in place to what
// ParseRfc3339 gives for it (no Result, no error message made). False:
// ParseRfc3339 reads it. Every byte is checked with no early exit, which
// the compiler unrolls.
bool PlainUtcTime(std::string_view s, int64_t* ms) {
  static constexpr char kForm[] = "0000-00-00T00:00:00Z";
  if (s.size() != 20) return false;
  int64_t digit[20];
  bool bad = false;
#pragma GCC unroll 20
  for (size_t i = 0; i < 20; ++i) {
    const unsigned c = static_cast<unsigned char>(s[i]);
    digit[i] = c - unsigned{'0'};
    bad |= kForm[i] == '0' ? c - unsigned{'0'} > 9 : c != unsigned(kForm[i]);
  }
  if (bad) return false;
  auto number = [&digit](size_t at, size_t n) {
    int64_t v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + digit[i];
    return v;
  };
  const int64_t y = number(0, 4), mo = number(5, 2), d = number(8, 2),
                h = number(11, 2), mi = number(14, 2), sec = number(17, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return false;
  *ms = (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000;
  return true;
}

void ReadTime(value& v, LineFields* out) {
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
void CheckType(value& v, json_type want, std::string_view prefix,
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
    field& fd = f.value_unsafe();
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

void ReadStringMap(value& v, std::string_view key, LineFields* out) {
  simdjson::ondemand::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return Bad(out, "'" + std::string(key) + "' must be an object");
  if (key == "signals") return CheckSignals(o, out);
  for (auto f : o) {
    if (Failed(f.error(), out)) return;
    field& fd = f.value_unsafe();
    CheckType(fd.value(), json_type::string, "", "slices values", "strings",
              out);
    if (!out->error.empty()) return;
  }
}

void ReadMedia(value& v, LineFields* out) {
  simdjson::ondemand::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS)
    return Bad(out, "'media' must be an array");
  size_t k = 0;
  for (auto entry : a) {
    simdjson::ondemand::object o;
    // Made only for a message.
    auto where = [k] { return "media[" + std::to_string(k) + "]"; };
    ++k;
    if (entry.get_object().get(o) != simdjson::SUCCESS)
      return Bad(out, "'" + where() + "' must be an object");
    bool has_type = false, has_path = false, has_b64 = false;
    for (auto f : o) {
      if (Failed(f.error(), out)) return;
      field& fd = f.value_unsafe();
      std::string_view key;
      if (Failed(Key(fd, kMediaKeys, &key), out)) return;
      const bool path = key == "path";
      if (!ReadString(fd.value(), out, path ? &out->NextMediaPath() : nullptr))
        Bad(out, "'" + where() + "." + std::string(key) + "' must be a string");
      if (!out->error.empty()) return;
      has_type |= key == "type";
      has_path |= path;
      has_b64 |= key == "base64";
    }
    if (!has_type) return Bad(out, "'" + where() + ".type' is missing");
    if (has_path == has_b64)
      return Bad(out, "'" + where() + "' needs either 'path' or 'base64'");
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

// What each of kTraceKeys is.
constexpr Known kTraceKnown[] = {
    Known::kId,          Known::kTime,        Known::kModelVersion,
    Known::kCategory,    Known::kTypedString, Known::kMap,
    Known::kTypedString, Known::kDecision,    Known::kConfidence,
    Known::kMap,         Known::kOutcome,     Known::kMedia,
    Known::kRequestHash, Known::kTypedString};
static_assert(std::size(kTraceKnown) == std::size(kTraceKeys));

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

void ReadField(Known which, std::string_view key, value& v, LineFields* out) {
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

void ReadFields(simdjson::ondemand::object obj, LineFields* out,
                KeyOrder* order) {
  bool has_time = false, has_decision = false;
  size_t position = 0;
  for (auto f : obj) {
    if (Failed(f.error(), out)) return;
    field& fd = f.value_unsafe();
    std::string_view key;
    int index;
    const bool remembered = position < order->index.size();
    const int guess = remembered ? order->index[position] : -1;
    if (Failed(Key(fd, kTraceKeys, guess, &key, &index), out)) return;
    if (remembered) order->index[position++] = static_cast<int8_t>(index);
    const Known which = index >= 0 ? kTraceKnown[index] : Classify(key);
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
