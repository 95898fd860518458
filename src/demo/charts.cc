// Bar charts with axes, gridlines and category labels; most print each
// bar's value above it, some leave the reader to the y axis (harder).
#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include "demo/render.h"
#include "demo/sources.h"
#include "demo/vocab.h"

namespace mmgate::demo {
namespace {

using perturb::Rng;

struct Theme {
  const char* title;
  int scale;      // values fall in about [scale/6, scale]
  bool fraction;  // may carry one decimal (counts never do)
};

constexpr Theme kThemes[] = {
    {"Monthly Revenue (thousand $)", 120, true},
    {"Website Visitors by Year (thousands)", 900, true},
    {"Units Sold by Product", 500, false},
    {"Average Rainfall (mm)", 160, true},
    {"Support Tickets per Weekday", 80, false},
    {"Customer Satisfaction by Region (%)", 100, true},
};

constexpr unsigned kPalette[] = {0x4c72b0, 0xdd8452, 0x55a868,
                                 0xc44e52, 0x8172b3, 0x937860};

std::vector<std::string> Categories(Rng& rng, int theme, int n) {
  std::vector<std::string> out;
  auto run = [&](const auto& list) {
    const int start = rng.Uniform(0, static_cast<int>(std::size(list)) - n);
    for (int i = 0; i < n; ++i)
      out.emplace_back(list[static_cast<size_t>(start + i)]);
  };
  auto distinct = [&](const auto& list) {
    for (int i : rng.Distinct(static_cast<int>(std::size(list)), n)) {
      out.emplace_back(list[static_cast<size_t>(i)]);
    }
  };
  switch (theme) {
    case 0:
      run(vocab::kMonths);
      break;
    case 1: {
      const int first = rng.Uniform(2016, 2026 - n);
      for (int i = 0; i < n; ++i) out.push_back(std::to_string(first + i));
      break;
    }
    case 2:
      distinct(vocab::kProducts);
      break;
    case 3:
      distinct(vocab::kCities);
      break;
    case 4:
      run(vocab::kWeekdays);
      break;
    default:
      distinct(vocab::kRegions);
      break;
  }
  return out;
}

// A "nice" gridline step (1, 2 or 5 x 10^k) giving 4-8 intervals up to max.
double NiceStep(double max) {
  const double raw = max / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double f : {1.0, 2.0, 5.0, 10.0}) {
    if (f * mag >= raw) return f * mag;
  }
  return 10 * mag;
}

std::string FormatTick(double v) {
  return std::abs(v - std::round(v)) < 1e-9 ? fmt::format("{:.0f}", v)
                                            : fmt::format("{:g}", v);
}

}  // namespace

Result<ImageSource> MakeChart(Rng& rng, int index) {
  // The label style follows the index (so a small build has both); the
  // theme is drawn, so it does not move in step with the label style.
  const bool shown = index % 3 != 1;
  const int theme = rng.Uniform(0, static_cast<int>(std::size(kThemes)) - 1);
  // Word labels (products, cities, regions) need wider slots than months.
  const int max_bars =
      (theme == 2 || theme == 3 || theme == 5) ? 6 : (theme == 4 ? 7 : 8);
  const int n = rng.Uniform(4, max_bars);
  const bool decimals = rng.Chance(0.4) && kThemes[theme].fraction;
  const bool multicolor = rng.Chance(0.3);
  const unsigned base_color = rng.Pick(kPalette);
  const Font font = rng.Chance(0.5) ? Font::kSans : Font::kLiberationSans;
  const Font bold =
      font == Font::kSans ? Font::kSansBold : Font::kLiberationSansBold;
  const std::vector<std::string> labels = Categories(rng, theme, n);
  const int scale = kThemes[theme].scale;
  std::vector<double> values;
  std::vector<std::string> texts;
  for (int i = 0; i < n; ++i) {
    const int lo = scale / 6, hi = scale;
    double v =
        decimals ? rng.Uniform(lo * 10, hi * 10) / 10.0 : rng.Uniform(lo, hi);
    if (theme == 5) v = std::min(v, 99.0);
    values.push_back(v);
    texts.push_back(decimals ? fmt::format("{:.1f}", v)
                             : fmt::format("{:.0f}", v));
  }

  const double width = 1000, height = 700;
  const double left = 130, right = 960, top = 120, bottom = 580;
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0xffffff));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;
  const Rgb ink = Hex(0x222222);

  c.SetFont(bold, 32);
  c.TextCenter(width / 2, 70, kThemes[theme].title, ink);

  double vmax = 0;
  for (double v : values) vmax = std::max(vmax, v);
  const double step = NiceStep(vmax);
  const double ymax = std::ceil(vmax / step) * step;
  auto ypos = [&](double v) { return bottom - (bottom - top) * v / ymax; };
  c.SetFont(font, 24);
  for (double t = 0; t <= ymax + 1e-9; t += step) {
    const double y = ypos(t);
    if (t > 0) c.Line(left, y, right, y, 1, Hex(0xd8d8d8));
    c.Line(left - 8, y, left, y, 2, ink);
    c.TextRight(left - 14, y + c.CapHeight() / 2, FormatTick(t), ink);
  }
  const double slot = (right - left) / n;
  const double bar_w = slot * 0.62;
  for (int i = 0; i < n; ++i) {
    const double cx = left + slot * (i + 0.5);
    const double y = ypos(values[static_cast<size_t>(i)]);
    const unsigned color =
        multicolor ? kPalette[static_cast<size_t>(i) % std::size(kPalette)]
                   : base_color;
    c.FillRect(cx - bar_w / 2, y, bar_w, bottom - y, Hex(color));
    // Category labels shrink to their slot rather than run into each other.
    double size = 24;
    c.SetFont(font, size);
    while (size > 16 &&
           c.TextWidth(labels[static_cast<size_t>(i)]) > slot - 10) {
      c.SetFont(font, --size);
    }
    c.TextCenter(cx, bottom + 38, labels[static_cast<size_t>(i)], ink);
    if (shown) {
      c.SetFont(bold, 24);
      c.TextCenter(cx, y - 12, texts[static_cast<size_t>(i)], ink);
    }
  }
  c.Line(left, top - 10, left, bottom, 2, ink);
  c.Line(left, bottom, right, bottom, 2, ink);

  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  const size_t pick = static_cast<size_t>(rng.Uniform(0, n - 1));
  ImageSource s;
  s.image = std::move(*pix);
  s.prompt = fmt::format("What is the value for {}?", labels[pick]);
  s.reference = texts[pick];
  if (shown) s.evidence = {labels[pick], texts[pick]};
  s.slices = {{"chart_type", "bar"}, {"labels", shown ? "shown" : "axis"}};
  s.difficulty = shown ? Difficulty::kEasy : Difficulty::kHard;
  return s;
}

}  // namespace mmgate::demo
