#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <filesystem>

#include "common/hash.h"
#include "trace/trace.h"

namespace mmgate::trace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool Digits(std::string_view s, size_t at, size_t n, int64_t* out) {
  if (at + n > s.size()) return false;
  *out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    *out = *out * 10 + (s[i] - '0');
  }
  return true;
}

bool InsideFolder(const fs::path& folder, const fs::path& abs) {
  auto [a, b] =
      std::mismatch(folder.begin(), folder.end(), abs.begin(), abs.end());
  return a == folder.end();
}

}  // namespace

Result<int64_t> ParseRfc3339(std::string_view s) {
  auto bad = [&] {
    return Status::Invalid(
        fmt::format("'{}' is not an RFC 3339 time (2026-09-01T12:00:00Z)", s));
  };
  int64_t y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' ||
      !Digits(s, 5, 2, &mo) || s[7] != '-' || !Digits(s, 8, 2, &d) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, &h) ||
      s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec))
    return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return bad();
  size_t i = 19;
  int64_t frac_ms = 0;
  if (i < s.size() && s[i] == '.') {
    int64_t scale = 100;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
         ++i) {
      frac_ms += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  int64_t offset_min = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int64_t oh, om;
    if (!Digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !Digits(s, i + 4, 2, &om))
      return bad();
    offset_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    i += 6;
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  const int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
                       sec - offset_min * 60;
  return secs * 1000 + frac_ms;
}

std::string FormatRfc3339(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // civil_from_days
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d,
                     rem / 3600, rem / 60 % 60, rem % 60);
}

Result<TraceInputs> ParseInputs(const store::TraceRecord& t) {
  json j = json::parse(t.inputs_json, nullptr, false);
  if (!j.is_object())
    return Status::Corrupt("trace " + t.trace_id +
                           ": stored inputs are not a JSON object");
  TraceInputs in;
  try {
    in.modality = j.value("modality", "text");
    in.prompt = j.value("prompt", "");
    in.ground_truth = j.value("ground_truth", "");
    in.confidence = j.value("confidence", -1.0);
    if (j.contains("signals") && j["signals"].is_object())
      in.signals = j["signals"];
    if (j.contains("slices"))
      for (const auto& [k, v] : j["slices"].items())
        in.slices.emplace_back(k, v.get<std::string>());
    const fs::path folder = fs::path(t.inputs_ref).lexically_normal();
    for (const json& m : j.value("media", json::array())) {
      TraceMedia tm;
      tm.type = m.at("type").get<std::string>();
      tm.path = m.value("path", "");
      tm.mime = m.value("mime", "");
      tm.base64 = m.value("base64", "");
      if (!tm.path.empty()) {
        fs::path abs = (folder / tm.path).lexically_normal();
        if (!fs::path(tm.path).is_absolute() && InsideFolder(folder, abs))
          tm.abs_path = abs.string();
      }
      in.media.push_back(std::move(tm));
    }
  } catch (const json::exception& e) {
    return Status::Corrupt("trace " + t.trace_id +
                           ": stored inputs: " + e.what());
  }
  return in;
}

std::string NotReplayableReason(const TraceInputs& in) {
  for (const TraceMedia& m : in.media) {
    if (!m.base64.empty() || m.path.empty()) continue;
    if (m.abs_path.empty())
      return "media " + m.path + ": outside the trace file's folder";
    std::error_code ec;
    if (!fs::is_regular_file(m.abs_path, ec))
      return "media " + m.path + ": no such file";
  }
  return {};
}

Result<std::string> RequestHash(
    const std::string& modality, const std::string& prompt,
    const std::vector<std::pair<std::string, std::string>>& media) {
  Sha256 h;
  h.Feed("mmgate-request-v1").Feed(modality).Feed(prompt);
  for (const auto& [type, path] : media) {
    h.Feed(type);
    MMGATE_RETURN_IF_ERROR(h.FeedFile(path));
  }
  return "sha256:" + h.HexDigest();
}

}  // namespace mmgate::trace
