#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "adapter/factory.h"
#include "test_dir.h"

namespace mmgate {
namespace {

class ExecTest : public testing::TempDirTest {
 protected:
  // Writes an executable shell script into the test folder.
  std::string Script(const std::string& name, const std::string& body) {
    std::string path = Path(name);
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }

  Result<std::unique_ptr<Model>> Make(nlohmann::json params) {
    return CreateDefaultModel(
        {"inhouse", "exec", std::move(params), dir_.string()});
  }

  Result<ModelResponse> Ask(Model& model) {
    std::ofstream(Path("pic.png")) << "png bytes";
    return model.Answer(Request("image", "Read all the text in the image.",
                                "image", Path("pic.png")));
  }
};

TEST_F(ExecTest, SendsTheRequestAndReadsTheAnswer) {
  Script("model.sh",
         "cat > \"$(dirname \"$0\")/request.json\"\n"
         "echo '{\"answer\": \"hello world\"}'\n");
  auto model = Make({{"command", {"./model.sh", "--fast"}},
                     {"params", {{"temperature", 0}, {"version", "v2"}}}});
  ASSERT_TRUE(model.ok()) << model.status().message();
  Result<ModelResponse> r = Ask(**model);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->answer, "hello world");
  EXPECT_EQ(r->input_tokens, -1);
  EXPECT_EQ(r->output_tokens, -1);

  std::ifstream in(Path("request.json"));
  nlohmann::json sent = nlohmann::json::parse(in);
  EXPECT_EQ(sent["id"], "image-1");
  EXPECT_EQ(sent["modality"], "image");
  EXPECT_EQ(sent["prompt"], "Read all the text in the image.");
  ASSERT_EQ(sent["media"].size(), 1u);
  EXPECT_EQ(sent["media"][0]["type"], "image");
  EXPECT_EQ(sent["media"][0]["path"], Path("pic.png"));
  EXPECT_EQ(sent["params"]["temperature"], 0);
}

TEST_F(ExecTest, VersionNamesTheProgramHashesTheConfigAndAddsParamsVersion) {
  Script("model.sh", "echo '{}'\n");
  auto a = Make({{"command", {"./model.sh"}}, {"params", {{"version", "v2"}}}});
  auto b = Make(
      {{"command", {"./model.sh", "--fast"}}, {"params", {{"version", "v2"}}}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*a)->Version().starts_with("exec model.sh cfg:"))
      << (*a)->Version();
  EXPECT_TRUE((*a)->Version().ends_with(" v2"));
  EXPECT_EQ((*a)->Version().size(),
            std::string("exec model.sh cfg:").size() + 8 + 3);
  EXPECT_NE((*a)->Version(), (*b)->Version());
}

TEST_F(ExecTest, ReadsUsage) {
  Script("model.sh",
         "cat >/dev/null\n"
         "echo '{\"answer\": \"42\", \"usage\": {\"input_tokens\": 812, "
         "\"output_tokens\": 3}}'\n");
  auto model = Make({{"command", {"./model.sh"}}});
  ASSERT_TRUE(model.ok());
  Result<ModelResponse> r = Ask(**model);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->answer, "42");
  EXPECT_EQ(r->input_tokens, 812);
  EXPECT_EQ(r->output_tokens, 3);
}

TEST_F(ExecTest, NonZeroExitIsAnErrorWithEscapedStderr) {
  Script("model.sh",
         "printf 'boom: weights missing\\001\\n' >&2\n"
         "echo '{\"answer\": \"ignored\"}'\n"
         "exit 3\n");
  auto model = Make({{"command", {"./model.sh"}}});
  ASSERT_TRUE(model.ok());
  Result<ModelResponse> r = Ask(**model);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("image-1"), std::string::npos) << m;
  EXPECT_NE(m.find("exit status 3"), std::string::npos) << m;
  EXPECT_NE(m.find("boom: weights missing\\x01\\n"), std::string::npos) << m;
}

TEST_F(ExecTest, GarbageOrEmptyStdoutIsAnError) {
  Script("garbage.sh", "echo 'Loading model...'\necho 'the answer is 7'\n");
  Script("empty.sh", "true\n");
  Script("noanswer.sh", "echo '{\"text\": \"7\"}'\n");
  for (const auto& [script, expected] :
       {std::pair{"./garbage.sh", "not one JSON object"},
        std::pair{"./empty.sh", "empty stdout"},
        std::pair{"./noanswer.sh", "no string \"answer\""}}) {
    auto model = Make({{"command", {script}}});
    ASSERT_TRUE(model.ok());
    Result<ModelResponse> r = Ask(**model);
    ASSERT_FALSE(r.ok()) << script;
    EXPECT_NE(r.status().message().find(expected), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("exit status 0"), std::string::npos);
  }
}

TEST_F(ExecTest, TimeoutKillsTheProcessGroup) {
  // The shell runs sleep as a child: killing only the shell would leave
  // sleep holding the output pipe open for 30 s.
  auto model = Make({{"command", "sleep 30; echo '{\"answer\": \"late\"}'"},
                     {"timeout_s", 0.5}});
  ASSERT_TRUE(model.ok());
  auto start = std::chrono::steady_clock::now();
  Result<ModelResponse> r = Ask(**model);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("timed out after 0.5s"),
            std::string::npos)
      << r.status().message();
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(ExecTest, ShellStringCommandWithEnvironment) {
  auto model =
      Make({{"command",
             "cat >/dev/null; echo \"{\\\"answer\\\": \\\"$GREETING\\\"}\""},
            {"env", {{"GREETING", "hi there"}}}});
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_TRUE((*model)->Version().starts_with("exec cat cfg:"));
  Result<ModelResponse> r = Ask(**model);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->answer, "hi there");
}

TEST_F(ExecTest, ChattyStderrAndUnreadStdinDoNotDeadlock) {
  // 1 MB on stderr fills its pipe many times over; the script never reads
  // the 2 MB prompt, so writing it fails with EPIPE instead of SIGPIPE.
  Script("model.sh",
         "head -c 1000000 /dev/zero | tr '\\0' x >&2\n"
         "echo '{\"answer\": \"done\"}'\n");
  auto model = Make({{"command", {"./model.sh"}}});
  ASSERT_TRUE(model.ok());
  ModelRequest request = Request("text", std::string(2 << 20, 'p'));
  Result<ModelResponse> r = (*model)->Answer(request);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->answer, "done");
}

TEST_F(ExecTest, ChildGetsOnlyTheStandardDescriptors) {
  // Opened without O_CLOEXEC, as a careless library might.
  int fd = ::open(Path("held.txt").c_str(), O_CREAT | O_WRONLY, 0644);
  ASSERT_GE(fd, 3);
  auto model = Make({{"command", fmt::format("cat >/dev/null; "
                                             "if [ -e /proc/self/fd/{} ]; "
                                             "then echo '{{\"answer\": "
                                             "\"leaked\"}}'; else echo "
                                             "'{{\"answer\": \"closed\"}}'; fi",
                                             fd)}});
  ASSERT_TRUE(model.ok());
  Result<ModelResponse> r = Ask(**model);
  ::close(fd);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->answer, "closed");
}

TEST_F(ExecTest, MissingProgramIsAnItemError) {
  auto model = Make({{"command", {"./no-such-model"}}});
  ASSERT_TRUE(model.ok());
  Result<ModelResponse> r = Ask(**model);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no-such-model"), std::string::npos);
}

TEST_F(ExecTest, BadConfigurationNamesModelAndKey) {
  auto no_command = Make({{"timeout_s", 3}});
  ASSERT_FALSE(no_command.ok());
  EXPECT_EQ(no_command.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_command.status().message().find("model inhouse (exec)"),
            std::string::npos);
  auto unknown = Make({{"command", {"x"}}, {"retries", 2}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown key 'retries'"),
            std::string::npos)
      << unknown.status().message();
  auto bad_timeout = Make({{"command", {"x"}}, {"timeout_s", -1}});
  ASSERT_FALSE(bad_timeout.ok());
  EXPECT_NE(bad_timeout.status().message().find("timeout_s"),
            std::string::npos);
}

class ExecReplyTest : public ExecTest {
 protected:
  // A model that prints reply.json, whatever it is asked.
  Result<ModelResponse> Reply(const std::string& reply) {
    std::ofstream(Path("reply.json")) << reply;
    Script("model.sh",
           "cat >/dev/null\ncat \"$(dirname \"$0\")/reply.json\"\n");
    auto model = Make({{"command", {"./model.sh"}}});
    if (!model.ok()) return model.status();
    return Ask(**model);
  }
};

TEST_F(ExecReplyTest, ReturnsOutputMediaByPathAndBase64) {
  std::ofstream(Path("out.wav"), std::ios::binary)
      << std::string("RIFF\0\0\0\0WAVE", 12);
  auto r = Reply(R"({"answer": "spoken", "media": [
      {"type": "audio", "path": "out.wav"},
      {"type": "image", "base64": "aGVsbG8=", "mime_type": "image/x-test"},
      {"type": "image", "base64": "aGk="}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->answer, "spoken");
  ASSERT_EQ(r->media.size(), 3u);
  EXPECT_EQ(r->media[0].type, "audio");
  EXPECT_EQ(r->media[0].mime_type, "audio/wav");
  EXPECT_EQ(r->media[0].bytes, std::string("RIFF\0\0\0\0WAVE", 12));
  EXPECT_EQ(r->media[1].mime_type, "image/x-test");
  EXPECT_EQ(r->media[1].bytes, "hello");
  EXPECT_EQ(r->media[2].mime_type, "image/png");
  EXPECT_EQ(r->media[2].bytes, "hi");
}

TEST_F(ExecReplyTest, OddUsageIsIgnoredAndNoMediaIsEmpty) {
  auto r = Reply(R"({"answer": "a", "usage": "x"})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->input_tokens, -1);
  EXPECT_TRUE(r->media.empty());
}

TEST_F(ExecReplyTest, BadMediaAndWrongShapesAreItemErrors) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const auto& [reply, expected] : {
           std::pair<std::string, std::string>{
               R"({"answer": "a", "media": "x"})", "\"media\" is not a list"},
           {R"({"answer": "a", "media": [5]})", "not an object"},
           {R"({"answer": "a", "media": [{"type": "audio"}]})",
            "needs one string \"path\" or \"base64\""},
           {R"({"answer": "a", "media": [{"type": "audio", "path": "a.wav",
                "base64": "aGk="}]})",
            "needs one string \"path\" or \"base64\""},
           {R"({"answer": "a", "media": [{"path": "a.wav"}]})",
            "no string \"type\""},
           {R"({"answer": "a", "media": [{"type": "audio",
                "path": "missing.wav"}]})",
            "is not a regular file"},
           {R"({"answer": "a", "media": [{"type": "audio",
                "path": "/dev/zero"}]})",
            "is not a regular file"},
           {R"({"answer": "a", "media": [{"type": "audio", "base64": "!!"}]})",
            "audio medium"},
           {R"({"answer": "a", "media": [{"type": "audio", "base64": "aGk=",
                "mime_type": 5}]})",
            "mime_type is not a string"},
           {R"({"answer": 5})", "no string \"answer\""},
           {R"({"answer": "a", "n": 1e999999})", "not one JSON object"},
           {R"({"answer": "a", "x": )" + deep + "}", "not one JSON object"},
       }) {
    SCOPED_TRACE(reply.substr(0, 80));
    auto r = Reply(reply);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kEngineError);
    EXPECT_NE(r.status().message().find(expected), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("item image-1"), std::string::npos);
  }
}

}  // namespace
}  // namespace mmgate
