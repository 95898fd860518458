// OpenAI-compatible wire: POST {base_url}/chat/completions (text, images as
// base64 data URLs, audio as input_audio, response_format json_schema,
// streaming with usage in the last chunk) and POST
// {base_url}/audio/transcriptions (multipart upload, {"text": ...}).
#include <fmt/format.h>

#include <filesystem>

#include "common/base64.h"
#include "common/files.h"
#include "common/hash.h"
#include "remote/wire.h"

namespace mmgate::remote {
namespace {

using nlohmann::json;

void ReadUsage(const json& usage, ModelResponse* r) {
  if (!usage.is_object()) return;
  // Chat completions say prompt/completion; transcriptions input/output.
  for (const char* k : {"prompt_tokens", "input_tokens"})
    if (usage.contains(k) && usage[k].is_number_integer())
      r->input_tokens = usage[k].get<int64_t>();
  for (const char* k : {"completion_tokens", "output_tokens"})
    if (usage.contains(k) && usage[k].is_number_integer())
      r->output_tokens = usage[k].get<int64_t>();
}

Status InBandError(const json& j) {
  if (!j.contains("error") || j["error"].is_null()) return Status::Ok();
  const json& e = j["error"];
  std::string msg = e.is_object() ? e.value("message", e.dump()) : e.dump();
  return Status::EngineError("provider error: " + Preview(msg));
}

class OpenAIStream final : public StreamState {
 public:
  Status OnEvent(const SseEvent& e) override {
    if (e.data == "[DONE]") {
      done_ = true;
      return Status::Ok();
    }
    auto j = ParseJson(e.data, "stream event");
    if (!j.ok()) return j.status();
    MMGATE_RETURN_IF_ERROR(InBandError(*j));
    ReadUsage(j->value("usage", json()), &response);
    for (const json& c : j->value("choices", json::array())) {
      const json delta = c.value("delta", json::object());
      if (delta.contains("content") && delta["content"].is_string()) {
        response.answer += delta["content"].get<std::string>();
        got_content = true;
      }
      if (c.contains("finish_reason") && !c["finish_reason"].is_null())
        finished_ = true;
    }
    return Status::Ok();
  }
  // The finish reason ends the answer; [DONE] (after the usage chunk) ends
  // the stream. Either counts: some compatible servers send no [DONE].
  bool Complete() const override { return done_ || finished_; }

 private:
  bool done_ = false;
  bool finished_ = false;
};

class OpenAIWire final : public Wire {
 public:
  Result<HttpRequest> Build(const ModelRequest& req,
                            const WireConfig& cfg) const override {
    HttpRequest h;
    if (!cfg.api_key.empty())
      h.headers.push_back("Authorization: Bearer " + cfg.api_key);
    if (cfg.endpoint == "transcriptions")
      return BuildTranscription(req, cfg, h);
    h.url = cfg.base_url + "/chat/completions";
    h.headers.push_back("Content-Type: application/json");
    json content = json::array();
    content.push_back(
        {{"type", "text"},
         {"text", ApplyTemplate(cfg.prompt_template, req.prompt)}});
    for (const MediaRef& m : req.media) {
      if (m.type == "image") {
        auto bytes = ReadFile(m.abs_path);
        if (!bytes.ok())
          return bytes.status().WithContext("item " + req.item_id);
        content.push_back({{"type", "image_url"},
                           {"image_url",
                            {{"url", "data:" + MimeType(m) + ";base64," +
                                         Base64Encode(*bytes)}}}});
      } else if (m.type == "audio") {
        // Chat completions take only WAV and MP3.
        auto audio = AudioForWire(m, {"audio/wav", "audio/mpeg"});
        if (!audio.ok())
          return audio.status().WithContext("item " + req.item_id);
        std::string format = audio->mime == "audio/mpeg" ? "mp3" : "wav";
        content.push_back(
            {{"type", "input_audio"},
             {"input_audio",
              {{"data", Base64Encode(audio->bytes)}, {"format", format}}}});
      } else {
        return Status::Invalid(fmt::format(
            "item {}: openai chat takes image and audio media, not {}",
            req.item_id, m.type));
      }
    }
    json messages = json::array();
    if (!cfg.system.empty())
      messages.push_back({{"role", "system"}, {"content", cfg.system}});
    // Text-only prompts go as a plain string, which every compatible server
    // accepts.
    messages.push_back(
        {{"role", "user"},
         {"content", content.size() == 1 ? content[0]["text"] : content}});
    json body = cfg.parameters;
    body["model"] = cfg.model;
    body["messages"] = std::move(messages);
    if (!cfg.json_schema.is_null()) {
      body["response_format"] = {{"type", "json_schema"},
                                 {"json_schema",
                                  {{"name", "answer"},
                                   {"schema", cfg.json_schema},
                                   {"strict", true}}}};
    }
    if (cfg.stream) {
      body["stream"] = true;
      body["stream_options"] = {{"include_usage", true}};
    }
    h.body = body.dump();
    return h;
  }

  Result<ModelResponse> Parse(const std::string& body,
                              const WireConfig& cfg) const override {
    auto j = ParseJson(body, "response body");
    if (!j.ok()) return j.status();
    MMGATE_RETURN_IF_ERROR(InBandError(*j));
    ModelResponse r;
    ReadUsage(j->value("usage", json()), &r);
    if (cfg.endpoint == "transcriptions") {
      if (!j->contains("text") || !(*j)["text"].is_string())
        return Status::Corrupt("transcription without text: " + Preview(body));
      r.answer = (*j)["text"].get<std::string>();
      return r;
    }
    const json choices = j->value("choices", json::array());
    if (!choices.is_array() || choices.empty() ||
        !choices[0].contains("message"))
      return Status::Corrupt("response without choices: " + Preview(body));
    const json& msg = choices[0]["message"];
    if (msg.contains("content") && msg["content"].is_string()) {
      r.answer = msg["content"].get<std::string>();
    } else if (msg.contains("refusal") && msg["refusal"].is_string()) {
      return Status::EngineError("model refused: " +
                                 Preview(msg["refusal"].get<std::string>()));
    } else {
      return Status::Corrupt("message without content: " + Preview(body));
    }
    return r;
  }

  std::unique_ptr<StreamState> NewStream(const WireConfig& cfg) const override {
    if (!cfg.stream || cfg.endpoint == "transcriptions") return nullptr;
    return std::make_unique<OpenAIStream>();
  }

 private:
  static Result<HttpRequest> BuildTranscription(const ModelRequest& req,
                                                const WireConfig& cfg,
                                                HttpRequest h) {
    const MediaRef* audio = nullptr;
    for (const MediaRef& m : req.media)
      if (m.type == "audio") audio = &m;
    if (!audio)
      return Status::Invalid("item " + req.item_id +
                             ": transcriptions need an audio medium");
    auto payload = AudioForWire(
        *audio,
        {"audio/wav", "audio/mpeg", "audio/flac", "audio/ogg", "audio/mp4"});
    if (!payload.ok())
      return payload.status().WithContext("item " + req.item_id);
    std::string boundary = "mmgate-" + Sha256Hex(payload->bytes).substr(0, 24);
    std::string body;
    auto field = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" +
              name + "\"\r\n\r\n" + value + "\r\n";
    };
    field("model", cfg.model);
    field("response_format", "json");
    for (const auto& [k, v] : cfg.parameters.items())
      field(k, v.is_string() ? v.get<std::string>() : v.dump());
    std::filesystem::path filename =
        std::filesystem::path(audio->path).filename();
    if (payload->mime != MimeType(*audio)) filename.replace_extension(".wav");
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
            filename.string() + "\"\r\nContent-Type: " + payload->mime +
            "\r\n\r\n";
    body += payload->bytes;
    body += "\r\n--" + boundary + "--\r\n";
    h.url = cfg.base_url + "/audio/transcriptions";
    h.headers.push_back("Content-Type: multipart/form-data; boundary=" +
                        boundary);
    h.body = std::move(body);
    return h;
  }
};

}  // namespace

std::unique_ptr<Wire> MakeOpenAIWire() {
  return std::make_unique<OpenAIWire>();
}

}  // namespace mmgate::remote
