#include "report/flip_view.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <set>

#include "report/verdict.h"

namespace mmgate::report {
namespace {

using nlohmann::json;

std::string E(const std::string& s) { return EscapeXml(s); }

std::string Str(const json& j) {
  return j.is_string() ? j.get<std::string>() : j.is_null() ? "" : j.dump();
}

// Horizontal bars with interval whiskers, one per group of a dimension.
std::string RateChart(const std::vector<const json*>& groups, const char* field,
                      const std::string& title) {
  std::vector<const json*> rows;
  for (const json* g : groups)
    if (!(*g)[field].is_null()) rows.push_back(g);
  if (rows.empty()) return "";
  double top = 0.05;
  for (const json* g : rows)
    top = std::max(top, (*g)[field]["ci"][1].get<double>());
  const int label_w = 180, plot_w = 420, row_h = 26;
  const int h = static_cast<int>(rows.size()) * row_h + 30;
  std::string svg = fmt::format(
      "<figure class=\"chart\"><figcaption>{}</figcaption><svg role=\"img\" "
      "width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">",
      E(title), label_w + plot_w + 120, h, label_w + plot_w + 120, h);
  int y = 10;
  for (const json* g : rows) {
    const json& r = (*g)[field];
    auto x = [&](double v) { return label_w + v / top * plot_w; };
    const double rate = r["rate"], lo = r["ci"][0], hi = r["ci"][1];
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"16\">"
        "<title>{} {:.3f} [{:.3f}, {:.3f}]</title></rect>"
        "<line class=\"ci\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{}\">{:.1f}% [{:.1f}, {:.1f}]</text>",
        label_w - 6, y + 12, E(Str((*g)["value"])), label_w, y,
        std::max(1.0, x(rate) - label_w), E(Str((*g)["value"])), rate, lo, hi,
        x(lo), x(hi), y + 8, y + 8, x(hi) + 6, y + 12, 100 * rate, 100 * lo,
        100 * hi);
    y += row_h;
  }
  return svg + "</svg></figure>";
}

std::string MatrixTable(const json& g) {
  std::set<std::string> olds, news;
  std::map<std::pair<std::string, std::string>, const json*> cell;
  for (const json& c : g["matrix"]) {
    olds.insert(Str(c["old"]));
    news.insert(Str(c["new"]));
    cell[{Str(c["old"]), Str(c["new"])}] = &c;
  }
  std::string t = fmt::format(
      "<table class=\"matrix\"><caption>{}: production (rows) x candidate "
      "(columns), replayed [estimated in the history]</caption><tr><th></th>",
      E(Str(g["value"])));
  for (const std::string& n : news) t += "<th>" + E(n) + "</th>";
  t += "</tr>";
  for (const std::string& o : olds) {
    t += "<tr><th>" + E(o) + "</th>";
    for (const std::string& n : news) {
      auto it = cell.find({o, n});
      if (it == cell.end()) {
        t += "<td></td>";
        continue;
      }
      t += fmt::format("<td class=\"{}\">{} [{:.0f}]</td>",
                       o == n ? "same" : "flip",
                       (*it->second)["n"].get<int64_t>(),
                       (*it->second)["estimated"].get<double>());
    }
    t += "</tr>";
  }
  return t + "</table>";
}

std::string ContestedTable(const json& contested) {
  std::string t =
      "<table class=\"contested\"><caption>Contested decisions, by stakes "
      "then the candidate's confidence</caption><tr><th>#</th><th>trace</th>"
      "<th>category</th><th>stakes</th><th>production</th><th>candidate</th>"
      "<th>confidence</th><th>ground truth</th></tr>";
  for (const json& c : contested)
    t += fmt::format(
        "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        c["negative_flip"].get<bool>() ? " class=\"negative\"" : "",
        c["rank"].get<int>(), E(Str(c["id"])), E(Str(c["category"])),
        Str(c["stakes"]), E(Str(c["old_decision"])), E(Str(c["new_decision"])),
        Str(c["candidate_confidence"]), E(Str(c["ground_truth"])));
  return t + "</table>";
}

constexpr const char* kStyle =
    "body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
    "svg text{font-size:12px}.bar{fill:#4a78c2}.ci{stroke:#222;stroke-width:2}"
    "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;"
    "padding:3px 8px}.flip{background:#fde2d6}.same{background:#e6f2e6}"
    ".negative{background:#f8c9c9}caption{text-align:left;font-weight:600}";

}  // namespace

std::string RenderFlipView(const json& a) {
  std::map<std::string, std::vector<const json*>> by_dim;
  for (const json& g : a["groups"]) by_dim[Str(g["dimension"])].push_back(&g);
  std::string body = fmt::format(
      "<h1>Backfill flips: {}</h1><p class=\"summary\">History of {} traces; "
      "{} replayed, {} answered, {} flips. Rates are extrapolated to the "
      "history (stratified by category and week); bars show 95% "
      "intervals.</p>",
      E(Str(a["run"])), Str(a["population"]), Str(a["drawn"]),
      Str(a["answered"]), Str(a["flips"]));
  for (const auto& [dim, groups] : by_dim) {
    body += "<section><h2>" + E(dim) + "</h2>";
    body += RateChart(groups, "flip_rate", "flip rate by " + dim);
    body += RateChart(groups, "negative_flip_rate",
                      "negative-flip rate by " + dim + " (with ground truth)");
    body += "</section>";
  }
  if (by_dim.count("category")) {
    body += "<section><h2>flip matrices</h2>";
    for (const json* g : by_dim["category"]) body += MatrixTable(*g);
    body += "</section>";
  }
  if (!a["review"].is_null())
    body += fmt::format(
        "<p class=\"review\">Reviewed flips: the candidate is right on "
        "{:.1f}% [{:.1f}, {:.1f}] of {}.</p>",
        100 * a["review"]["rate"].get<double>(),
        100 * a["review"]["ci"][0].get<double>(),
        100 * a["review"]["ci"][1].get<double>(), Str(a["review"]["n"]));
  body += ContestedTable(a["contested"]);
  return std::string(
             "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta http-equiv=\"Content-Security-Policy\" content=\""
             "default-src 'none'; style-src 'unsafe-inline'\">"
             "<title>mmgate backfill flips</title><style>") +
         kStyle + "</style></head><body>" + body + "</body></html>\n";
}

Status WriteFlipView(const std::string& path, const json& analysis) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::IoError(path + ": cannot write");
  out << RenderFlipView(analysis);
  if (!out) return Status::IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace mmgate::report
