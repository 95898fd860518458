#include "score/table_cells.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <tuple>

#include "score/unicode.h"

namespace mmgate::score {
namespace {

enum class Delimiter { kPipe, kTab, kComma };

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!TrimWhitespace(line).empty()) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> SplitOn(std::string_view line, char sep) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t end = line.find(sep, start);
    cells.emplace_back(TrimWhitespace(line.substr(start, end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return cells;
}

std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"' && TrimWhitespace(cell).empty()) {
      quoted = true;
      cell.clear();
    } else if (c == ',') {
      cells.emplace_back(TrimWhitespace(cell));
      cell.clear();
    } else {
      cell.push_back(c);
    }
  }
  cells.emplace_back(TrimWhitespace(cell));
  return cells;
}

// A markdown separator row: every cell is dashes with optional alignment
// colons ("---", ":--:").
bool IsSeparatorRow(const std::vector<std::string>& cells) {
  bool any_dash = false;
  for (const std::string& c : cells) {
    for (char ch : c) {
      if (ch == '-') {
        any_dash = true;
      } else if (ch != ':' && ch != ' ') {
        return false;
      }
    }
  }
  return any_dash;
}

std::string Key(std::string_view s) {
  std::string out;
  for (const std::string& w : SplitWhitespace(ToLowerUtf8(s))) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

std::string Describe(
    const std::tuple<std::string, std::string, std::string>& t) {
  return fmt::format("({}, {})={}", std::get<0>(t), std::get<1>(t),
                     std::get<2>(t));
}

}  // namespace

std::vector<std::vector<std::string>> ParseTextTable(std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  Delimiter delimiter = Delimiter::kComma;
  for (std::string_view line : lines) {
    if (line.find('|') != std::string_view::npos) {
      delimiter = Delimiter::kPipe;
      break;
    }
    if (line.find('\t') != std::string_view::npos) delimiter = Delimiter::kTab;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::string_view line : lines) {
    std::vector<std::string> cells;
    if (delimiter == Delimiter::kPipe) {
      if (line.find('|') == std::string_view::npos) continue;
      std::string_view body = TrimWhitespace(line);
      if (!body.empty() && body.front() == '|') body.remove_prefix(1);
      if (!body.empty() && body.back() == '|') body.remove_suffix(1);
      cells = SplitOn(body, '|');
      if (IsSeparatorRow(cells)) continue;
    } else if (delimiter == Delimiter::kTab) {
      if (line.find('\t') == std::string_view::npos) continue;
      cells = SplitOn(line, '\t');
    } else {
      cells = SplitCsv(line);
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::vector<CellTriple> TableTriples(
    const std::vector<std::vector<std::string>>& rows) {
  std::vector<CellTriple> triples;
  if (rows.empty()) return triples;
  const std::vector<std::string>& header = rows[0];
  for (size_t r = 1; r < rows.size(); ++r) {
    for (size_t c = 1; c < rows[r].size(); ++c) {
      triples.push_back(
          {rows[r][0], c < header.size() ? header[c] : "", rows[r][c]});
    }
  }
  return triples;
}

TableScore CompareTables(std::string_view reference, std::string_view answer) {
  using Triple = std::tuple<std::string, std::string, std::string>;
  std::map<Triple, size_t> wanted;
  const std::vector<CellTriple> ref = TableTriples(ParseTextTable(reference));
  const std::vector<CellTriple> got = TableTriples(ParseTextTable(answer));
  for (const CellTriple& t : ref)
    ++wanted[{Key(t.row), Key(t.column), Key(t.value)}];
  TableScore s;
  s.reference = ref.size();
  s.predicted = got.size();
  std::vector<std::string> extra;
  for (const CellTriple& t : got) {
    const Triple key{Key(t.row), Key(t.column), Key(t.value)};
    auto it = wanted.find(key);
    if (it != wanted.end() && it->second > 0) {
      --it->second;
      ++s.matched;
    } else if (extra.size() < 3) {
      extra.push_back(Describe(key));
    }
  }
  std::vector<std::string> missing;
  for (const auto& [key, left] : wanted) {
    if (left > 0 && missing.size() < 3) missing.push_back(Describe(key));
  }
  if (s.reference == 0 && s.predicted == 0) {
    s.precision = s.recall = s.f1 = 1.0;
  } else {
    s.precision =
        s.predicted ? static_cast<double>(s.matched) / s.predicted : 0.0;
    s.recall = s.reference ? static_cast<double>(s.matched) / s.reference : 0.0;
    const double sum = s.precision + s.recall;
    s.f1 = sum > 0 ? 2 * s.precision * s.recall / sum : 0.0;
  }
  s.detail = fmt::format(
      "P={:.3f} R={:.3f} F1={:.3f} matched={} predicted={} reference={}",
      s.precision, s.recall, s.f1, s.matched, s.predicted, s.reference);
  if (!missing.empty())
    s.detail += "; missing: " + fmt::format("{}", fmt::join(missing, "; "));
  if (!extra.empty())
    s.detail += "; extra: " + fmt::format("{}", fmt::join(extra, "; "));
  return s;
}

}  // namespace mmgate::score
