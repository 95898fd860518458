// The prompt rules on hand-made OCR results: exact geometry, no engine.
#include <gtest/gtest.h>

#include "adapter/ocr_page.h"

namespace mmgate::adapter {
namespace {

// Words of one line starting at x, 10 px per character plus a 10 px space,
// 20 px tall at y.
void AddLine(OcrPage* page, int x, int y, const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) {
      int w = static_cast<int>(end - start) * 10;
      page->words.push_back(
          {text.substr(start, end - start), {x, y, x + w, y + 20}});
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

TEST(OcrTextTest, RowsJoinSplitBlocksAndIgnoreBorders) {
  OcrPage page;
  AddLine(&page, 10, 100, "Total");
  AddLine(&page, 400, 102, "12.50");  // far right, a block of its own
  AddLine(&page, 10, 140, "Tax");
  page.words.push_back({"|", {200, 90, 204, 170}});  // table border
  std::vector<Row> rows = Rows(page);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].words.size(), 2u);
  EXPECT_EQ(rows[0].words[1]->text, "12.50");
  EXPECT_EQ(rows[1].words[0]->text, "Tax");
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
    page.words.push_back({t, {80 - w, 290 - v * 5, 80, 310 - v * 5}});
  }
  AddLine(&page, 120, 320, "Apples");  // centre x 150
  AddLine(&page, 230, 320, "Pears");   // centre x 255
  if (value_labels) {
    page.words.push_back({"37", {140, 95, 160, 110}});
    page.words.push_back({"18.5", {235, 190, 275, 205}});
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
