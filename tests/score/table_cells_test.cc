// table_cells: parsing the accepted table forms, and scores that show merged
// columns, dropped rows and hallucinated header cells.
#include "score/table_cells.h"

#include <gtest/gtest.h>

namespace mmgate::score {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// The demo's reference format (one row per line, " | " between cells).
constexpr const char* kReference =
    "Region | Q1 | Q2 | Q3\n"
    "North | 10 | 12 | 15\n"
    "South | 7 | 9 | 11\n"
    "East | 4 | 5 | 6\n";

TEST(TableCellsTest, ParsesPipesMarkdownTabsAndCsv) {
  const Rows expected = {{"Region", "Q1"}, {"North", "10"}};
  EXPECT_EQ(ParseTextTable("Region | Q1\nNorth | 10\n"), expected);
  EXPECT_EQ(
      ParseTextTable(
          "Here is the table:\n\n| Region | Q1 |\n|:--|--:|\n| North | 10 |\n"),
      expected);
  EXPECT_EQ(ParseTextTable("Region\tQ1\r\nNorth\t10\r\n"), expected);
  EXPECT_EQ(ParseTextTable("Region,Q1\nNorth,10\n"), expected);
  EXPECT_EQ(ParseTextTable("Name,Note\n\"Smith, J\",\"said \"\"hi\"\"\"\n"),
            (Rows{{"Name", "Note"}, {"Smith, J", "said \"hi\""}}));
}

TEST(TableCellsTest, TriplesUseRowAndColumnHeaders) {
  const std::vector<CellTriple> t = TableTriples(ParseTextTable(kReference));
  ASSERT_EQ(t.size(), 9u);
  EXPECT_EQ(t[0].row, "North");
  EXPECT_EQ(t[0].column, "Q1");
  EXPECT_EQ(t[0].value, "10");
  EXPECT_EQ(t[8].row, "East");
  EXPECT_EQ(t[8].column, "Q3");
  EXPECT_EQ(t[8].value, "6");
}

TEST(TableCellsTest, PerfectAnswerInAnotherFormat) {
  const TableScore s = CompareTables(
      kReference,
      "| region | q1 | q2 | q3 |\n|---|---|---|---|\n| north | 10 | 12 | 15 |\n"
      "| south | 7 | 9 | 11 |\n| east | 4 | 5 | 6 |\n");
  EXPECT_DOUBLE_EQ(s.f1, 1.0);
  EXPECT_EQ(s.matched, 9u);
}

TEST(TableCellsTest, DroppedRowLowersRecallOnly) {
  const TableScore s = CompareTables(
      kReference,
      "Region | Q1 | Q2 | Q3\nNorth | 10 | 12 | 15\nSouth | 7 | 9 | 11\n");
  EXPECT_DOUBLE_EQ(s.precision, 1.0);
  EXPECT_DOUBLE_EQ(s.recall, 6.0 / 9);
  EXPECT_DOUBLE_EQ(s.f1, 2 * (6.0 / 9) / (1 + 6.0 / 9));
  EXPECT_NE(s.detail.find("missing: (east, q1)=4"), std::string::npos)
      << s.detail;
}

TEST(TableCellsTest, MergedColumnsLowerBoth) {
  // Q2 and Q3 read as one column "Q2 Q3" with merged values.
  const TableScore s = CompareTables(kReference,
                                     "Region | Q1 | Q2 Q3\nNorth | 10 | 12 "
                                     "15\nSouth | 7 | 9 11\nEast | 4 | 5 6\n");
  EXPECT_EQ(s.matched, 3u);  // only the Q1 cells
  EXPECT_EQ(s.predicted, 6u);
  EXPECT_EQ(s.reference, 9u);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 1.0 / 3);
  EXPECT_NE(s.detail.find("extra: (north, q2 q3)=12 15"), std::string::npos)
      << s.detail;
}

TEST(TableCellsTest, HallucinatedHeaderCellLowersPrecisionOnly) {
  const TableScore s = CompareTables(kReference,
                                     "Region | Q1 | Q2 | Q3 | Q4\n"
                                     "North | 10 | 12 | 15 | 18\n"
                                     "South | 7 | 9 | 11 | 13\n"
                                     "East | 4 | 5 | 6 | 7\n");
  EXPECT_DOUBLE_EQ(s.recall, 1.0);
  EXPECT_DOUBLE_EQ(s.precision, 9.0 / 12);
  EXPECT_NE(
      s.detail.find("extra: (north, q4)=18; (south, q4)=13; (east, q4)=7"),
      std::string::npos)
      << s.detail;
}

TEST(TableCellsTest, WrongValueAndDuplicates) {
  const TableScore s =
      CompareTables("A | x\nr | 1\nr | 1\n", "A | x\nr | 1\nr | 2\n");
  EXPECT_EQ(s.matched, 1u);
  EXPECT_DOUBLE_EQ(s.f1, 0.5);
}

TEST(TableCellsTest, EmptyTables) {
  EXPECT_DOUBLE_EQ(CompareTables("", "").f1, 1.0);
  EXPECT_DOUBLE_EQ(CompareTables(kReference, "").f1, 0.0);
  EXPECT_DOUBLE_EQ(CompareTables(kReference, "I cannot read the table.").f1,
                   0.0);
}

}  // namespace
}  // namespace mmgate::score
