// Renders the test images the OCR model reads (text screenshots, documents,
// tables, bar charts) with cairo and the DejaVu fonts, like the gold sets.
#ifndef MMGATE_TESTS_ADAPTER_RENDER_H_
#define MMGATE_TESTS_ADAPTER_RENDER_H_

#include <string>
#include <utility>
#include <vector>

namespace mmgate::testing {

// Black text lines on white, one per line, in DejaVu Sans Mono when `mono`,
// rotated by `degrees` about the image centre (a skewed scan).
bool RenderLines(const std::string& png, const std::vector<std::string>& lines,
                 double font_size = 22, bool mono = false, double degrees = 0);

// A receipt: "<key> ....... <value>" lines, value right-aligned at the
// margin, plus "<key>: <value>" lines for `colon` pairs.
bool RenderReceipt(
    const std::string& png,
    const std::vector<std::pair<std::string, std::string>>& dots,
    const std::vector<std::pair<std::string, std::string>>& colon);

// A table with grid lines; rows[0] holds the column headers.
bool RenderTable(const std::string& png,
                 const std::vector<std::vector<std::string>>& rows);

struct Bar {
  std::string label;
  double value;
};

// A vertical bar chart with a y axis (ticks every `tick` up to `top`), light
// grid lines, labels under the bars and, when `value_labels`, each value
// printed above its bar.
bool RenderBarChart(const std::string& png, const std::vector<Bar>& bars,
                    double top, double tick, bool value_labels);

}  // namespace mmgate::testing

#endif  // MMGATE_TESTS_ADAPTER_RENDER_H_
