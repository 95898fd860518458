// provider: route, and the provider registry.
#include <gtest/gtest.h>

#include "adapter/factory.h"
#include "render.h"
#include "test_dir.h"

namespace mmgate {
namespace {

class RouteTest : public testing::TempDirTest {};

nlohmann::json Echo(const std::string& name, const std::string& answer) {
  return {
      {"name", name},
      {"provider", "exec"},
      {"command", "cat >/dev/null; echo '{\"answer\": \"" + answer + "\"}'"}};
}

TEST_F(RouteTest, SendsEachModalityToItsModel) {
  nlohmann::json routes = {{"image", Echo("reader", "from reader")},
                           {"table", Echo("reader", "from reader")},
                           {"audio", Echo("listener", "from listener")}};
  auto model =
      CreateDefaultModel({"baseline", "route", {{"routes", routes}}, ""});
  ASSERT_TRUE(model.ok()) << model.status().message();
  auto image = (*model)->Answer(Request("image", "Read."));
  auto table = (*model)->Answer(Request("table", "Extract the table."));
  auto audio = (*model)->Answer(Request("audio", "Transcribe the audio."));
  ASSERT_TRUE(image.ok() && table.ok() && audio.ok());
  EXPECT_EQ(image->answer, "from reader");
  EXPECT_EQ(table->answer, "from reader");
  EXPECT_EQ(audio->answer, "from listener");

  auto chart = (*model)->Answer(Request("chart", "What is the value for A?"));
  ASSERT_FALSE(chart.ok());
  EXPECT_NE(chart.status().message().find(
                "model baseline has no route for modality chart"),
            std::string::npos)
      << chart.status().message();

  // "audio=...; image=...; table=...", each the sub-model's own version.
  const std::string v = (*model)->Version();
  EXPECT_TRUE(v.starts_with("audio=exec cat cfg:")) << v;
  EXPECT_NE(v.find("; image=exec cat cfg:"), std::string::npos) << v;
  EXPECT_NE(v.find("; table=exec cat cfg:"), std::string::npos) << v;
}

TEST_F(RouteTest, RoutesToTheLocalEngines) {
  nlohmann::json routes = {
      {"image", {{"name", "ocr-base"}, {"provider", "tesseract"}, {"psm", 3}}},
      {"audio", {{"name", "asr-base"}, {"provider", "pocketsphinx"}}}};
  auto model =
      CreateDefaultModel({"baseline", "route", {{"routes", routes}}, ""});
  ASSERT_TRUE(model.ok()) << model.status().message();
  ASSERT_TRUE(testing::RenderLines(Path("sign.png"), {"EXIT ONLY"}));
  auto image =
      (*model)->Answer(Request("image", "", "image", Path("sign.png")));
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->answer, "EXIT ONLY");
  auto audio = (*model)->Answer(
      Request("audio", "", "audio",
              "/usr/share/pocketsphinx/test/data/librivox/"
              "sense_and_sensibility_01_austen_64kb-0930.wav"));
  ASSERT_TRUE(audio.ok()) << audio.status().message();
  EXPECT_NE(audio->answer.find("amiable himself"), std::string::npos)
      << audio->answer;
  EXPECT_TRUE((*model)->Version().starts_with("audio=pocketsphinx "));
  EXPECT_NE((*model)->Version().find("; image=tesseract "), std::string::npos);
}

TEST_F(RouteTest, BadRoutesAreConfigErrors) {
  auto nested = CreateDefaultModel(
      {"baseline",
       "route",
       {{"routes", {{"image", {{"name", "x"}, {"provider", "route"}}}}}},
       ""});
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("cannot lead to another route"),
            std::string::npos);
  auto bad_sub = CreateDefaultModel(
      {"baseline",
       "route",
       {{"routes",
         {{"image",
           {{"name", "ocr"}, {"provider", "tesseract"}, {"psn", 3}}}}}},
       ""});
  ASSERT_FALSE(bad_sub.ok());
  EXPECT_EQ(bad_sub.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_sub.status().message().find("routes.image"), std::string::npos);
  EXPECT_NE(bad_sub.status().message().find("unknown key 'psn'"),
            std::string::npos)
      << bad_sub.status().message();
  auto empty = CreateDefaultModel({"baseline", "route", {{"routes", {}}}, ""});
  EXPECT_FALSE(empty.ok());
  auto extra = CreateDefaultModel(
      {"baseline",
       "route",
       {{"routes", {{"image", Echo("a", "b")}}}, {"image", "ocr-base"}},
       ""});
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.status().message().find("unknown key 'image'"),
            std::string::npos);
}

TEST_F(RouteTest, UnknownProviderListsTheKnownOnes) {
  auto model = CreateDefaultModel({"gpt", "openai-ish", {}, ""});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.status().message(),
            "model gpt: unknown provider 'openai-ish' (known: anthropic, "
            "espeak, exec, gemini, openai, pocketsphinx, route, rules, "
            "rules-judge, tesseract)");
}

}  // namespace
}  // namespace mmgate
