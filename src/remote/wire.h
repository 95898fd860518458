// Provider wire formats: how a ModelRequest becomes an HTTP request and how a
// response body (whole or streamed as server-sent events) becomes an answer
// with token usage. One Wire per provider: OpenAI-compatible chat completions
// and audio transcriptions, Anthropic Messages, Gemini generateContent.
#ifndef MMGATE_REMOTE_WIRE_H_
#define MMGATE_REMOTE_WIRE_H_

#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/model.h"
#include "remote/http.h"
#include "remote/sse.h"

namespace mmgate::remote {

struct WireConfig {
  std::string base_url;  // without a trailing slash
  std::string model;
  std::string endpoint = "chat";  // openai: chat | transcriptions
  std::string api_key;            // from the environment; never logged
  std::string system;             // system prompt, may be empty
  std::string prompt_template = "{prompt}";
  nlohmann::json parameters = nlohmann::json::object();
  nlohmann::json json_schema;  // null: free-text answers
  bool stream = false;
};

// Accumulates one streamed answer.
class StreamState {
 public:
  virtual ~StreamState() = default;
  // A provider error event in the stream is an EngineError.
  virtual Status OnEvent(const SseEvent& event) = 0;
  // True once the stream's end marker arrived ([DONE], message_stop, a
  // finish reason).
  virtual bool Complete() const = 0;
  ModelResponse response;
  bool got_content = false;
};

class Wire {
 public:
  virtual ~Wire() = default;
  virtual Result<HttpRequest> Build(const ModelRequest& request,
                                    const WireConfig& config) const = 0;
  // Reads a 2xx body. Unparsable bodies are kCorrupt with a short preview;
  // an error object in a 2xx body is kEngineError. A body of the wrong shape
  // may make the JSON library throw: RemoteModel fences Parse and OnEvent.
  virtual Result<ModelResponse> Parse(const std::string& body,
                                      const WireConfig& config) const = 0;
  // The provider's own message in an error body, or a preview of the body.
  std::string ErrorMessage(const std::string& body) const;
  // Null when the configured endpoint does not stream.
  virtual std::unique_ptr<StreamState> NewStream(
      const WireConfig& config) const = 0;
};

std::unique_ptr<Wire> MakeOpenAIWire();
std::unique_ptr<Wire> MakeAnthropicWire();
std::unique_ptr<Wire> MakeGeminiWire();

// Shared by the wires.
// "image/png", "audio/wav"... from the file extension and medium type.
std::string MimeType(const MediaRef& medium);
// An audio medium's bytes in a format the provider takes: the file as it is
// when its extension's MIME type is one of `accepted`, otherwise decoded
// (libsox: raw 16 kHz PCM, FLAC, Opus...) and re-encoded as 16-bit PCM WAV at
// the file's own rate, so no provider is sent bytes labelled with a format
// they are not in. Errors name the file.
struct AudioPayload {
  std::string mime;
  std::string bytes;
};
Result<AudioPayload> AudioForWire(
    const MediaRef& medium, std::initializer_list<std::string_view> accepted);
// The first ~160 bytes of a body on one line, cut at a UTF-8 boundary and
// redacted: what error messages quote of an unparsable body.
std::string Preview(std::string_view body);
std::string ApplyTemplate(const std::string& prompt_template,
                          const std::string& prompt);
// A JSON object, or kCorrupt quoting a preview (model/reply_json.h: never
// throws; too deep a nesting is refused).
Result<nlohmann::json> ParseJson(const std::string& body, const char* what);

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_WIRE_H_
