// The OpenAI-compatible wire format spoken by `mmgate serve`: requests parsed
// into what a local engine needs (one question, its media), and responses in
// the shapes OpenAI clients expect. No HTTP here, so all of it is unit-tested.
#ifndef MMGATE_SERVE_OPENAI_WIRE_H_
#define MMGATE_SERVE_OPENAI_WIRE_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/model.h"

namespace mmgate::serve {

// A medium decoded from a request, not yet on disk.
struct Medium {
  std::string type;    // "image" | "audio"
  std::string bytes;   // decoded
  std::string suffix;  // ".png", ".wav": decoders choose the format by it
};

// One question for one engine.
struct Query {
  std::string model;
  std::string prompt;
  std::string modality;  // metadata.modality, else "audio", "image" or "text"
  std::vector<Medium> media;
};

struct ChatRequest {
  Query query;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

// POST /v1/chat/completions. Local engines answer one question about one
// input, so the question is the last user message (its text parts joined by
// newlines, its image_url and input_audio parts as media); system and earlier
// messages are accepted and not seen by the engine. Images must be base64 data
// URLs (the server fetches nothing). Errors are kInvalidArgument naming the
// field, e.g. "messages[1].content[0].image_url.url: ...".
Result<ChatRequest> ParseChatRequest(const std::string& body);

// One part of a multipart form.
struct FormPart {
  std::string content;
  std::string filename;
  std::string content_type;
};

struct TranscriptionRequest {
  Query query;               // modality "audio", the file as its one medium
  bool text_format = false;  // response_format "text" (default "json")
};

// POST /v1/audio/transcriptions: `file` and `model` required; `prompt`,
// `language`, `temperature` accepted; response_format json or text.
Result<TranscriptionRequest> ParseTranscriptionRequest(
    const std::multimap<std::string, FormPart>& form);

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

// The engine's token counts where it reports them; local engines have no
// tokenizer, so otherwise whitespace-separated words of prompt and answer.
Usage UsageFor(const Query& query, const ModelResponse& response);

// What every response of one completion shares.
struct CompletionMeta {
  std::string id;  // "chatcmpl-..."
  int64_t created = 0;
  std::string model;
  std::string fingerprint;  // system_fingerprint: the engine's version hash
};

nlohmann::json ChatCompletionJson(const CompletionMeta& meta,
                                  const std::string& answer,
                                  const Usage& usage);

// The server-sent events of a streamed completion, each "data: {...}\n\n":
// a role chunk, the answer in word-sized content chunks, a finish chunk, the
// usage chunk if asked, and "data: [DONE]\n\n".
std::vector<std::string> ChatCompletionEvents(const CompletionMeta& meta,
                                              const std::string& answer,
                                              const Usage& usage,
                                              bool include_usage);

nlohmann::json ModelJson(const std::string& name, int64_t created);
nlohmann::json ModelsJson(const std::vector<std::string>& names,
                          int64_t created);

// HTTP status and OpenAI's error body {"error": {message, type, param, code}}:
// bad input and undecodable media 400, an unknown model 404, engine and
// server failures 500.
std::pair<int, nlohmann::json> ErrorResponse(const Status& status);
// A NotFound status for an unknown model, in OpenAI's wording.
Status UnknownModel(const std::string& model);

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_OPENAI_WIRE_H_
