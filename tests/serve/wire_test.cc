// The OpenAI wire format: request parsing and response shapes.
#include <gtest/gtest.h>

#include "common/base64.h"
#include "serve/openai_wire.h"

namespace mmgate::serve {
namespace {

using nlohmann::json;

// Not a real PNG: the parser only decodes, engines read the bytes.
const std::string kBytes = std::string("\x89PNG\r\n\x1a\n\0\xff", 10);

std::string ImageUrl() {
  return "data:image/png;base64," + Base64Encode(kBytes);
}

TEST(Base64Test, RoundTripsEveryLengthAndRejectsBadInput) {
  for (size_t n = 0; n < 8; ++n) {
    std::string bytes = kBytes.substr(0, n);
    Result<std::string> back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, bytes) << n;
  }
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(*Base64Decode(" aGVsbG8=\n"), "hello");
  EXPECT_FALSE(Base64Decode("aGVsbG8").ok());   // length not a multiple of 4
  EXPECT_FALSE(Base64Decode("aGV*bG8=").ok());  // outside the alphabet
}

TEST(ParseChatTest, TakesTheLastUserMessageWithItsImage) {
  json body = {{"model", "ocr"},
               {"messages",
                {{{"role", "system"}, {"content", "You read images."}},
                 {{"role", "user"}, {"content", "earlier question"}},
                 {{"role", "assistant"}, {"content", "earlier answer"}},
                 {{"role", "user"},
                  {"content",
                   {{{"type", "text"}, {"text", "What is the Total?"}},
                    {{"type", "image_url"},
                     {"image_url", {{"url", ImageUrl()}, {"detail", "high"}}}},
                    {{"type", "text"}, {"text", "Answer briefly."}}}}}}},
               {"temperature", 0}};
  Result<ChatRequest> r = ParseChatRequest(body.dump());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->query.model, "ocr");
  EXPECT_EQ(r->query.prompt, "What is the Total?\nAnswer briefly.");
  EXPECT_EQ(r->query.modality, "image");
  ASSERT_EQ(r->query.media.size(), 1u);
  EXPECT_EQ(r->query.media[0].type, "image");
  EXPECT_EQ(r->query.media[0].suffix, ".png");
  EXPECT_EQ(r->query.media[0].bytes, kBytes);
  EXPECT_FALSE(r->stream);
}

TEST(ParseChatTest, AudioStreamingAndMetadataModality) {
  json body = {
      {"model", "asr"},
      {"stream", true},
      {"stream_options", {{"include_usage", true}}},
      {"metadata", {{"modality", "speech"}}},
      {"messages",
       {{{"role", "user"},
         {"content",
          {{{"type", "input_audio"},
            {"input_audio",
             {{"data", Base64Encode("RIFF....")}, {"format", "wav"}}}}}}}}}};
  Result<ChatRequest> r = ParseChatRequest(body.dump());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->include_usage);
  EXPECT_EQ(r->query.modality, "speech");
  ASSERT_EQ(r->query.media.size(), 1u);
  EXPECT_EQ(r->query.media[0].type, "audio");
  EXPECT_EQ(r->query.media[0].suffix, ".wav");
  EXPECT_EQ(r->query.media[0].bytes, "RIFF....");
  body.erase("metadata");
  EXPECT_EQ(ParseChatRequest(body.dump())->query.modality, "audio");
}

TEST(ParseChatTest, PlainTextIsTheTextModality) {
  Result<ChatRequest> r = ParseChatRequest(
      R"({"model":"m","messages":[{"role":"user","content":"Say hi"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->query.prompt, "Say hi");
  EXPECT_EQ(r->query.modality, "text");
  EXPECT_TRUE(r->query.media.empty());
}

TEST(ParseChatTest, BadInputNamesTheField) {
  auto error = [](const json& body) {
    Result<ChatRequest> r = ParseChatRequest(body.dump());
    EXPECT_FALSE(r.ok()) << body.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.status().message();
  };
  json user_parts = [](json part) {
    return json{{"model", "m"},
                {"messages", {{{"role", "user"}, {"content", {part}}}}}};
  }({{"type", "image_url"}, {"image_url", {{"url", "https://x/a.png"}}}});
  EXPECT_NE(error(user_parts)
                .find("messages[0].content[0].image_url.url: "
                      "only base64 data URLs"),
            std::string::npos);
  user_parts["messages"][0]["content"][0]["image_url"]["url"] =
      "data:image/png;base64,@@@@";
  EXPECT_NE(error(user_parts).find("invalid base64"), std::string::npos);
  user_parts["messages"][0]["content"][0]["image_url"]["url"] =
      "data:application/pdf;base64,AAAA";
  EXPECT_NE(error(user_parts).find("unsupported image type"),
            std::string::npos);
  user_parts["messages"][0]["content"][0] = {{"type", "video"}};
  EXPECT_NE(error(user_parts).find("messages[0].content[0].type"),
            std::string::npos);
  user_parts["messages"][0]["content"][0] = {
      {"type", "input_audio"},
      {"input_audio", {{"data", "AAAA"}, {"format", "ogg"}}}};
  EXPECT_NE(error(user_parts).find("input_audio.format"), std::string::npos);

  // The parser's position comes along, so a client can find its mistake.
  EXPECT_EQ(ParseChatRequest("{not json")
                .status()
                .message()
                .rfind("request body is not valid JSON: parse error at line 1, "
                       "column 3",
                       0),
            0u);
  EXPECT_NE(error({{"messages", json::array()}}).find("model"),
            std::string::npos);
  EXPECT_NE(error({{"model", "m"}, {"messages", json::array()}})
                .find("messages: a non-empty array"),
            std::string::npos);
  EXPECT_NE(error({{"model", "m"},
                   {"messages", {{{"role", "system"}, {"content", "x"}}}}})
                .find("no user message"),
            std::string::npos);
  EXPECT_NE(error({{"model", "m"},
                   {"messages", {{{"role", "robot"}, {"content", "x"}}}}})
                .find("messages[0].role"),
            std::string::npos);
  EXPECT_NE(error({{"model", "m"},
                   {"n", 2},
                   {"messages", {{{"role", "user"}, {"content", "x"}}}}})
                .find("n = 1"),
            std::string::npos);
}

TEST(ParseTranscriptionTest, FileAndModel) {
  std::multimap<std::string, FormPart> form = {
      {"file", {"RIFFdata", "clip.WAV", "audio/wav"}},
      {"model", {"asr", "", ""}},
      {"response_format", {"text", "", ""}}};
  Result<TranscriptionRequest> r = ParseTranscriptionRequest(form);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->query.model, "asr");
  EXPECT_EQ(r->query.modality, "audio");
  ASSERT_EQ(r->query.media.size(), 1u);
  EXPECT_EQ(r->query.media[0].suffix, ".wav");
  EXPECT_EQ(r->query.media[0].bytes, "RIFFdata");
  EXPECT_TRUE(r->text_format);

  form.find("response_format")->second.content = "srt";
  EXPECT_NE(ParseTranscriptionRequest(form).status().message().find(
                "'srt' is not supported"),
            std::string::npos);
  form.erase("response_format");
  form.find("file")->second.filename = "clip";
  EXPECT_NE(
      ParseTranscriptionRequest(form).status().message().find("extension"),
      std::string::npos);
  form.erase("file");
  EXPECT_NE(ParseTranscriptionRequest(form).status().message().find("file"),
            std::string::npos);
  form.erase("model");
  EXPECT_NE(ParseTranscriptionRequest(form).status().message().find("model"),
            std::string::npos);
}

CompletionMeta Meta() {
  return {"chatcmpl-1", 1700000000, "ocr", "tesseract 5.3.0 cfg:1a2b3c4d"};
}

TEST(ResponseShapeTest, ChatCompletion) {
  Query q{"ocr", "What is the Total?", "image", {}};
  ModelResponse answer{"12.50", -1, -1};
  json j = ChatCompletionJson(Meta(), answer.answer, UsageFor(q, answer));
  EXPECT_EQ(j, json::parse(R"({
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000,
    "model": "ocr", "system_fingerprint": "tesseract 5.3.0 cfg:1a2b3c4d",
    "choices": [{"index": 0,
                 "message": {"role": "assistant", "content": "12.50",
                             "refusal": null},
                 "logprobs": null, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 4, "completion_tokens": 1, "total_tokens": 5}
  })"));
  // Counts an engine reports win over word counts.
  Usage u = UsageFor(q, {"x", 100, 7});
  EXPECT_EQ(u.prompt_tokens, 100);
  EXPECT_EQ(u.completion_tokens, 7);
}

TEST(ResponseShapeTest, StreamEventsJoinBackToTheAnswer) {
  const std::string answer = "Total  12.50\nPaid";
  std::vector<std::string> events =
      ChatCompletionEvents(Meta(), answer, {4, 3}, true);
  ASSERT_EQ(events.size(), 1u + 3 + 1 + 1 + 1);
  EXPECT_EQ(events.back(), "data: [DONE]\n\n");
  std::string joined;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    ASSERT_TRUE(events[i].starts_with("data: ")) << events[i];
    ASSERT_TRUE(events[i].ends_with("\n\n")) << events[i];
    json chunk = json::parse(events[i].substr(6));
    EXPECT_EQ(chunk["object"], "chat.completion.chunk");
    EXPECT_EQ(chunk["id"], "chatcmpl-1");
    EXPECT_TRUE(chunk.contains("usage"));
    if (i + 2 < events.size()) {
      EXPECT_TRUE(chunk["usage"].is_null());
      ASSERT_EQ(chunk["choices"].size(), 1u);
      joined += chunk["choices"][0]["delta"].value("content", "");
    }
  }
  EXPECT_EQ(joined, answer);
  json first = json::parse(events[0].substr(6));
  EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
  json finish = json::parse(events[4].substr(6));
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(finish["choices"][0]["delta"], json::object());
  json usage = json::parse(events[5].substr(6));
  EXPECT_EQ(usage["choices"], json::array());
  EXPECT_EQ(usage["usage"]["total_tokens"], 7);

  // Without include_usage no chunk carries a usage key.
  for (const std::string& e :
       ChatCompletionEvents(Meta(), answer, {4, 3}, false)) {
    if (e != "data: [DONE]\n\n") {
      EXPECT_FALSE(json::parse(e.substr(6)).contains("usage"));
    }
  }
}

TEST(ResponseShapeTest, ModelsAndErrors) {
  EXPECT_EQ(ModelsJson({"asr", "ocr"}, 5), json::parse(R"({
    "object": "list",
    "data": [{"id": "asr", "object": "model", "created": 5, "owned_by": "mmgate"},
             {"id": "ocr", "object": "model", "created": 5, "owned_by": "mmgate"}]
  })"));
  auto [http, body] = ErrorResponse(UnknownModel("gpt-9"));
  EXPECT_EQ(http, 404);
  EXPECT_EQ(body["error"]["code"], "model_not_found");
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("'gpt-9'"),
            std::string::npos);
  EXPECT_EQ(ErrorResponse(Status::Invalid("messages: x")).first, 400);
  EXPECT_EQ(ErrorResponse(Status::Corrupt("not an image")).first, 400);
  auto [engine_http, engine_body] =
      ErrorResponse(Status::EngineError("decoder failed"));
  EXPECT_EQ(engine_http, 500);
  EXPECT_EQ(engine_body["error"]["type"], "server_error");
}

}  // namespace
}  // namespace mmgate::serve
