// What the OCR engine saw: words with pixel boxes, grouped into visual rows.
// The prompt rules work on this, so they can be tested without an engine.
#ifndef MMGATE_ADAPTER_OCR_PAGE_H_
#define MMGATE_ADAPTER_OCR_PAGE_H_

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmgate::adapter {

// Pixel rectangle, x1/y1 exclusive, y growing downwards.
struct Box {
  int x0 = 0;
  int y0 = 0;
  int x1 = 0;
  int y1 = 0;
  int Width() const { return x1 - x0; }
  int Height() const { return y1 - y0; }
  double Xc() const { return (x0 + x1) / 2.0; }
  double Yc() const { return (y0 + y1) / 2.0; }
  Box Union(const Box& o) const {
    return {std::min(x0, o.x0), std::min(y0, o.y0), std::max(x1, o.x1),
            std::max(y1, o.y1)};
  }
};

inline int YOverlap(const Box& a, const Box& b) {
  return std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
}
inline int XOverlap(const Box& a, const Box& b) {
  return std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
}

struct OcrWord {
  std::string text;
  Box box;
  int line = 0;  // the engine's text line: rows start from these
};

struct OcrPage {
  std::vector<OcrWord> words;  // reading order
  std::string text;            // lines joined by "\n", no blank lines
};

// Words sharing a horizontal band, left to right.
struct Row {
  std::vector<const OcrWord*> words;
  Box box;
};

// Groups a page's words into rows, top to bottom: the engine's text lines
// (which follow skewed text), with lines side by side on one band joined, so
// a receipt line or table row the engine split into blocks is one row again.
// The rows point into `page`, which must outlive them.
std::vector<Row> BuildRows(const OcrPage& page);

// Lowercase letters and digits only: "Total:" and "TOTAL" compare equal.
std::string Normalize(std::string_view text);

int EditDistance(std::string_view a, std::string_view b);

// A run of words in one row that reads like a phrase.
struct PhraseMatch {
  size_t row = 0;
  size_t begin = 0;  // word indices in the row, [begin, end)
  size_t end = 0;
  int distance = 0;  // edit distance of the normalized texts
  Box box;
};

// Every run of words in `rows` matching `phrase` within an edit distance
// that tolerates OCR noise (a quarter of the phrase length); for each row,
// only its closest run.
std::vector<PhraseMatch> FindPhrase(const std::vector<Row>& rows,
                                    std::string_view phrase);

// Parses "1,234.5", "$12.50", "41%", "-3"; nullopt for anything else.
std::optional<double> ParseNumber(std::string_view text);

// Reads the top edge of the bar standing above y_bottom around column
// x_center from the image's pixels; nullopt when there is no bar.
using BarTopFinder = std::function<std::optional<int>(
    int x_center, int half_width, int y_bottom)>;

// Answers the prompt templates of the gold sets (key-value, table cell,
// whole table, bar value) from the OCR result; nullopt when no rule applies
// or the rule finds nothing, so the caller can fall back to the text.
std::optional<std::string> AnswerByRules(std::string_view prompt,
                                         std::string_view modality,
                                         const OcrPage& page,
                                         const BarTopFinder& bar_top);

// True for "Read all the text in the image." and other prompts asking for
// the text itself, and for an empty prompt.
bool AsksForText(std::string_view prompt);

// The line of a multi-line prompt that holds the question ("What is the
// ..."), so context lines around it (a caption, pasted logs) do not become
// part of the field name; the whole prompt when no line starts that way.
std::string QuestionLine(std::string_view prompt);

// True when the prompt asks the answer to quote its evidence ("quote the
// line"); the answer is then {"answer": ..., "evidence": [the OCR line]}.
bool AsksForEvidence(std::string_view prompt);

// That JSON answer: the first recognised line holding the answer is cited.
std::string WithEvidence(const std::string& answer, const OcrPage& page);

// The rules, exposed for tests.
std::optional<std::string> AnswerKeyValue(const std::vector<Row>& rows,
                                          std::string_view key);
std::vector<std::vector<std::string>> ExtractTable(
    const std::vector<Row>& rows);
std::optional<std::string> AnswerTableCell(const std::vector<Row>& rows,
                                           std::string_view column,
                                           std::string_view row);
std::optional<std::string> AnswerBarValue(const std::vector<Row>& rows,
                                          std::string_view label,
                                          const BarTopFinder& bar_top);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_OCR_PAGE_H_
