#include "render.h"

#include <cairo.h>
#include <fmt/format.h>

#include <cmath>
#include <memory>

namespace mmgate::testing {
namespace {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

class Canvas {
 public:
  Canvas(int w, int h)
      : surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h)),
        cr_(cairo_create(surface_.get())) {
    cairo_set_source_rgb(cr_.get(), 1, 1, 1);
    cairo_paint(cr_.get());
    Font(false, 22);
  }
  cairo_t* cr() { return cr_.get(); }
  void Font(bool mono, double size) {
    cairo_select_font_face(cr(), mono ? "DejaVu Sans Mono" : "DejaVu Sans",
                           CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr(), size);
  }
  double Width(const std::string& text) {
    cairo_text_extents_t e;
    cairo_text_extents(cr(), text.c_str(), &e);
    return e.x_advance;
  }
  // x is the left edge, or the right edge when `right`, or the centre when
  // `centre`; y is the baseline.
  void Text(const std::string& text, double x, double y, bool right = false,
            bool centre = false) {
    double w = Width(text);
    double left = right ? x - w : centre ? x - w / 2 : x;
    cairo_set_source_rgb(cr(), 0, 0, 0);
    cairo_move_to(cr(), left, y);
    cairo_show_text(cr(), text.c_str());
  }
  void Line(double x0, double y0, double x1, double y1, double gray,
            double width = 1) {
    cairo_set_source_rgb(cr(), gray, gray, gray);
    cairo_set_line_width(cr(), width);
    cairo_move_to(cr(), x0, y0);
    cairo_line_to(cr(), x1, y1);
    cairo_stroke(cr());
  }
  bool Save(const std::string& png) {
    cairo_surface_flush(surface_.get());
    return cairo_surface_write_to_png(surface_.get(), png.c_str()) ==
           CAIRO_STATUS_SUCCESS;
  }

 private:
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface_;
  std::unique_ptr<cairo_t, ContextDeleter> cr_;
};

}  // namespace

bool RenderLines(const std::string& png, const std::vector<std::string>& lines,
                 double font_size, bool mono, double degrees) {
  const double step = font_size * 1.6;
  Canvas probe(10, 10);
  probe.Font(mono, font_size);
  double width = 0;
  for (const std::string& l : lines) width = std::max(width, probe.Width(l));
  const double w = width + 2 * font_size;
  const double h = step * lines.size() + font_size * 1.5;
  // Room for the corners when rotated.
  const double margin = degrees == 0 ? 0 : 0.1 * w;
  Canvas c(static_cast<int>(w + 2 * margin), static_cast<int>(h + 2 * margin));
  cairo_translate(c.cr(), margin + w / 2, margin + h / 2);
  cairo_rotate(c.cr(), degrees * M_PI / 180);
  cairo_translate(c.cr(), -w / 2, -h / 2);
  c.Font(mono, font_size);
  for (size_t i = 0; i < lines.size(); ++i) {
    c.Text(lines[i], font_size, font_size * 1.3 + step * i);
  }
  return c.Save(png);
}

bool RenderReceipt(
    const std::string& png,
    const std::vector<std::pair<std::string, std::string>>& dots,
    const std::vector<std::pair<std::string, std::string>>& colon) {
  const double size = 22, step = 38, left = 30, right = 520;
  Canvas c(static_cast<int>(right + left),
           static_cast<int>(step * (dots.size() + colon.size()) + 40));
  c.Font(false, size);
  double y = 40;
  for (const auto& [key, value] : colon) {
    c.Text(key + ": " + value, left, y);
    y += step;
  }
  for (const auto& [key, value] : dots) {
    c.Text(key, left, y);
    c.Text(value, right, y, /*right=*/true);
    // Dot leaders between the key and the value, as on a till receipt.
    double from = left + c.Width(key) + 12, to = right - c.Width(value) - 12;
    std::string leader;
    while (c.Width(leader + ". ") < to - from) leader += ". ";
    c.Text(leader, from, y);
    y += step;
  }
  return c.Save(png);
}

bool RenderTable(const std::string& png,
                 const std::vector<std::vector<std::string>>& rows) {
  const double size = 20, pad = 14, row_h = 40;
  Canvas probe(10, 10);
  probe.Font(false, size);
  std::vector<double> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], probe.Width(row[i]) + 2 * pad);
    }
  }
  double total = 0;
  for (double w : widths) total += w;
  const double x0 = 20, y0 = 20;
  Canvas c(static_cast<int>(total + 2 * x0),
           static_cast<int>(row_h * rows.size() + 2 * y0));
  c.Font(false, size);
  for (size_t r = 0; r <= rows.size(); ++r) {
    c.Line(x0, y0 + r * row_h, x0 + total, y0 + r * row_h, 0.3);
  }
  double x = x0;
  for (size_t i = 0; i <= widths.size(); ++i) {
    c.Line(x, y0, x, y0 + row_h * rows.size(), 0.3);
    if (i < widths.size()) x += widths[i];
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    x = x0;
    for (size_t i = 0; i < rows[r].size(); ++i) {
      c.Text(rows[r][i], x + pad, y0 + r * row_h + row_h / 2 + size * 0.35);
      x += widths[i];
    }
  }
  return c.Save(png);
}

bool RenderBarChart(const std::string& png, const std::vector<Bar>& bars,
                    double top, double tick, bool value_labels) {
  const double size = 18, left = 90, base = 380, plot_h = 300, bar_w = 50,
               gap = 40;
  const double width = left + bars.size() * (bar_w + gap) + gap;
  Canvas c(static_cast<int>(width + 20), static_cast<int>(base + 60));
  c.Font(false, size);
  auto y_of = [&](double v) { return base - v / top * plot_h; };
  for (double v = 0; v <= top + 1e-9; v += tick) {
    c.Line(left, y_of(v), width, y_of(v), 0.85);
    c.Line(left - 6, y_of(v), left, y_of(v), 0.2);
    // Tick labels right-aligned against the axis, centred on their line.
    c.Text(fmt::format("{:g}", v), left - 10, y_of(v) + size * 0.35,
           /*right=*/true);
  }
  c.Line(left, base, left, base - plot_h - 10, 0.2, 2);
  c.Line(left, base, width, base, 0.2, 2);
  for (size_t i = 0; i < bars.size(); ++i) {
    double x = left + gap + i * (bar_w + gap);
    cairo_set_source_rgb(c.cr(), 0.27, 0.51, 0.71);
    cairo_rectangle(c.cr(), x, y_of(bars[i].value), bar_w,
                    base - y_of(bars[i].value));
    cairo_fill(c.cr());
    c.Text(bars[i].label, x + bar_w / 2, base + size + 8, false, true);
    if (value_labels) {
      c.Text(fmt::format("{:g}", bars[i].value), x + bar_w / 2,
             y_of(bars[i].value) - 8, false, true);
    }
  }
  return c.Save(png);
}

}  // namespace mmgate::testing
