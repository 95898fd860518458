// provider: tesseract on images rendered by the test itself.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "adapter/factory.h"
#include "render.h"
#include "test_dir.h"

namespace mmgate {
namespace {

using testing::Bar;

class TesseractTest : public testing::TempDirTest {
 protected:
  static std::unique_ptr<Model> Make(nlohmann::json params = {}) {
    if (params.is_null()) params = nlohmann::json::object();
    auto model =
        CreateDefaultModel({"ocr", "tesseract", std::move(params), ""});
    EXPECT_TRUE(model.ok()) << model.status().message();
    return model.ok() ? std::move(*model) : nullptr;
  }

  static std::string Ask(Model& model, const std::string& modality,
                         const std::string& prompt, const std::string& png) {
    Result<ModelResponse> r =
        model.Answer(Request(modality, prompt, "image", png));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->answer : "";
  }
};

const std::vector<std::string> kTerminal = {
    "$ make -j2 all", "error: cannot find -lfoo", "Build finished in 12.4 s"};

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

TEST_F(TesseractTest, ReadsAllTheText) {
  ASSERT_TRUE(testing::RenderLines(Path("term.png"), kTerminal, 22, true));
  auto model = Make();
  ASSERT_TRUE(model);
  EXPECT_EQ(
      Ask(*model, "image", "Read all the text in the image.", Path("term.png")),
      Joined(kTerminal));
  // No question at all also means "read it".
  EXPECT_EQ(Ask(*model, "image", "", Path("term.png")), Joined(kTerminal));
}

// The threads of this process (/proc/self/task lists them).
size_t ThreadCount() {
  namespace fs = std::filesystem;
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/task")) {
    (void)entry;
    ++n;
  }
  return n;
}

TEST_F(TesseractTest, ReadsOnTheCallersThreadAlone) {
  // mmgate runs one engine per worker; an engine starting threads of its own
  // oversubscribes the cores (Tesseract's OpenMP teams did: issue 15). An
  // OpenMP team's threads outlive the read, so they show here.
  ASSERT_TRUE(testing::RenderLines(Path("term.png"), kTerminal, 22, true));
  const size_t before = ThreadCount();
  auto model = Make();
  ASSERT_TRUE(model);
  EXPECT_EQ(Ask(*model, "image", "", Path("term.png")), Joined(kTerminal));
  EXPECT_EQ(ThreadCount(), before);
}

TEST_F(TesseractTest, PreprocessingOptionsStillRead) {
  const std::vector<std::string> sign = {"PLATFORM 4", "Trains to Leeds",
                                         "Mind the gap"};
  ASSERT_TRUE(testing::RenderLines(Path("sign.png"), sign, 24));
  ASSERT_TRUE(testing::RenderLines(Path("skew.png"), sign, 24, false, 4));
  for (nlohmann::json params :
       {nlohmann::json{{"binarize", "otsu"}},
        nlohmann::json{{"binarize", "sauvola"}, {"scale", 1.5}},
        nlohmann::json{{"scale", "2"}, {"dpi", 300}, {"psm", 6}}}) {
    auto model = Make(params);
    ASSERT_TRUE(model);
    EXPECT_EQ(Ask(*model, "image", "Read all the text in the image.",
                  Path("sign.png")),
              Joined(sign))
        << params.dump();
  }
  auto deskew = Make({{"deskew", true}, {"psm", 6}});
  ASSERT_TRUE(deskew);
  EXPECT_EQ(Ask(*deskew, "image", "Read all the text in the image.",
                Path("skew.png")),
            Joined(sign));
}

TEST_F(TesseractTest, VariablesReachTheEngine) {
  ASSERT_TRUE(testing::RenderLines(Path("code.png"), {"Code 4711 ok"}, 26));
  auto digits =
      Make({{"psm", 7}, {"vars", {{"tessedit_char_whitelist", "0123456789"}}}});
  ASSERT_TRUE(digits);
  std::string text = Ask(*digits, "image", "", Path("code.png"));
  EXPECT_NE(text.find("4711"), std::string::npos) << text;
  EXPECT_EQ(text.find_first_not_of("0123456789 "), std::string::npos) << text;
}

TEST_F(TesseractTest, AnswersKeyValueQuestionsOnAReceipt) {
  ASSERT_TRUE(testing::RenderReceipt(
      Path("receipt.png"),
      {{"Subtotal", "18.40"}, {"Tax", "1.47"}, {"Total", "$19.87"}},
      {{"Invoice No", "INV-2041"}, {"Date", "2024-03-17"}}));
  // Sparse-text segmentation: the default mode drops lines with dot leaders.
  auto model = Make({{"psm", 11}});
  ASSERT_TRUE(model);
  const std::string png = Path("receipt.png");
  EXPECT_EQ(Ask(*model, "document", "What is the Total?", png), "$19.87");
  EXPECT_EQ(Ask(*model, "document", "What is the Subtotal?", png), "18.40");
  EXPECT_EQ(Ask(*model, "document", "What is the Tax?", png), "1.47");
  EXPECT_EQ(Ask(*model, "document", "What is the Invoice No?", png),
            "INV-2041");
  EXPECT_EQ(Ask(*model, "document", "What is the Date?", png), "2024-03-17");
}

TEST_F(TesseractTest, AnswersTableQuestions) {
  const std::vector<std::vector<std::string>> table = {
      {"Region", "Q1", "Q2", "Q3"},
      {"North", "120", "135", "150"},
      {"South", "98", "104", "111"},
      {"East", "143", "139", "160"}};
  ASSERT_TRUE(testing::RenderTable(Path("table.png"), table));
  auto model = Make();
  ASSERT_TRUE(model);
  const std::string png = Path("table.png");
  EXPECT_EQ(Ask(*model, "table", "What is the Q2 for South?", png), "104");
  EXPECT_EQ(Ask(*model, "table", "What is the Q3 for East?", png), "160");
  EXPECT_EQ(Ask(*model, "table", "What is the Q1 for North?", png), "120");
  EXPECT_EQ(Ask(*model, "table", "Extract the table.", png),
            "Region | Q1 | Q2 | Q3\nNorth | 120 | 135 | 150\n"
            "South | 98 | 104 | 111\nEast | 143 | 139 | 160");
}

const std::vector<Bar> kBars = {
    {"Apples", 42}, {"Pears", 27}, {"Plums", 35.5}, {"Kiwis", 12}};

TEST_F(TesseractTest, ReadsPrintedBarValues) {
  ASSERT_TRUE(testing::RenderBarChart(Path("bars.png"), kBars, 50, 10, true));
  // One uniform block: the default mode loses the "12" printed just above
  // a grid line (it then falls back to the axis and answers 11.9).
  auto model = Make({{"psm", 6}});
  ASSERT_TRUE(model);
  for (const Bar& bar : kBars) {
    EXPECT_EQ(Ask(*model, "chart", "What is the value for " + bar.label + "?",
                  Path("bars.png")),
              fmt::format("{:g}", bar.value))
        << bar.label;
  }
}

TEST_F(TesseractTest, EstimatesBarValuesFromTheAxis) {
  ASSERT_TRUE(testing::RenderBarChart(Path("axis.png"), kBars, 50, 10, false));
  auto model = Make();
  ASSERT_TRUE(model);
  for (const Bar& bar : kBars) {
    std::string answer =
        Ask(*model, "chart", "What is the value for " + bar.label + "?",
            Path("axis.png"));
    char* end = nullptr;
    double v = std::strtod(answer.c_str(), &end);
    ASSERT_TRUE(!answer.empty() && *end == '\0') << answer;
    // Within the 5% of relaxed accuracy, with room to spare.
    EXPECT_NEAR(v, bar.value, bar.value * 0.02) << bar.label;
  }
}

TEST_F(TesseractTest, OneModelPerThreadRunsInParallel) {
  ASSERT_TRUE(testing::RenderLines(Path("term.png"), kTerminal, 22, true));
  std::vector<std::string> answers(3);
  std::vector<std::thread> workers;
  for (std::string& answer : answers) {
    workers.emplace_back([this, &answer] {
      auto model = Make();
      for (int i = 0; model && i < 2; ++i) {
        answer += Ask(*model, "image", "", Path("term.png"));
      }
    });
  }
  for (std::thread& t : workers) t.join();
  for (const std::string& answer : answers) {
    EXPECT_EQ(answer, Joined(kTerminal) + Joined(kTerminal));
  }
}

TEST_F(TesseractTest, VersionHashesTheEffectiveConfiguration) {
  auto plain = Make();
  auto explicit_default = Make({{"psm", 3}, {"lang", "eng"}});
  auto sparse = Make({{"psm", 11}});
  ASSERT_TRUE(plain && explicit_default && sparse);
  EXPECT_TRUE(plain->Version().starts_with("tesseract 5.")) << plain->Version();
  EXPECT_NE(plain->Version().find(" cfg:"), std::string::npos);
  EXPECT_EQ(plain->Version().size(), plain->Version().find(" cfg:") + 5 + 8);
  EXPECT_EQ(plain->Version(), explicit_default->Version());
  EXPECT_NE(plain->Version(), sparse->Version());
}

TEST_F(TesseractTest, ConfigErrorsNameTheModelAndKey) {
  for (const auto& [params, expected] :
       {std::pair{nlohmann::json{{"oem", 0}}, "unknown key 'oem'"},
        std::pair{nlohmann::json{{"psm", 2}}, "key 'psm'"},
        std::pair{nlohmann::json{{"psm", "three"}}, "key 'psm' must be"},
        std::pair{nlohmann::json{{"binarize", "niblack"}}, "key 'binarize'"},
        std::pair{nlohmann::json{{"scale", 0}}, "key 'scale'"},
        std::pair{nlohmann::json{{"deskew", "maybe"}}, "key 'deskew'"},
        std::pair{nlohmann::json{{"vars", {{"no_such_variable", 1}}}},
                  "'no_such_variable' is not a Tesseract variable"},
        std::pair{nlohmann::json{{"lang", "xx"}}, "language 'xx'"}}) {
    auto model = CreateDefaultModel({"ocr-base", "tesseract", params, ""});
    ASSERT_FALSE(model.ok()) << params.dump();
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(model.status().message().find("model ocr-base (tesseract)"),
              std::string::npos)
        << model.status().message();
    EXPECT_NE(model.status().message().find(expected), std::string::npos)
        << model.status().message();
  }
}

TEST_F(TesseractTest, CorruptOrMissingImagesAreItemErrors) {
  std::ofstream(Path("empty.png")).close();
  std::ofstream(Path("text.png")) << "definitely not a PNG";
  auto model = Make();
  ASSERT_TRUE(model);
  for (const char* name : {"empty.png", "text.png"}) {
    Result<ModelResponse> r =
        model->Answer(Request("image", "", "image", Path(name)));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(r.status().message().find("item image-1"), std::string::npos);
    EXPECT_NE(r.status().message().find(Path(name)), std::string::npos);
  }
  Result<ModelResponse> no_image = model->Answer(Request("image", "Hi"));
  ASSERT_FALSE(no_image.ok());
  EXPECT_NE(no_image.status().message().find("no image medium"),
            std::string::npos);
  // The model keeps working after errors.
  ASSERT_TRUE(testing::RenderLines(Path("ok.png"), {"Still fine"}));
  EXPECT_EQ(Ask(*model, "image", "", Path("ok.png")), "Still fine");
}

}  // namespace
}  // namespace mmgate
