// The HTTP routes of ApiServer on a loopback port, over a backend whose
// models are a scripted stand-in for the engines (the real engines are
// exercised end to end in serve_e2e_test.cc).
#include "serve/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/base64.h"

namespace mmgate::serve {
namespace {

using nlohmann::json;

// Answers "<modality>|<prompt>|<bytes of the first medium>" and remembers the
// media paths it read; fails on demand; tracks how many answer at once.
struct Script {
  std::mutex mu;
  std::vector<std::string> paths;
  std::atomic<int> made{0}, active{0}, peak{0};
};

class ScriptedModel final : public Model {
 public:
  explicit ScriptedModel(Script* s) : s_(s) {}
  std::string Version() const override { return "scripted cfg:00000000"; }
  Result<ModelResponse> Answer(const ModelRequest& r) override {
    int now = ++s_->active;
    for (int p = s_->peak;
         now > p && !s_->peak.compare_exchange_weak(p, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    --s_->active;
    if (r.prompt == "fail") return Status::EngineError("engine failed");
    if (r.prompt == "corrupt") return Status::Corrupt("not an image");
    std::string bytes;
    if (!r.media.empty()) {
      std::ifstream in(r.media[0].abs_path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      bytes = ss.str();
      std::lock_guard<std::mutex> lock(s_->mu);
      s_->paths.push_back(r.media[0].abs_path);
    }
    return ModelResponse{r.modality + "|" + r.prompt + "|" + bytes, -1, -1};
  }

 private:
  Script* s_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProjectConfig project;
    project.path = "mmgate.yaml";
    project.models["ocr"] = {"ocr", "exec", {{"command", {"x"}}}, ""};
    project.models["asr"] = {"asr", "exec", {{"command", {"x"}}}, ""};
    project.models["remote"] = {"remote", "openai", {}, ""};
    auto backend = MakeEngineBackend(project, {}, 2, [this](const ModelSpec&) {
      ++script_.made;
      return Result<std::unique_ptr<Model>>(
          std::make_unique<ScriptedModel>(&script_));
    });
    ASSERT_TRUE(backend.ok()) << backend.status().message();
    backend_ = std::move(*backend);
    server_ = std::make_unique<ApiServer>(backend_.get(), &clock_, 8);
    Result<int> port = server_->Bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  httplib::Result Chat(const json& body) {
    httplib::Client c("127.0.0.1", port_);
    return c.Post("/v1/chat/completions", body.dump(), "application/json");
  }

  static json UserMessage(json content) {
    return json::array({{{"role", "user"}, {"content", std::move(content)}}});
  }

  Script script_;
  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(ServerTest, ListsOnlyTheLocalModels) {
  httplib::Client c("127.0.0.1", port_);
  auto res = c.Get("/v1/models");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  json j = json::parse(res->body);
  ASSERT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["data"][0]["id"], "asr");
  EXPECT_EQ(j["data"][1]["id"], "ocr");
  EXPECT_EQ(c.Get("/v1/models/ocr")->status, 200);
  auto missing = c.Get("/v1/models/remote");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["error"]["code"], "model_not_found");
}

TEST_F(ServerTest, ChatCompletionWithAnImageOnATemporaryFile) {
  json content = {
      {{"type", "text"}, {"text", "Read it."}},
      {{"type", "image_url"},
       {"image_url",
        {{"url", "data:image/png;base64," + Base64Encode("PIX")}}}}};
  auto res = Chat({{"model", "ocr"}, {"messages", UserMessage(content)}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  json j = json::parse(res->body);
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["model"], "ocr");
  EXPECT_EQ(j["created"], 1'700'000'000);
  EXPECT_EQ(j["system_fingerprint"], "scripted cfg:00000000");
  EXPECT_TRUE(j["id"].get<std::string>().starts_with("chatcmpl-"));
  EXPECT_EQ(j["choices"][0]["message"]["content"], "image|Read it.|PIX");
  EXPECT_EQ(j["usage"]["prompt_tokens"], 2);
  EXPECT_EQ(j["usage"]["total_tokens"], 4);  // "image|Read", "it.|PIX"
  // The engine read a .png file that is gone once the answer is sent.
  ASSERT_EQ(script_.paths.size(), 1u);
  EXPECT_TRUE(script_.paths[0].ends_with(".png"));
  EXPECT_FALSE(std::filesystem::exists(script_.paths[0]));
}

TEST_F(ServerTest, StreamingSendsServerSentEvents) {
  auto res = Chat({{"model", "asr"},
                   {"stream", true},
                   {"stream_options", {{"include_usage", true}}},
                   {"messages", UserMessage("say three words")}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
  std::istringstream in(res->body);
  std::string joined, line, last;
  json usage;
  for (; std::getline(in, line);) {
    if (line.empty()) continue;
    ASSERT_TRUE(line.starts_with("data: ")) << line;
    last = line;
    if (line == "data: [DONE]") continue;
    json chunk = json::parse(line.substr(6));
    if (chunk["choices"].empty())
      usage = chunk["usage"];
    else
      joined += chunk["choices"][0]["delta"].value("content", "");
  }
  EXPECT_EQ(joined, "text|say three words|");
  EXPECT_EQ(last, "data: [DONE]");
  EXPECT_EQ(usage["prompt_tokens"], 3);
}

TEST_F(ServerTest, TranscriptionFromAMultipartForm) {
  httplib::Client c("127.0.0.1", port_);
  httplib::MultipartFormDataItems form = {
      {"file", "WAVE", "clip.wav", "audio/wav"}, {"model", "asr", "", ""}};
  auto res = c.Post("/v1/audio/transcriptions", form);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body), json({{"text", "audio||WAVE"}}));
  form.push_back({"response_format", "text", "", ""});
  EXPECT_EQ(c.Post("/v1/audio/transcriptions", form)->body, "audio||WAVE\n");
  form[1].content = "nope";
  EXPECT_EQ(c.Post("/v1/audio/transcriptions", form)->status, 404);
  auto plain = c.Post("/v1/audio/transcriptions", "{}", "application/json");
  EXPECT_EQ(plain->status, 400);
  EXPECT_NE(plain->body.find("multipart/form-data"), std::string::npos);
}

TEST_F(ServerTest, ErrorsInOpenAIShape) {
  auto check = [&](httplib::Result res, int status, const std::string& text) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    json j = json::parse(res->body);
    ASSERT_TRUE(j["error"].is_object()) << res->body;
    EXPECT_NE(j["error"]["message"].get<std::string>().find(text),
              std::string::npos)
        << res->body;
  };
  check(Chat({{"model", "gpt-9"}, {"messages", UserMessage("hi")}}), 404,
        "'gpt-9' does not exist");
  check(Chat({{"model", "ocr"}, {"messages", "hi"}}), 400, "messages");
  check(Chat({{"model", "ocr"}, {"messages", UserMessage("fail")}}), 500,
        "engine failed");
  check(Chat({{"model", "ocr"}, {"messages", UserMessage("corrupt")}}), 400,
        "not an image");
  httplib::Client c("127.0.0.1", port_);
  check(c.Post("/v1/chat/completions", "{", "application/json"), 400,
        "not valid JSON");
  check(c.Get("/v1/nothing"), 404, "GET /v1/nothing");
}

TEST_F(ServerTest, AtMostTheConfiguredInstancesAnswerAtOnce) {
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      auto res = Chat({{"model", "ocr"}, {"messages", UserMessage("x")}});
      if (res && res->status == 200) ++ok;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 8);
  // One instance per model made up front; the ocr pool may add one more.
  EXPECT_LE(script_.made, 3);
  EXPECT_LE(script_.peak, 2);
}

TEST(EngineBackendTest, RefusesUnknownAndRemoteModels) {
  ProjectConfig project;
  project.path = "mmgate.yaml";
  project.models["remote"] = {"remote", "openai", {}, ""};
  project.models["mixed"] = {"mixed",
                             "route",
                             {{"routes",
                               {{"image", {{"provider", "tesseract"}}},
                                {"audio", {{"provider", "openai"}}}}}},
                             ""};
  auto never = [](const ModelSpec&) -> Result<std::unique_ptr<Model>> {
    return Status::Internal("not reached");
  };
  EXPECT_NE(MakeEngineBackend(project, {}, 1, never)
                .status()
                .message()
                .find("no local model"),
            std::string::npos);
  EXPECT_NE(MakeEngineBackend(project, {"remote"}, 1, never)
                .status()
                .message()
                .find("not a local engine"),
            std::string::npos);
  EXPECT_NE(MakeEngineBackend(project, {"nope"}, 1, never)
                .status()
                .message()
                .find("no model named 'nope'"),
            std::string::npos);
  EXPECT_FALSE(IsLocalModel(project.models["mixed"]));
  project.models["mixed"].params["routes"]["audio"]["provider"] =
      "pocketsphinx";
  EXPECT_TRUE(IsLocalModel(project.models["mixed"]));
}

TEST(CannedBackendTest, AnswersAnyModelOrOnlyTheNamedOnes) {
  auto any = MakeCannedBackend("42", {});
  EXPECT_EQ(any->Answer("r1", {"whatever", "q", "image", {}})->answer, "42");
  auto named = MakeCannedBackend("42", {"m"});
  EXPECT_EQ(named->Answer("r1", {"other", "q", "text", {}}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(named->Models(), std::vector<std::string>{"m"});
}

}  // namespace
}  // namespace mmgate::serve
