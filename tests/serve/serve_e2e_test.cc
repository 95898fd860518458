// End to end: starts the real `mmgate serve --engines` binary on a free
// loopback port in front of Tesseract and PocketSphinx, sends real HTTP
// requests, and checks that the answers equal the same engines run
// in-process on the same files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "adapter/factory.h"
#include "common/base64.h"
#include "render.h"

namespace mmgate::serve {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kLibrivox = "/usr/share/pocketsphinx/test/data/librivox/";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The mmgate binary as a child process, stopped with SIGTERM.
class ServeProcess {
 public:
  bool Start(const std::vector<std::string>& args) {
    int out[2];
    if (::pipe(out) != 0) return false;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      std::string bin = MMGATE_BINARY;
      argv.push_back(bin.data());
      std::vector<std::string> copy = args;
      for (std::string& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
    return pid_ > 0;
  }

  // The first stdout line, or "" if none comes within the (generous) limit:
  // engines load their models before the server prints it.
  std::string FirstLine() {
    std::string line;
    pollfd p{out_, POLLIN, 0};
    while (line.find('\n') == std::string::npos && ::poll(&p, 1, 120000) > 0) {
      char buf[256];
      ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    return line;
  }

  // SIGTERM, then the exit status (-1 if it did not exit normally).
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

class ServeE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate_serve_e2e_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "mmgate.yaml") << R"(models:
  ocr: {provider: tesseract, psm: 3}
  asr: {provider: pocketsphinx}
  remote: {provider: openai, base_url: "http://127.0.0.1:1/v1", model: x, api_key_env: NO_KEY}
suites: []
)";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ / name; }

  fs::path dir_;
};

// In-process answer of the same engine, on the same file.
std::string InProcess(const std::string& provider, const std::string& modality,
                      const std::string& prompt, const std::string& type,
                      const std::string& path) {
  auto model = CreateDefaultModel({"m", provider, json::object(), ""});
  EXPECT_TRUE(model.ok()) << model.status().message();
  if (!model.ok()) return "";
  ModelRequest r{"item-1", modality, prompt, {{type, path, path}}, {}};
  Result<ModelResponse> answer = (*model)->Answer(r);
  EXPECT_TRUE(answer.ok()) << answer.status().message();
  return answer.ok() ? answer->answer : "";
}

TEST_F(ServeE2eTest, TesseractAndPocketSphinxOverHttp) {
  const std::vector<std::string> lines = {"PLATFORM 4", "Trains to Leeds",
                                          "Mind the gap"};
  ASSERT_TRUE(testing::RenderLines(Path("sign.png"), lines, 24));
  const std::string wav =
      kLibrivox + "sense_and_sensibility_01_austen_64kb-0880.wav";

  ServeProcess serve;
  ASSERT_TRUE(
      serve.Start({"serve", "--engines", "-c", Path("mmgate.yaml"), "--models",
                   "ocr,asr", "--port", "0", "--instances", "1"}));
  std::string line = serve.FirstLine();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      line, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+)/v1)")))
      << line;
  EXPECT_NE(line.find("(models: asr, ocr)"), std::string::npos) << line;
  httplib::Client client("127.0.0.1", std::stoi(m[1]));
  client.set_read_timeout(120, 0);

  // An image question as OpenAI clients send it.
  json chat = {
      {"model", "ocr"},
      {"messages",
       {{{"role", "user"},
         {"content",
          {{{"type", "text"}, {"text", "Read all the text in the image."}},
           {{"type", "image_url"},
            {"image_url",
             {{"url", "data:image/png;base64," +
                          Base64Encode(Slurp(Path("sign.png")))}}}}}}}}}};
  auto res =
      client.Post("/v1/chat/completions", chat.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json j = json::parse(res->body);
  EXPECT_EQ(j["choices"][0]["message"]["content"],
            "PLATFORM 4\nTrains to Leeds\nMind the gap");
  EXPECT_TRUE(
      j["system_fingerprint"].get<std::string>().starts_with("tesseract "));
  EXPECT_EQ(j["choices"][0]["message"]["content"],
            InProcess("tesseract", "image", "Read all the text in the image.",
                      "image", Path("sign.png")));

  // A recording of pocketsphinx-testdata, as a transcription upload.
  httplib::MultipartFormDataItems form = {
      {"file", Slurp(wav), "clip.wav", "audio/wav"}, {"model", "asr", "", ""}};
  res = client.Post("/v1/audio/transcriptions", form);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  std::string transcript = json::parse(res->body)["text"];
  // The reference is "he was not an ill disposed young man".
  EXPECT_NE(transcript.find("young man"), std::string::npos) << transcript;
  EXPECT_EQ(transcript, InProcess("pocketsphinx", "audio", "", "audio", wav));

  // The same recording as input_audio in a streamed chat completion.
  json audio_chat = {
      {"model", "asr"},
      {"stream", true},
      {"messages",
       {{{"role", "user"},
         {"content",
          {{{"type", "input_audio"},
            {"input_audio",
             {{"data", Base64Encode(Slurp(wav))}, {"format", "wav"}}}}}}}}}};
  res = client.Post("/v1/chat/completions", audio_chat.dump(),
                    "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  std::string streamed;
  std::istringstream events(res->body);
  for (std::string l; std::getline(events, l);) {
    if (!l.starts_with("data: {")) continue;
    json chunk = json::parse(l.substr(6));
    if (!chunk["choices"].empty()) {
      streamed += chunk["choices"][0]["delta"].value("content", "");
    }
  }
  EXPECT_EQ(streamed, transcript);
  EXPECT_NE(res->body.find("data: [DONE]"), std::string::npos);

  // A corrupt image is the client's error, and the server keeps serving.
  chat["messages"][0]["content"][1]["image_url"]["url"] =
      "data:image/png;base64," + Base64Encode("not a png at all");
  res = client.Post("/v1/chat/completions", chat.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_EQ(client.Get("/v1/models")->status, 200);

  EXPECT_EQ(serve.Stop(), 0);
}

TEST_F(ServeE2eTest, CannedEndpointWithAJsonListeningLine) {
  ServeProcess serve;
  ASSERT_TRUE(serve.Start(
      {"serve", "--canned", "Build finished", "--port", "0", "--json"}));
  json listening = json::parse(serve.FirstLine(), nullptr, false);
  ASSERT_TRUE(listening.is_object());
  EXPECT_EQ(listening["host"], "127.0.0.1");
  EXPECT_EQ(listening["models"], json::array());
  httplib::Client client("127.0.0.1", listening["port"].get<int>());
  json chat = {{"model", "any-name"},
               {"messages", {{{"role", "user"}, {"content", "Status?"}}}}};
  auto res =
      client.Post("/v1/chat/completions", chat.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["choices"][0]["message"]["content"],
            "Build finished");
  EXPECT_EQ(serve.Stop(), 0);
}

TEST_F(ServeE2eTest, ARemoteModelIsAConfigError) {
  ServeProcess serve;
  ASSERT_TRUE(serve.Start({"serve", "--engines", "-c", Path("mmgate.yaml"),
                           "--models", "remote", "--port", "0"}));
  EXPECT_EQ(serve.FirstLine(), "");
  EXPECT_EQ(serve.Stop(), 2);
}

}  // namespace
}  // namespace mmgate::serve
