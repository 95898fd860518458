// The prompt rules on hand-made OCR results: exact geometry, no engine.
#include <gtest/gtest.h>

#include "adapter/ocr_page.h"

namespace mmgate::adapter {
namespace {

// Words of one engine line starting at x, 10 px per character plus a 10 px
// space, 20 px tall at y.
void AddLine(OcrPage* page, int x, int y, const std::string& text) {
  const int line = page->words.empty() ? 0 : page->words.back().line + 1;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) {
      int w = static_cast<int>(end - start) * 10;
      page->words.push_back(
          {text.substr(start, end - start), {x, y, x + w, y + 20}, line});
      x += w + 10;
    } else {
      x += 10;  // each extra space widens the gap
    }
    start = end + 1;
  }
}

std::vector<Row> Rows(const OcrPage& page) { return BuildRows(page); }

TEST(OcrTextTest, NormalizeAndNumbers) {
  EXPECT_EQ(Normalize("Total:"), "total");
  EXPECT_EQ(Normalize("INV-2041"), "inv2041");
  EXPECT_EQ(ParseNumber("1,234.5"), 1234.5);
  EXPECT_EQ(ParseNumber("$12.50"), 12.5);
  EXPECT_EQ(ParseNumber("41%"), 41);
  EXPECT_EQ(ParseNumber("-3."), -3);
  EXPECT_EQ(ParseNumber("12a"), std::nullopt);
  EXPECT_EQ(ParseNumber("."), std::nullopt);
  EXPECT_EQ(ParseNumber("1.2.3"), std::nullopt);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
}

TEST(OcrTextTest, AsksForText) {
  EXPECT_TRUE(AsksForText("Read all the text in the image."));
  EXPECT_TRUE(AsksForText("  "));
  EXPECT_FALSE(AsksForText("What is the Total?"));
}

TEST(OcrTextTest, QuestionLineSkipsContextLines) {
  EXPECT_EQ(QuestionLine("What is the Total?"), "What is the Total?");
  EXPECT_EQ(QuestionLine("2026-01-02 INFO started\n  What is the Total?\nThe "
                         "note says it is 99.00."),
            "What is the Total?");
  EXPECT_EQ(QuestionLine("Read all the text."), "Read all the text.");
}

TEST(OcrTextTest, EvidenceQuotesTheRecognisedLine) {
  EXPECT_TRUE(
      AsksForEvidence("What is the Total?\nQuote the line you read it from."));
  EXPECT_FALSE(AsksForEvidence("What is the Total?"));
  OcrPage page;
  page.text = "ACME Ltd\nSubtotal 10.00\nTotal 12.50";
  EXPECT_EQ(WithEvidence("12.50", page),
            R"({"answer":"12.50","evidence":["Total 12.50"]})");
  EXPECT_EQ(WithEvidence("99", page), R"({"answer":"99","evidence":[]})");
}

TEST(OcrTextTest, RowsJoinSplitBlocksAndIgnoreBorders) {
  OcrPage page;
  AddLine(&page, 10, 100, "Total");
  AddLine(&page, 400, 102, "12.50");  // far right, a block of its own
  AddLine(&page, 10, 140, "Tax");
  page.words.push_back({"|", {200, 90, 204, 170}, 9});  // table border
  std::vector<Row> rows = Rows(page);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].words.size(), 2u);
  EXPECT_EQ(rows[0].words[1]->text, "12.50");
  EXPECT_EQ(rows[1].words[0]->text, "Tax");
}

TEST(OcrTextTest, SkewedLineStaysOneRowAndStackedLinesStayApart) {
  OcrPage page;
  // A line drifting down 8 px per word (a rotated scan): its last word no
  // longer overlaps its first, but the engine saw one line.
  for (int i = 0; i < 6; ++i) {
    page.words.push_back({"w" + std::to_string(i),
                          {10 + 60 * i, 100 + 8 * i, 60 + 60 * i, 120 + 8 * i},
                          0});
  }
  AddLine(&page, 10, 150, "next line below");
  std::vector<Row> rows = Rows(page);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].words.size(), 6u);
  EXPECT_EQ(rows[1].words.size(), 3u);
}

TEST(OcrTextTest, FindPhraseToleratesOcrNoise) {
  OcrPage page;
  AddLine(&page, 10, 10, "Invoice Nurnber: 77");
  AddLine(&page, 10, 50, "Subtotal 5");
  std::vector<Row> rows = Rows(page);
  std::vector<PhraseMatch> m = FindPhrase(rows, "Invoice Number");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].row, 0u);
  EXPECT_EQ(m[0].end - m[0].begin, 2u);
  EXPECT_EQ(m[0].distance, 2);  // "rn" for "m"
  // "Total" is not "Subtotal".
  EXPECT_TRUE(FindPhrase(rows, "Total").empty());
}

TEST(OcrRulesTest, KeyValueColonTakesTheTextAfterTheColon) {
  OcrPage page;
  AddLine(&page, 10, 10, "Name: Ada Lovelace");
  AddLine(&page, 10, 50, "Due Date: 2024-05-01");
  AddLine(&page, 10, 90, "Date: 2024-04-01     Ref: A7");
  std::vector<Row> rows = Rows(page);
  EXPECT_EQ(AnswerKeyValue(rows, "Name"), "Ada Lovelace");
  // "Date" starting its line beats the end of "Due Date"; the second field
  // on the line is not part of the value.
  EXPECT_EQ(AnswerKeyValue(rows, "Date"), "2024-04-01");
  EXPECT_EQ(AnswerKeyValue(rows, "Due Date"), "2024-05-01");
  EXPECT_EQ(AnswerKeyValue(rows, "Ref"), "A7");
  EXPECT_EQ(AnswerKeyValue(rows, "Phone"), std::nullopt);
}

TEST(OcrRulesTest, KeyValueReceiptTakesTheRightMostAmount) {
  OcrPage page;
  AddLine(&page, 10, 10, "Total .................");
  AddLine(&page, 400, 10, "$19.87");
  AddLine(&page, 10, 50, "Tax");
  AddLine(&page, 100, 50, ".......1.47");  // leader glued to the value
  std::vector<Row> rows = Rows(page);
  EXPECT_EQ(AnswerKeyValue(rows, "Total"), "$19.87");
  EXPECT_EQ(AnswerKeyValue(rows, "Tax"), "1.47");
}

TEST(OcrRulesTest, KeyValueReceiptSkipsMisreadLeaders) {
  OcrPage page;
  AddLine(&page, 10, 10, "Spinach Bag ee eee e cece eee 9.80");
  AddLine(&page, 10, 50, "Invoice Date .......... 3 March 2025");
  std::vector<Row> rows = Rows(page);
  EXPECT_EQ(AnswerKeyValue(rows, "Spinach Bag"), "9.80");
  // No amount at the end: the whole run is the value.
  EXPECT_EQ(AnswerKeyValue(rows, "Invoice Date"), "3 March 2025");
}

TEST(OcrRulesTest, KeyValueBelowTheLabel) {
  OcrPage page;
  AddLine(&page, 10, 10, "Account holder");
  AddLine(&page, 10, 40, "Grace Hopper");
  EXPECT_EQ(AnswerKeyValue(Rows(page), "Account holder"), "Grace Hopper");
}

OcrPage TablePage() {
  OcrPage page;
  AddLine(&page, 10, 0, "Quarterly sales by region");
  AddLine(&page, 10, 40, "Region");
  AddLine(&page, 150, 40, "Q1 total");  // header wider than its values
  AddLine(&page, 300, 40, "Q2");
  AddLine(&page, 10, 80, "North");
  AddLine(&page, 170, 80, "120");
  AddLine(&page, 300, 80, "1,350");
  AddLine(&page, 10, 120, "South West");
  AddLine(&page, 170, 120, "98");
  AddLine(&page, 300, 120, "104");
  return page;
}

TEST(OcrRulesTest, ExtractTableRebuildsRowsAndColumns) {
  auto table = ExtractTable(Rows(TablePage()));
  std::vector<std::vector<std::string>> expected = {
      {"Region", "Q1 total", "Q2"},
      {"North", "120", "1,350"},
      {"South West", "98", "104"}};
  EXPECT_EQ(table, expected);
}

TEST(OcrRulesTest, TableCellAtHeaderIntersection) {
  OcrPage page = TablePage();
  std::vector<Row> rows = Rows(page);
  EXPECT_EQ(AnswerTableCell(rows, "Q2", "North"), "1,350");
  EXPECT_EQ(AnswerTableCell(rows, "Q1 total", "South West"), "98");
  EXPECT_EQ(AnswerTableCell(rows, "Q3", "North"), std::nullopt);
  EXPECT_EQ(AnswerTableCell(rows, "Q2", "East"), std::nullopt);
}

TEST(OcrRulesTest, CentredHeadersOverRightAlignedNumbers) {
  // Each header centred over its column, the numbers flush right: no
  // header overlaps its own values, and "Q1" is nearer to Q2's numbers.
  OcrPage page;
  AddLine(&page, 80, 40, "Region");
  AddLine(&page, 360, 40, "Q1");
  AddLine(&page, 600, 40, "Q2");
  AddLine(&page, 80, 80, "West");
  AddLine(&page, 500, 80, "2,234");
  AddLine(&page, 740, 80, "6,513");
  AddLine(&page, 80, 120, "Coastal");
  AddLine(&page, 500, 120, "1,208");
  AddLine(&page, 740, 120, "2,456");
  std::vector<Row> rows = Rows(page);
  EXPECT_EQ(AnswerTableCell(rows, "Q2", "Coastal"), "2,456");
  EXPECT_EQ(AnswerTableCell(rows, "Q1", "Coastal"), "1,208");
  EXPECT_EQ(AnswerTableCell(rows, "Q1", "West"), "2,234");
}

TEST(OcrRulesTest, TextAndNumbersAlignedDifferentlyInOneColumn) {
  // A rota: "Off" flush left, shift times flush right in the same column,
  // so the gap inside the Mon column (400-420) is wider than the one
  // between Tue and Wed in some rows.
  OcrPage page;
  AddLine(&page, 80, 0, "Employee");  // 80-160
  AddLine(&page, 340, 0, "Mon");      // 340-370
  AddLine(&page, 500, 0, "Tue");      // 500-530
  AddLine(&page, 670, 0, "Wed");      // 670-700
  AddLine(&page, 80, 40, "Priya");
  AddLine(&page, 420, 40, "7-3");  // 420-450
  AddLine(&page, 580, 40, "12-8");
  AddLine(&page, 740, 40, "10-6");
  AddLine(&page, 80, 80, "Sam");
  AddLine(&page, 340, 80, "Off");
  AddLine(&page, 580, 80, "12-8");
  AddLine(&page, 670, 80, "Off");
  std::vector<std::vector<std::string>> expected = {
      {"Employee", "Mon", "Tue", "Wed"},
      {"Priya", "7-3", "12-8", "10-6"},
      {"Sam", "Off", "12-8", "Off"}};
  EXPECT_EQ(ExtractTable(Rows(page)), expected);
}

TEST(OcrRulesTest, HeaderRowWithAnEmptyCorner) {
  OcrPage page;
  AddLine(&page, 300, 40, "Mon");
  AddLine(&page, 420, 40, "Tue");
  AddLine(&page, 80, 80, "Maria");
  AddLine(&page, 300, 80, "9-5");
  AddLine(&page, 420, 80, "Off");
  std::vector<Row> rows = Rows(page);
  auto table = ExtractTable(rows);
  std::vector<std::vector<std::string>> expected = {{"", "Mon", "Tue"},
                                                    {"Maria", "9-5", "Off"}};
  EXPECT_EQ(table, expected);
  EXPECT_EQ(AnswerTableCell(rows, "Tue", "Maria"), "Off");
}

TEST(OcrRulesTest, PromptDispatch) {
  OcrPage page = TablePage();
  BarTopFinder none;
  EXPECT_EQ(
      AnswerByRules("What is the Q2 for South West?", "table", page, none),
      "104");
  EXPECT_EQ(AnswerByRules("Extract the table.", "table", page, none),
            "Region | Q1 total | Q2\nNorth | 120 | 1,350\n"
            "South West | 98 | 104");
  EXPECT_EQ(AnswerByRules("Describe the mood.", "image", page, none),
            std::nullopt);
}

// Axis ticks 0..40 right-aligned at x = 80, 50 px per 10 units, zero at
// y = 300; bars labelled under the axis.
OcrPage ChartPage(bool value_labels) {
  OcrPage page;
  AddLine(&page, 100, 0, "Fruit sold in 2023");
  for (int v = 0; v <= 40; v += 10) {
    std::string t = std::to_string(v);
    int w = static_cast<int>(t.size()) * 10;
    page.words.push_back({t, {80 - w, 290 - v * 5, 80, 310 - v * 5}, 10 + v});
  }
  AddLine(&page, 120, 320, "Apples");  // centre x 150
  AddLine(&page, 230, 320, "Pears");   // centre x 255
  if (value_labels) {
    page.words.push_back({"37", {140, 95, 160, 110}, 100});
    page.words.push_back({"18.5", {235, 190, 275, 205}, 101});
  }
  return page;
}

TEST(OcrRulesTest, BarValueFromPrintedLabel) {
  OcrPage page = ChartPage(true);
  std::vector<Row> rows = Rows(page);
  BarTopFinder fail = [](int, int, int) -> std::optional<int> {
    ADD_FAILURE() << "printed labels need no pixels";
    return std::nullopt;
  };
  EXPECT_EQ(AnswerBarValue(rows, "Apples", fail), "37");
  EXPECT_EQ(AnswerBarValue(rows, "Pears", fail), "18.5");
}

TEST(OcrRulesTest, BarValueFromAxisAndBarTop) {
  OcrPage page = ChartPage(false);
  std::vector<Row> rows = Rows(page);
  int asked_x = -1;
  BarTopFinder tops = [&asked_x](int x, int,
                                 int y_bottom) -> std::optional<int> {
    asked_x = x;
    EXPECT_LT(y_bottom, 320);
    return x < 200 ? 125 : 208;  // 35 and 18.4 on the axis
  };
  EXPECT_EQ(AnswerBarValue(rows, "Apples", tops), "35");
  EXPECT_EQ(asked_x, 150);
  EXPECT_EQ(AnswerBarValue(rows, "Pears", tops), "18.4");
  BarTopFinder nothing = [](int, int, int) { return std::optional<int>(); };
  EXPECT_EQ(AnswerBarValue(rows, "Apples", nothing), std::nullopt);
  EXPECT_EQ(AnswerBarValue(rows, "Cherries", tops), std::nullopt);
}

}  // namespace
}  // namespace mmgate::adapter
