// Tables: first row = column headers, first column = row headers; asked
// about one cell, or (every fourth source) to extract the whole table.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "demo/render.h"
#include "demo/sources.h"
#include "demo/vocab.h"

namespace mmgate::demo {
namespace {

using perturb::Rng;

struct TableData {
  std::string title;
  std::vector<std::string> header;  // header[0] names the row-header column
  std::vector<std::vector<std::string>> rows;  // rows[r][0] is the row header
};

// `n` distinct entries of `list`, in list order when `keep_order`.
template <typename C>
std::vector<std::string> Choose(Rng& rng, const C& list, int n,
                                bool keep_order) {
  std::vector<int> idx = rng.Distinct(static_cast<int>(std::size(list)), n);
  if (keep_order) std::sort(idx.begin(), idx.end());
  std::vector<std::string> out;
  for (int i : idx) out.emplace_back(list[static_cast<size_t>(i)]);
  return out;
}

// A run of `n` consecutive entries starting at a random place.
template <typename C>
std::vector<std::string> Run(Rng& rng, const C& list, int n) {
  const int start = rng.Uniform(0, static_cast<int>(std::size(list)) - n);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.emplace_back(list[static_cast<size_t>(start + i)]);
  return out;
}

TableData MakeData(Rng& rng, int theme, int n_rows, int n_cols) {
  static constexpr std::string_view kQuarters[] = {"Q1", "Q2", "Q3", "Q4"};
  static constexpr std::string_view kStock[] = {"Stock", "Price", "Supplier",
                                                "Reorder"};
  static constexpr std::string_view kSuppliers[] = {
      "Apex", "Nordic", "Vertex", "Orion", "Delta", "Harbor"};
  static constexpr std::string_view kWeather[] = {"High", "Low", "Rain",
                                                  "Wind"};
  static constexpr std::string_view kShifts[] = {"9-5", "Off", "12-8", "7-3",
                                                 "10-6"};
  static constexpr std::string_view kSubjects[] = {"Math", "Physics", "History",
                                                   "English", "Biology"};
  static constexpr std::string_view kFlights[] = {"Destination", "Gate",
                                                  "Departs", "Status"};
  static constexpr std::string_view kStatus[] = {"On Time", "Delayed",
                                                 "Boarding", "Cancelled"};
  static constexpr std::string_view kAirlines[] = {"BA", "LH", "AF",
                                                   "UA", "KL", "EI"};
  TableData t;
  const int k = n_cols - 1;  // data columns
  std::vector<std::string> rows_h;
  switch (theme) {
    case 0:
      t.title = "Quarterly Sales by Region (units)";
      t.header = {"Region"};
      for (auto& s : Run(rng, kQuarters, std::min(k, 4))) t.header.push_back(s);
      rows_h = Choose(rng, vocab::kRegions, n_rows, true);
      break;
    case 1:
      t.title = "Warehouse Inventory";
      t.header = {"Product"};
      for (auto& s : Choose(rng, kStock, k, true)) t.header.push_back(s);
      rows_h = Choose(rng, vocab::kProducts, n_rows, false);
      break;
    case 2:
      t.title = "Weather Today";
      t.header = {"City"};
      for (auto& s : Choose(rng, kWeather, k, true)) t.header.push_back(s);
      rows_h = Choose(rng, vocab::kCities, n_rows, false);
      break;
    case 3:
      t.title = "Staff Rota (shift hours)";
      t.header = {"Employee"};
      for (auto& s : Run(rng, vocab::kWeekdays, k)) t.header.push_back(s);
      rows_h = Choose(rng, vocab::kFirstNames, n_rows, false);
      break;
    case 4:
      t.title = "End of Term Results (%)";
      t.header = {"Student"};
      for (auto& s : Choose(rng, kSubjects, k, true)) t.header.push_back(s);
      rows_h = Choose(rng, vocab::kFirstNames, n_rows, false);
      break;
    default: {
      t.title = "Departures";
      t.header = {"Flight"};
      for (auto& s : Choose(rng, kFlights, k, true)) t.header.push_back(s);
      for (int r = 0; r < n_rows; ++r) {
        const std::string airline(rng.Pick(kAirlines));
        rows_h.push_back(
            fmt::format("{} {}", airline, 100 + 37 * r + rng.Uniform(0, 30)));
      }
      break;
    }
  }
  for (const std::string& rh : rows_h) {
    std::vector<std::string> row = {rh};
    for (size_t c = 1; c < t.header.size(); ++c) {
      const std::string& col = t.header[c];
      std::string v;
      switch (theme) {
        case 0:
          v = vocab::Grouped(rng.Uniform(120, 9800));
          break;
        case 1:
          if (col == "Stock") v = std::to_string(rng.Uniform(0, 480));
          if (col == "Price") v = vocab::Money(rng.Uniform(199, 14999) / 100.0);
          if (col == "Supplier") v = std::string(rng.Pick(kSuppliers));
          if (col == "Reorder") v = rng.Chance(0.4) ? "Yes" : "No";
          break;
        case 2:
          if (col == "High") v = fmt::format("{} C", rng.Uniform(14, 34));
          if (col == "Low") v = fmt::format("{} C", rng.Uniform(-2, 13));
          if (col == "Rain") v = fmt::format("{} mm", rng.Uniform(0, 40));
          if (col == "Wind") v = fmt::format("{} km/h", rng.Uniform(3, 60));
          break;
        case 3:
          v = std::string(rng.Pick(kShifts));
          break;
        case 4:
          v = std::to_string(rng.Uniform(38, 99));
          break;
        default:
          if (col == "Destination") v = std::string(rng.Pick(vocab::kCities));
          if (col == "Gate") {
            const char letter = static_cast<char>('A' + rng.Uniform(0, 5));
            v = fmt::format("{}{}", letter, rng.Uniform(1, 40));
          }
          if (col == "Departs") {
            const int h = rng.Uniform(6, 22);
            v = fmt::format("{:02}:{:02}", h, 5 * rng.Uniform(0, 11));
          }
          if (col == "Status") v = std::string(rng.Pick(kStatus));
          break;
      }
      row.push_back(v);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

bool Numeric(const std::string& s) {
  return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) ||
                        s[0] == '$' || s[0] == '-');
}

}  // namespace

Result<ImageSource> MakeTable(Rng& rng, int index) {
  const int theme = index % 6;
  const int n_rows = rng.Uniform(3, 6);
  const int n_cols = rng.Uniform(3, 5);
  const bool grid = rng.Chance(0.6);
  const bool serif = rng.Chance(0.3);
  TableData t = MakeData(rng, theme, n_rows, n_cols);

  const Font body = serif ? Font::kLiberationSerif : Font::kSans;
  const Font bold = serif ? Font::kLiberationSerifBold : Font::kSansBold;
  const double pad = 20, row_h = 58, m = 60, title_h = 90;
  // Column widths from a scratch canvas's text metrics.
  auto probe = Canvas::Create(16, 16, Hex(0xffffff));
  if (!probe.ok()) return probe.status();
  std::vector<double> col_w(t.header.size(), 0);
  for (size_t c = 0; c < t.header.size(); ++c) {
    probe->SetFont(bold, 28);
    col_w[c] = probe->TextWidth(t.header[c]);
    probe->SetFont(c == 0 ? bold : body, 28);
    for (const auto& row : t.rows)
      col_w[c] = std::max(col_w[c], probe->TextWidth(row[c]));
    col_w[c] += 2 * pad;
  }
  double table_w = 0;
  for (double w : col_w) table_w += w;
  const double min_w = 760;
  if (table_w < min_w) {
    for (double& w : col_w)
      w += (min_w - table_w) / static_cast<double>(col_w.size());
    table_w = min_w;
  }
  const double width = std::ceil(table_w + 2 * m);
  const double height =
      std::ceil(title_h + row_h * (t.rows.size() + 1) + 2 * m);
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0xffffff));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;
  const Rgb ink = Hex(0x111111), line = Hex(0x444444);

  c.SetFont(bold, 34);
  c.Text(m, m + 40, t.title, ink);
  const double top = m + title_h;
  c.FillRect(m, top, table_w, row_h, Hex(grid ? 0xdde3ea : 0xeeeeee));
  auto draw_row = [&](const std::vector<std::string>& cells, double y,
                      bool header) {
    double x = m;
    for (size_t i = 0; i < cells.size(); ++i) {
      c.SetFont(header || i == 0 ? bold : body, 28);
      const double base = y + row_h / 2 + c.CapHeight() / 2;
      if (!header && i > 0 && Numeric(cells[i])) {
        c.TextRight(x + col_w[i] - pad, base, cells[i], ink);
      } else {
        c.Text(x + pad, base, cells[i], ink);
      }
      x += col_w[i];
    }
  };
  draw_row(t.header, top, true);
  for (size_t r = 0; r < t.rows.size(); ++r)
    draw_row(t.rows[r], top + row_h * (r + 1), false);

  const double bottom = top + row_h * (t.rows.size() + 1);
  if (grid) {
    for (size_t r = 0; r <= t.rows.size() + 1; ++r) {
      c.Line(m, top + row_h * r, m + table_w, top + row_h * r, 2, line);
    }
    double x = m;
    for (size_t i = 0; i <= col_w.size(); ++i) {
      c.Line(x, top, x, bottom, 2, line);
      if (i < col_w.size()) x += col_w[i];
    }
  } else {
    c.Line(m, top, m + table_w, top, 3, line);
    c.Line(m, top + row_h, m + table_w, top + row_h, 2, line);
    c.Line(m, bottom, m + table_w, bottom, 3, line);
  }

  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  ImageSource s;
  s.image = std::move(*pix);
  const bool extract = index % 4 == 1;
  if (extract) {
    s.prompt = "Extract the table.";
    std::string text = fmt::format("{}", fmt::join(t.header, " | "));
    for (const auto& row : t.rows)
      text += "\n" + fmt::format("{}", fmt::join(row, " | "));
    s.reference = text;
    s.metric = "table_cells";
    s.difficulty = Difficulty::kHard;
  } else {
    const int r = rng.Uniform(0, static_cast<int>(t.rows.size()) - 1);
    const int col = rng.Uniform(1, static_cast<int>(t.header.size()) - 1);
    s.prompt = fmt::format("What is the {} for {}?",
                           t.header[static_cast<size_t>(col)],
                           t.rows[static_cast<size_t>(r)][0]);
    s.reference = t.rows[static_cast<size_t>(r)][static_cast<size_t>(col)];
    s.evidence = {s.reference};
    s.difficulty =
        (grid && n_rows <= 4) ? Difficulty::kEasy : Difficulty::kMedium;
  }
  s.slices = {{"task", extract ? "extract" : "cell"},
              {"table_style", grid ? "grid" : "rules"}};
  return s;
}

}  // namespace mmgate::demo
