// table_cells: a text table read as (row header, column header, value)
// triples, scored by cell-level precision, recall and F1, so that merged
// columns, dropped rows and hallucinated header cells each lower the score.
#ifndef MMGATE_SCORE_TABLE_CELLS_H_
#define MMGATE_SCORE_TABLE_CELLS_H_

#include <string>
#include <string_view>
#include <vector>

namespace mmgate::score {

// Rows of trimmed cells. Accepted forms, decided once per table: cells
// separated by '|' (the " | " format and markdown, whose outer pipes and
// "---" separator line are dropped; lines without '|' are ignored as prose),
// else by tabs, else by commas (CSV quoting with "..." and "").
std::vector<std::vector<std::string>> ParseTextTable(std::string_view text);

struct CellTriple {
  std::string row;     // first cell of the row
  std::string column;  // the header row's cell above the value ("" if none)
  std::string value;
};

// The first row is the column headers, the first column the row headers;
// every other cell present in a row is one triple.
std::vector<CellTriple> TableTriples(
    const std::vector<std::vector<std::string>>& rows);

struct TableScore {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  size_t matched = 0;
  size_t predicted = 0;
  size_t reference = 0;
  std::string detail;  // P/R/F1, counts, and the first missing and extra cells
};

// Triples match when all three parts are equal after lower-casing and
// whitespace collapsing; each reference triple matches at most once. Two
// empty tables score 1.
TableScore CompareTables(std::string_view reference, std::string_view answer);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_TABLE_CELLS_H_
