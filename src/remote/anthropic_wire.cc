// Anthropic Messages wire: POST {base_url}/v1/messages with x-api-key and
// anthropic-version headers, image blocks as base64 sources; streamed as
// message_start / content_block_delta / message_delta / message_stop events,
// with `error` events in band.
#include <fmt/format.h>

#include "common/base64.h"
#include "common/files.h"
#include "remote/wire.h"

namespace mmgate::remote {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultMaxTokens = 1024;  // the API requires max_tokens

Status ErrorObject(const json& j) {
  if (j.value("type", "") != "error" && !j.contains("error"))
    return Status::Ok();
  const json e = j.value("error", json::object());
  return Status::EngineError(
      fmt::format("provider error {}: {}", e.value("type", "unknown"),
                  Preview(e.value("message", j.dump()))));
}

void ReadUsage(const json& usage, ModelResponse* r) {
  if (!usage.is_object()) return;
  if (usage.contains("input_tokens") &&
      usage["input_tokens"].is_number_integer())
    r->input_tokens = usage["input_tokens"].get<int64_t>();
  if (usage.contains("output_tokens") &&
      usage["output_tokens"].is_number_integer())
    r->output_tokens = usage["output_tokens"].get<int64_t>();
}

class AnthropicStream final : public StreamState {
 public:
  Status OnEvent(const SseEvent& e) override {
    if (e.event == "ping") return Status::Ok();
    auto j = ParseJson(e.data, "stream event");
    if (!j.ok()) return j.status();
    MMGATE_RETURN_IF_ERROR(ErrorObject(*j));
    std::string type = j->value("type", e.event);
    if (type == "message_start") {
      ReadUsage(j->value("message", json::object()).value("usage", json()),
                &response);
    } else if (type == "content_block_delta") {
      const json d = j->value("delta", json::object());
      if (d.value("type", "") == "text_delta") {
        response.answer += d.value("text", "");
        got_content = true;
      }
    } else if (type == "message_delta") {
      ReadUsage(j->value("usage", json()), &response);
    } else if (type == "message_stop") {
      done_ = true;
    }
    return Status::Ok();
  }
  bool Complete() const override { return done_; }

 private:
  bool done_ = false;
};

class AnthropicWire final : public Wire {
 public:
  Result<HttpRequest> Build(const ModelRequest& req,
                            const WireConfig& cfg) const override {
    HttpRequest h;
    h.url = cfg.base_url + "/v1/messages";
    h.headers.push_back("Content-Type: application/json");
    h.headers.push_back("anthropic-version: 2023-06-01");
    if (!cfg.api_key.empty()) h.headers.push_back("x-api-key: " + cfg.api_key);
    json content = json::array();
    for (const MediaRef& m : req.media) {
      if (m.type != "image")
        return Status::Invalid(
            fmt::format("item {}: anthropic messages take image media, not {}",
                        req.item_id, m.type));
      auto bytes = ReadFile(m.abs_path);
      if (!bytes.ok()) return bytes.status().WithContext("item " + req.item_id);
      content.push_back({{"type", "image"},
                         {"source",
                          {{"type", "base64"},
                           {"media_type", MimeType(m)},
                           {"data", Base64Encode(*bytes)}}}});
    }
    content.push_back(
        {{"type", "text"},
         {"text", ApplyTemplate(cfg.prompt_template, req.prompt)}});
    json body = cfg.parameters;
    body["model"] = cfg.model;
    if (!body.contains("max_tokens")) body["max_tokens"] = kDefaultMaxTokens;
    if (!cfg.system.empty()) body["system"] = cfg.system;
    body["messages"] = json::array({{{"role", "user"}, {"content", content}}});
    if (cfg.stream) body["stream"] = true;
    h.body = body.dump();
    return h;
  }

  Result<ModelResponse> Parse(const std::string& body,
                              const WireConfig&) const override {
    auto j = ParseJson(body, "response body");
    if (!j.ok()) return j.status();
    MMGATE_RETURN_IF_ERROR(ErrorObject(*j));
    if (!j->contains("content") || !(*j)["content"].is_array())
      return Status::Corrupt("message without content: " + Preview(body));
    ModelResponse r;
    for (const json& block : (*j)["content"])
      if (block.value("type", "") == "text")
        r.answer += block.value("text", "");
    ReadUsage(j->value("usage", json()), &r);
    return r;
  }

  std::unique_ptr<StreamState> NewStream(const WireConfig& cfg) const override {
    if (!cfg.stream) return nullptr;
    return std::make_unique<AnthropicStream>();
  }
};

}  // namespace

std::unique_ptr<Wire> MakeAnthropicWire() {
  return std::make_unique<AnthropicWire>();
}

}  // namespace mmgate::remote
