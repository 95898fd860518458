// Gemini wire: POST {base_url}/models/{model}:generateContent with the key in
// the x-goog-api-key header, images and audio as inline_data parts, structured
// output through generationConfig.responseSchema; streamed with
// :streamGenerateContent?alt=sse, each event a partial response.
#include <fmt/format.h>

#include "common/base64.h"
#include "common/files.h"
#include "remote/wire.h"

namespace mmgate::remote {
namespace {

using nlohmann::json;

Status ErrorObject(const json& j) {
  if (!j.contains("error")) return Status::Ok();
  const json e = j["error"];
  return Status::EngineError(fmt::format(
      "provider error {}: {}",
      e.is_object() ? e.value("status", "unknown") : "unknown",
      Preview(e.is_object() ? e.value("message", e.dump()) : e.dump())));
}

// Appends a (partial) response's text and usage; true if it finished.
Result<bool> Absorb(const json& j, const std::string& body, ModelResponse* r,
                    bool* got_text) {
  MMGATE_RETURN_IF_ERROR(ErrorObject(j));
  if (j.contains("usageMetadata")) {
    const json& u = j["usageMetadata"];
    if (u.contains("promptTokenCount"))
      r->input_tokens = u["promptTokenCount"].get<int64_t>();
    // Thinking tokens are billed as output.
    int64_t out = u.value("candidatesTokenCount", int64_t{0}) +
                  u.value("thoughtsTokenCount", int64_t{0});
    if (u.contains("candidatesTokenCount") || u.contains("thoughtsTokenCount"))
      r->output_tokens = out;
  }
  const json candidates = j.value("candidates", json::array());
  if (candidates.empty()) {
    const json fb = j.value("promptFeedback", json::object());
    if (fb.contains("blockReason"))
      return Status::EngineError("prompt blocked: " + fb["blockReason"].dump());
    return false;
  }
  const json& c = candidates[0];
  for (const json& part :
       c.value("content", json::object()).value("parts", json::array())) {
    if (part.contains("text") && part["text"].is_string() &&
        !part.value("thought", false)) {
      r->answer += part["text"].get<std::string>();
      *got_text = true;
    }
  }
  return c.contains("finishReason") && !c["finishReason"].is_null();
}

class GeminiStream final : public StreamState {
 public:
  Status OnEvent(const SseEvent& e) override {
    auto j = ParseJson(e.data, "stream event");
    if (!j.ok()) return j.status();
    auto finished = Absorb(*j, e.data, &response, &got_content);
    if (!finished.ok()) return finished.status();
    done_ = done_ || *finished;
    return Status::Ok();
  }
  bool Complete() const override { return done_; }

 private:
  bool done_ = false;
};

class GeminiWire final : public Wire {
 public:
  Result<HttpRequest> Build(const ModelRequest& req,
                            const WireConfig& cfg) const override {
    HttpRequest h;
    h.url =
        cfg.base_url + "/models/" + cfg.model +
        (cfg.stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    h.headers.push_back("Content-Type: application/json");
    if (!cfg.api_key.empty())
      h.headers.push_back("x-goog-api-key: " + cfg.api_key);
    json parts = json::array();
    parts.push_back({{"text", ApplyTemplate(cfg.prompt_template, req.prompt)}});
    for (const MediaRef& m : req.media) {
      AudioPayload data;
      if (m.type == "audio") {
        auto audio = AudioForWire(
            m, {"audio/wav", "audio/mpeg", "audio/flac", "audio/ogg"});
        if (!audio.ok())
          return audio.status().WithContext("item " + req.item_id);
        data = std::move(*audio);
      } else {
        auto bytes = ReadFile(m.abs_path);
        if (!bytes.ok())
          return bytes.status().WithContext("item " + req.item_id);
        data = {MimeType(m), std::move(*bytes)};
      }
      parts.push_back(
          {{"inline_data",
            {{"mime_type", data.mime}, {"data", Base64Encode(data.bytes)}}}});
    }
    json body = {
        {"contents", json::array({{{"role", "user"}, {"parts", parts}}})}};
    if (!cfg.system.empty())
      body["systemInstruction"] = {
          {"parts", json::array({{{"text", cfg.system}}})}};
    json gen = cfg.parameters;
    if (!cfg.json_schema.is_null()) {
      gen["responseMimeType"] = "application/json";
      gen["responseSchema"] = cfg.json_schema;
    }
    if (!gen.empty()) body["generationConfig"] = gen;
    h.body = body.dump();
    return h;
  }

  Result<ModelResponse> Parse(const std::string& body,
                              const WireConfig&) const override {
    auto j = ParseJson(body, "response body");
    if (!j.ok()) return j.status();
    ModelResponse r;
    bool got_text = false;
    auto finished = Absorb(*j, body, &r, &got_text);
    if (!finished.ok()) return finished.status();
    if (!got_text)
      return Status::Corrupt("response without text: " + Preview(body));
    return r;
  }

  std::unique_ptr<StreamState> NewStream(const WireConfig& cfg) const override {
    if (!cfg.stream) return nullptr;
    return std::make_unique<GeminiStream>();
  }
};

}  // namespace

std::unique_ptr<Wire> MakeGeminiWire() {
  return std::make_unique<GeminiWire>();
}

}  // namespace mmgate::remote
