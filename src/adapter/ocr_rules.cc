// Answers the gold sets' prompt templates from OCR words (see ocr_page.h and
// the prompt forms in DESIGN.md's formats): key-value lines, table cells,
// whole tables. Bar charts are in chart_rules.cc.
#include <algorithm>
#include <cctype>
#include <string>

#include "adapter/ocr_page.h"

namespace mmgate::adapter {
namespace {

// Dot leaders, rules and table borders carry no text.
bool IsFiller(std::string_view text) {
  return !text.empty() && text.find_first_not_of("._-=|:\u2014\u2013\u00b7 ") ==
                              std::string_view::npos;
}

std::string Join(const std::vector<const OcrWord*>& words) {
  std::string out;
  for (const OcrWord* w : words) {
    if (!out.empty()) out += ' ';
    out += w->text;
  }
  return out;
}

// Splits left-to-right words wherever the gap is wider than `gap`.
std::vector<std::vector<const OcrWord*>> Clusters(
    const std::vector<const OcrWord*>& words, int gap) {
  std::vector<std::vector<const OcrWord*>> out;
  for (const OcrWord* w : words) {
    if (out.empty() || w->box.x0 - out.back().back()->box.x1 > gap) {
      out.emplace_back();
    }
    out.back().push_back(w);
  }
  return out;
}

// Drops a leading colon and dot leaders that OCR glued onto a value.
std::string StripLead(std::string text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ':' || text[i] == '.' ||
                             text[i] == '_' || text[i] == ' ')) {
    ++i;
  }
  // One leading '.' may belong to a number such as ".5".
  if (i == 1 && text[0] == '.' && text.size() > 1 &&
      std::isdigit(static_cast<unsigned char>(text[1]))) {
    i = 0;
  }
  return text.substr(i);
}

// A number written as money or with decimals: "9.80", "$1,469.34".
bool IsAmount(std::string_view text) {
  return ParseNumber(text).has_value() &&
         text.find_first_of(".,$\u20ac\u00a3") != std::string_view::npos;
}

bool StartsCell(const Row& row, const PhraseMatch& m) {
  if (m.begin == 0) return true;
  return m.box.x0 - row.words[m.begin - 1]->box.x1 > row.box.Height();
}

// The words after the key on its row (rows follow skewed lines and join
// blocks the engine split, so this reaches a right-aligned amount).
std::vector<const OcrWord*> WordsRightOf(const Row& row, const Box& key) {
  std::vector<const OcrWord*> out;
  for (const OcrWord* w : row.words) {
    if (w->box.x0 >= key.x1 - 1) out.push_back(w);
  }
  return out;
}

// Form layouts put the value under its label: the first row below, if close,
// and the run of words in it that lies under the label.
std::vector<const OcrWord*> WordsBelow(const std::vector<Row>& rows,
                                       const Box& key) {
  for (const Row& row : rows) {
    if (row.box.y0 < key.y1) continue;
    if (row.box.y0 - key.y1 > 2 * key.Height()) break;
    for (const auto& cluster : Clusters(row.words, row.box.Height())) {
      Box box = cluster.front()->box.Union(cluster.back()->box);
      if (XOverlap(box, key) > 0) return cluster;
    }
  }
  return {};
}

struct Cell {
  std::vector<const OcrWord*> words;
  Box box;
  std::string Text() const { return Join(words); }
};

using Grid = std::vector<std::vector<Cell>>;

// Cells of each row: words separated by more than ~0.8 of the row's height,
// which is several spaces wide.
std::vector<std::vector<Cell>> RowCells(const std::vector<Row>& rows) {
  std::vector<std::vector<Cell>> out;
  for (const Row& row : rows) {
    std::vector<const OcrWord*> words;
    int height = 0;  // of the text alone: a border read as '|' is taller
    for (const OcrWord* w : row.words) {
      if (IsFiller(w->text)) continue;
      words.push_back(w);
      height = std::max(height, w->box.Height());
    }
    std::vector<Cell> cells;
    for (auto& cluster : Clusters(words, height * 4 / 5)) {
      Box box = cluster.front()->box;
      for (const OcrWord* w : cluster) box = box.Union(w->box);
      cells.push_back({std::move(cluster), box});
    }
    if (!cells.empty()) out.push_back(std::move(cells));
  }
  return out;
}

// Column boundaries are gaps: x ranges no cell of any table row covers.
using Gap = std::pair<int, int>;

// The column of x: how many chosen gaps lie (by their middle) left of it.
size_t ColumnAt(double x, const std::vector<Gap>& cuts) {
  size_t k = 0;
  for (const Gap& g : cuts) k += x >= (g.first + g.second) / 2.0 ? 1 : 0;
  return k;
}

// Cells of one row that the cuts put in the same column.
int Conflicts(const std::vector<std::vector<Cell>>& rows,
              const std::vector<Gap>& cuts) {
  int conflicts = 0;
  for (const auto& row : rows) {
    std::vector<bool> used(cuts.size() + 1, false);
    for (const Cell& c : row) {
      size_t k = ColumnAt(c.box.Xc(), cuts);
      conflicts += used[k] ? 1 : 0;
      used[k] = true;
    }
  }
  return conflicts;
}

// Picks the k gaps that separate the columns: the choice that puts the cells
// of every row in distinct columns, the widest such on ties. Headers are
// often centred or left-aligned over right-aligned numbers and text may be
// left-aligned beside them, so neither the largest gaps nor one row's cells
// alone find the columns.
std::vector<Gap> ChooseCuts(const std::vector<std::vector<Cell>>& rows,
                            const std::vector<Gap>& gaps, size_t k) {
  auto width = [](const std::vector<Gap>& cuts) {
    int w = 0;
    for (const Gap& g : cuts) w += g.second - g.first;
    return w;
  };
  std::vector<Gap> by_width = gaps;
  std::sort(by_width.begin(), by_width.end(), [](const Gap& a, const Gap& b) {
    return a.second - a.first > b.second - b.first;
  });
  // The widest gaps are the answer when they already separate every row.
  std::vector<Gap> best(by_width.begin(), by_width.begin() + k);
  std::sort(best.begin(), best.end());
  int best_conflicts = Conflicts(rows, best);
  if (best_conflicts == 0 || k == 0 || k >= gaps.size()) return best;
  // Otherwise try every choice; a table has a handful of columns and OCR
  // noise adds few gaps, but cap the work all the same.
  double combinations = 1;
  for (size_t i = 0; i < k; ++i) {
    combinations = combinations * (gaps.size() - i) / (i + 1);
  }
  if (combinations > 100000) return best;
  std::vector<bool> pick(gaps.size(), false);
  std::fill(pick.begin(), pick.begin() + static_cast<long>(k), true);
  do {
    std::vector<Gap> cuts;
    for (size_t i = 0; i < gaps.size(); ++i) {
      if (pick[i]) cuts.push_back(gaps[i]);
    }
    int c = Conflicts(rows, cuts);
    if (c < best_conflicts ||
        (c == best_conflicts && width(cuts) > width(best))) {
      best = std::move(cuts);
      best_conflicts = c;
    }
  } while (std::prev_permutation(pick.begin(), pick.end()));
  return best;
}

// Rebuilds the table between the first and the last row of two or more
// cells (titles and captions outside are left out); as many columns as the
// fullest row has cells.
Grid BuildGrid(const std::vector<Row>& rows) {
  std::vector<std::vector<Cell>> cells = RowCells(rows);
  size_t first = cells.size(), last = 0, most = 0;
  for (size_t r = 0; r < cells.size(); ++r) {
    if (cells[r].size() < 2) continue;
    first = std::min(first, r);
    last = r;
    most = std::max(most, cells[r].size());
  }
  if (first == cells.size()) return {};
  std::vector<std::vector<Cell>> table;
  std::vector<Gap> spans;
  for (size_t r = first; r <= last; ++r) {
    if (cells[r].size() < 2) continue;
    table.push_back(cells[r]);
    for (const Cell& c : cells[r]) spans.push_back({c.box.x0, c.box.x1});
  }
  std::sort(spans.begin(), spans.end());
  std::vector<Gap> gaps;
  int covered_to = spans.front().second;
  for (const Gap& s : spans) {
    if (s.first > covered_to) gaps.push_back({covered_to, s.first});
    covered_to = std::max(covered_to, s.second);
  }
  std::vector<Gap> cuts =
      ChooseCuts(table, gaps, std::min(most - 1, gaps.size()));
  Grid grid;
  for (size_t r = first; r <= last; ++r) {
    std::vector<Cell> out(cuts.size() + 1);
    for (const Cell& c : cells[r]) {
      Cell& target = out[ColumnAt(c.box.Xc(), cuts)];
      target.box = target.words.empty() ? c.box : target.box.Union(c.box);
      target.words.insert(target.words.end(), c.words.begin(), c.words.end());
    }
    grid.push_back(std::move(out));
  }
  return grid;
}

// Edit distance of a cell to a phrase, or -1 when it does not match; a cell
// matching as a whole beats a phrase found inside a longer cell.
int CellDistance(const Cell& cell, std::string_view phrase) {
  if (cell.words.empty()) return -1;
  std::vector<Row> one = {Row{cell.words, cell.box}};
  std::vector<PhraseMatch> m = FindPhrase(one, phrase);
  if (m.empty()) return -1;
  bool whole = m[0].begin == 0 && m[0].end == cell.words.size();
  return m[0].distance * 2 + (whole ? 0 : 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n?.");
  return std::string(s.substr(b, e + 1 - b));
}

}  // namespace

std::optional<std::string> AnswerKeyValue(const std::vector<Row>& rows,
                                          std::string_view key) {
  std::vector<PhraseMatch> matches = FindPhrase(rows, key);
  if (matches.empty()) return std::nullopt;
  // Closest text first, then a match that starts its cell ("Date" rather
  // than the end of "Due Date"), then the top-most.
  auto rank = [&rows](const PhraseMatch& m) {
    return std::make_tuple(m.distance, StartsCell(rows[m.row], m) ? 0 : 1,
                           m.row);
  };
  const PhraseMatch& m =
      *std::min_element(matches.begin(), matches.end(),
                        [&](const PhraseMatch& a, const PhraseMatch& b) {
                          return rank(a) < rank(b);
                        });
  std::vector<const OcrWord*> right = WordsRightOf(rows[m.row], m.box);
  const std::string& last = rows[m.row].words[m.end - 1]->text;
  bool colon = (!last.empty() && last.back() == ':') ||
               (!right.empty() && right.front()->text.starts_with(":"));

  std::vector<const OcrWord*> value;
  for (const OcrWord* w : right) {
    if (!IsFiller(w->text) && !StripLead(w->text).empty()) value.push_back(w);
  }
  std::vector<std::vector<const OcrWord*>> clusters =
      Clusters(value, 3 * m.box.Height() / 2);
  std::vector<const OcrWord*> chosen;
  if (colon && !clusters.empty()) {
    // "Key: value" reads the value next to the label.
    chosen = clusters.front();
  } else if (!clusters.empty()) {
    // Receipt lines put the value at the right margin: the last run of
    // words, or just its final amount when it ends in one (dot leaders the
    // engine misread as letters run into it).
    chosen = clusters.back();
    if (IsAmount(chosen.back()->text)) chosen = {chosen.back()};
  } else {
    chosen = WordsBelow(rows, m.box);
  }
  if (chosen.empty()) return std::nullopt;
  std::string answer;
  for (const OcrWord* w : chosen) {
    std::string t = answer.empty() ? StripLead(w->text) : w->text;
    if (t.empty()) continue;
    if (!answer.empty()) answer += ' ';
    answer += t;
  }
  if (answer.empty()) return std::nullopt;
  return answer;
}

std::vector<std::vector<std::string>> ExtractTable(
    const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> out;
  for (const auto& grid_row : BuildGrid(rows)) {
    std::vector<std::string> texts;
    for (const Cell& c : grid_row) texts.push_back(c.Text());
    out.push_back(std::move(texts));
  }
  return out;
}

std::optional<std::string> AnswerTableCell(const std::vector<Row>& rows,
                                           std::string_view column,
                                           std::string_view row) {
  Grid grid = BuildGrid(rows);
  // The column header: top-most matching cell.
  std::optional<std::pair<size_t, size_t>> header;
  int header_d = 0;
  for (size_t r = 0; r < grid.size() && !header; ++r) {
    for (size_t c = 0; c < grid[r].size(); ++c) {
      int d = CellDistance(grid[r][c], column);
      if (d >= 0 && (!header || d < header_d)) {
        header = {r, c};
        header_d = d;
      }
    }
  }
  if (!header) return std::nullopt;
  // The row header: best match below the header row, left-most on ties.
  std::optional<size_t> hit;
  int hit_d = 0;
  for (size_t c = 0; c < grid.front().size(); ++c) {
    for (size_t r = header->first + 1; r < grid.size(); ++r) {
      int d = CellDistance(grid[r][c], row);
      if (d >= 0 && (!hit || d < hit_d)) {
        hit = r;
        hit_d = d;
      }
    }
    if (hit) break;
  }
  if (!hit) return std::nullopt;
  std::string text = grid[*hit][header->second].Text();
  if (text.empty()) return std::nullopt;
  return text;
}

std::optional<std::string> AnswerByRules(std::string_view prompt,
                                         std::string_view modality,
                                         const OcrPage& page,
                                         const BarTopFinder& bar_top) {
  const std::vector<Row> rows = BuildRows(page);
  const std::string question = Trim(prompt);
  const std::string lower = Lower(question);
  if (lower.find("extract") != std::string::npos &&
      lower.find("table") != std::string::npos) {
    std::string out;
    for (const auto& cells : ExtractTable(rows)) {
      std::string line;
      for (size_t i = 0; i < cells.size(); ++i) {
        line += (i ? " | " : "") + cells[i];
      }
      out += (out.empty() ? "" : "\n") + line;
    }
    if (out.empty()) return std::nullopt;
    return out;
  }
  const std::string_view kWhat = "what is the ";
  if (!lower.starts_with(kWhat)) return std::nullopt;
  const std::string rest = question.substr(kWhat.size());
  const std::string rest_lower = lower.substr(kWhat.size());

  const std::string_view kValueFor = "value for ";
  if (rest_lower.starts_with(kValueFor) && modality != "table" &&
      modality != "document") {
    auto bar = AnswerBarValue(rows, rest.substr(kValueFor.size()), bar_top);
    if (bar || modality == "chart") return bar;
  }
  auto cell = [&]() -> std::optional<std::string> {
    for (size_t pos = rest_lower.find(" for "); pos != std::string::npos;
         pos = rest_lower.find(" for ", pos + 1)) {
      auto answer =
          AnswerTableCell(rows, rest.substr(0, pos), rest.substr(pos + 5));
      if (answer) return answer;
    }
    return std::nullopt;
  };
  if (modality != "document") {
    if (auto answer = cell()) return answer;
  }
  if (auto answer = AnswerKeyValue(rows, rest)) return answer;
  return modality == "document" ? cell() : std::nullopt;
}

}  // namespace mmgate::adapter
