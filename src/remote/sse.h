// Server-sent events (the streaming wire of OpenAI, Anthropic and Gemini):
// bytes arrive in arbitrary chunks, possibly splitting a line or a UTF-8
// character; events are emitted only once complete.
#ifndef MMGATE_REMOTE_SSE_H_
#define MMGATE_REMOTE_SSE_H_

#include <functional>
#include <string>
#include <string_view>

namespace mmgate::remote {

struct SseEvent {
  std::string event;  // "event:" field; empty means "message"
  std::string data;   // "data:" lines joined with '\n'
};

class SseParser {
 public:
  using Handler = std::function<bool(const SseEvent&)>;
  explicit SseParser(Handler handler) : handler_(std::move(handler)) {}
  // Feeds bytes; false once the handler asked to stop.
  bool Feed(std::string_view chunk);
  // True when bytes of an unfinished event are still buffered (a stream that
  // ends here was cut mid-event).
  bool HasPartial() const;

 private:
  bool Line(std::string_view line);
  Handler handler_;
  std::string buffer_;
  SseEvent current_;
  bool has_fields_ = false;
};

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_SSE_H_
