// "What is the value for <bar label>?" on a vertical bar chart: the value
// printed above the bar if there is one, else an estimate from the y-axis
// tick labels and the bar's top edge read from the pixels.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "adapter/ocr_page.h"

namespace mmgate::adapter {
namespace {

struct Number {
  const OcrWord* word;
  double value;
};

// Rows holding only numbers: value labels and tick labels, not a title that
// happens to contain a year.
std::vector<Number> StandaloneNumbers(const std::vector<Row>& rows) {
  std::vector<Number> out;
  for (const Row& row : rows) {
    std::vector<Number> found;
    bool only_numbers = true;
    for (const OcrWord* w : row.words) {
      std::optional<double> v = ParseNumber(w->text);
      if (v) {
        found.push_back({w, *v});
      } else if (!Normalize(w->text).empty()) {
        only_numbers = false;
      }
    }
    if (only_numbers) out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// The y-axis tick labels: the largest set of numbers sharing a right edge
// (they are right-aligned against the axis), stacked at different heights,
// whose values fall as they go down. Needs two or more.
std::vector<Number> AxisTicks(const std::vector<Number>& numbers) {
  std::vector<Number> best;
  for (const Number& anchor : numbers) {
    int tolerance = std::max(4, anchor.word->box.Height() / 2);
    std::vector<Number> column;
    for (const Number& n : numbers) {
      if (std::abs(n.word->box.x1 - anchor.word->box.x1) <= tolerance) {
        column.push_back(n);
      }
    }
    std::sort(column.begin(), column.end(),
              [](const Number& a, const Number& b) {
                return a.word->box.Yc() < b.word->box.Yc();
              });
    // Longest run of strictly falling values (an OCR slip drops one tick
    // instead of bending the scale).
    size_t n = column.size();
    std::vector<size_t> len(n, 1), prev(n, n);
    size_t end = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) {
        bool below = column[i].word->box.y0 >= column[j].word->box.y1;
        if (below && column[i].value < column[j].value && len[j] + 1 > len[i]) {
          len[i] = len[j] + 1;
          prev[i] = j;
        }
      }
      if (len[i] > len[end]) end = i;
    }
    std::vector<Number> run;
    for (size_t i = end; n > 0 && i != n; i = prev[i]) run.push_back(column[i]);
    if (run.size() > best.size()) best = std::move(run);
  }
  if (best.size() < 2) best.clear();
  return best;
}

bool Contains(const std::vector<Number>& set, const OcrWord* w) {
  return std::any_of(set.begin(), set.end(),
                     [w](const Number& n) { return n.word == w; });
}

// Half the distance to the nearest other label on the label's row: a value
// further away than that belongs to another bar.
double NeighborTolerance(const Row& row, const Box& label) {
  double nearest = 1e18;
  for (const OcrWord* w : row.words) {
    if (XOverlap(w->box, label) > 0) continue;
    nearest = std::min(nearest, std::abs(w->box.Xc() - label.Xc()));
  }
  if (nearest < 1e18) return nearest / 2;
  return std::max(label.Width(), 3 * label.Height());
}

std::string CleanNumberText(std::string text) {
  while (!text.empty() &&
         std::string_view(".,;:").find(text.back()) != std::string_view::npos) {
    text.pop_back();
  }
  return text;
}

// Least-squares line value = a + b * y through the tick centres, evaluated at
// the bar's top; printed to the precision the tick step supports.
std::optional<std::string> EstimateFromAxis(const std::vector<Number>& ticks,
                                            double top_y) {
  double sy = 0, sv = 0, syy = 0, syv = 0;
  const double n = static_cast<double>(ticks.size());
  for (const Number& t : ticks) {
    double y = t.word->box.Yc();
    sy += y;
    sv += t.value;
    syy += y * y;
    syv += y * t.value;
  }
  double denom = n * syy - sy * sy;
  if (std::abs(denom) < 1e-9) return std::nullopt;
  double b = (n * syv - sy * sv) / denom;
  double a = (sv - b * sy) / n;
  double value = a + b * top_y;
  std::vector<double> steps;
  for (size_t i = 1; i < ticks.size(); ++i) {
    steps.push_back(std::abs(ticks[i].value - ticks[i - 1].value));
  }
  std::nth_element(steps.begin(), steps.begin() + steps.size() / 2,
                   steps.end());
  double step = steps[steps.size() / 2];
  // One digit finer than the tick step: a pixel is worth about that much.
  int decimals =
      std::clamp(2 - static_cast<int>(std::floor(std::log10(step))), 0, 6);
  // A bar at the axis must not print as "-0".
  if (std::abs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0;
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

}  // namespace

std::optional<std::string> AnswerBarValue(const std::vector<Row>& rows,
                                          std::string_view label,
                                          const BarTopFinder& bar_top) {
  std::vector<PhraseMatch> matches = FindPhrase(rows, label);
  if (matches.empty()) return std::nullopt;
  // Bar labels sit under the bars: of the closest matches, the lowest.
  const PhraseMatch& m = *std::min_element(
      matches.begin(), matches.end(),
      [](const PhraseMatch& a, const PhraseMatch& b) {
        return std::make_pair(a.distance, -static_cast<long>(a.row)) <
               std::make_pair(b.distance, -static_cast<long>(b.row));
      });
  const Box& lab = m.box;
  std::vector<Number> numbers = StandaloneNumbers(rows);
  std::vector<Number> ticks = AxisTicks(numbers);

  const double tolerance = NeighborTolerance(rows[m.row], lab);
  const Number* best = nullptr;
  for (const Number& n : numbers) {
    const Box& b = n.word->box;
    if (Contains(ticks, n.word) || b.y1 > lab.y0 + 2) continue;
    double dx = std::abs(b.Xc() - lab.Xc());
    if (dx > tolerance) continue;
    if (best == nullptr || dx < std::abs(best->word->box.Xc() - lab.Xc())) {
      best = &n;
    }
  }
  if (best != nullptr) return CleanNumberText(best->word->text);

  if (ticks.empty() || !bar_top) return std::nullopt;
  std::optional<int> top = bar_top(static_cast<int>(lab.Xc()),
                                   std::max(1, lab.Width() / 4), lab.y0 - 1);
  if (!top) return std::nullopt;
  return EstimateFromAxis(ticks, *top);
}

}  // namespace mmgate::adapter
