#include "remote/sse.h"

namespace mmgate::remote {

bool SseParser::Feed(std::string_view chunk) {
  buffer_.append(chunk);
  size_t start = 0;
  for (;;) {
    size_t nl = buffer_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(buffer_.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = nl + 1;
    if (!Line(line)) {
      buffer_.erase(0, start);
      return false;
    }
  }
  buffer_.erase(0, start);
  return true;
}

bool SseParser::HasPartial() const { return !buffer_.empty() || has_fields_; }

bool SseParser::Line(std::string_view line) {
  if (line.empty()) {
    if (!has_fields_) return true;
    SseEvent done = std::move(current_);
    current_ = SseEvent();
    has_fields_ = false;
    return handler_(done);
  }
  if (line.front() == ':') return true;  // comment / keep-alive
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_fields_ && !current_.data.empty()) current_.data += '\n';
    current_.data.append(value);
    has_fields_ = true;
  } else if (field == "event") {
    current_.event = std::string(value);
    has_fields_ = true;
  }
  return true;
}

}  // namespace mmgate::remote
