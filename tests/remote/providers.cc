#include "providers.h"

namespace mmgate::testing {

using nlohmann::json;

std::string PromptOf(const json& body) {
  auto text_of = [](const json& content) -> std::string {
    if (content.is_string()) return content.get<std::string>();
    for (const json& part : content)
      if (part.value("type", "") == "text") return part.value("text", "");
    return "";
  };
  if (body.contains("messages"))
    return text_of(body["messages"].back()["content"]);
  if (body.contains("contents")) {
    for (const json& part : body["contents"][0]["parts"])
      if (part.contains("text")) return part["text"].get<std::string>();
  }
  return "";
}

std::string EchoAnswer(const std::string& prompt) {
  if (prompt.rfind("Say ", 0) == 0) return prompt.substr(4);
  return "ok";
}

std::string OpenAIChatBody(const std::string& answer, int in, int out) {
  return json{{"id", "chatcmpl-1"},
              {"object", "chat.completion"},
              {"model", "stand-in"},
              {"choices",
               {{{"index", 0},
                 {"message", {{"role", "assistant"}, {"content", answer}}},
                 {"finish_reason", "stop"}}}},
              {"usage",
               {{"prompt_tokens", in},
                {"completion_tokens", out},
                {"total_tokens", in + out}}}}
      .dump();
}

std::vector<std::string> OpenAIStreamEvents(const std::string& answer, int in,
                                            int out) {
  std::vector<std::string> events;
  auto chunk = [](json delta, json finish) {
    return "data: " +
           json{{"id", "chatcmpl-1"},
                {"object", "chat.completion.chunk"},
                {"choices",
                 {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}}
               .dump() +
           "\n\n";
  };
  events.push_back(chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
  // Two content deltas, so the answer really arrives in pieces.
  size_t half = answer.size() / 2;
  events.push_back(chunk({{"content", answer.substr(0, half)}}, nullptr));
  events.push_back(chunk({{"content", answer.substr(half)}}, nullptr));
  events.push_back(chunk(json::object(), "stop"));
  events.push_back(
      "data: " +
      json{{"id", "chatcmpl-1"},
           {"object", "chat.completion.chunk"},
           {"choices", json::array()},
           {"usage", {{"prompt_tokens", in}, {"completion_tokens", out}}}}
          .dump() +
      "\n\n");
  events.push_back("data: [DONE]\n\n");
  return events;
}

std::string AnthropicBody(const std::string& answer, int in, int out) {
  return json{{"id", "msg_1"},
              {"type", "message"},
              {"role", "assistant"},
              {"model", "stand-in"},
              {"content", {{{"type", "text"}, {"text", answer}}}},
              {"stop_reason", "end_turn"},
              {"usage", {{"input_tokens", in}, {"output_tokens", out}}}}
      .dump();
}

std::vector<std::string> AnthropicStreamEvents(const std::string& answer,
                                               int in, int out) {
  auto ev = [](const char* name, json data) {
    return std::string("event: ") + name + "\ndata: " + data.dump() + "\n\n";
  };
  return {
      ev("message_start",
         {{"type", "message_start"},
          {"message",
           {{"id", "msg_1"},
            {"type", "message"},
            {"role", "assistant"},
            {"content", json::array()},
            {"usage", {{"input_tokens", in}, {"output_tokens", 1}}}}}}),
      ev("content_block_start",
         {{"type", "content_block_start"},
          {"index", 0},
          {"content_block", {{"type", "text"}, {"text", ""}}}}),
      ev("ping", {{"type", "ping"}}),
      ev("content_block_delta",
         {{"type", "content_block_delta"},
          {"index", 0},
          {"delta", {{"type", "text_delta"}, {"text", answer}}}}),
      ev("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}),
      ev("message_delta", {{"type", "message_delta"},
                           {"delta", {{"stop_reason", "end_turn"}}},
                           {"usage", {{"output_tokens", out}}}}),
      ev("message_stop", {{"type", "message_stop"}}),
  };
}

std::string GeminiBody(const std::string& answer, int in, int out) {
  return json{
      {"candidates",
       {{{"content", {{"role", "model"}, {"parts", {{{"text", answer}}}}}},
         {"finishReason", "STOP"}}}},
      {"usageMetadata",
       {{"promptTokenCount", in},
        {"candidatesTokenCount", out},
        {"totalTokenCount", in + out}}}}
      .dump();
}

Script StreamReply(const std::vector<std::string>& events) {
  Script s{Send(StreamHead("text/event-stream"))};
  for (const std::string& e : events) s.push_back(Send(Chunk(e)));
  s.push_back(Send(LastChunk()));
  return s;
}

}  // namespace mmgate::testing
