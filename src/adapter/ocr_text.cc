// Geometry and text matching over OCR words; see ocr_page.h.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "adapter/ocr_page.h"

namespace mmgate::adapter {

std::vector<Row> BuildRows(const OcrPage& page) {
  std::vector<int> heights;
  for (const OcrWord& w : page.words) heights.push_back(w.box.Height());
  if (heights.empty()) return {};
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2,
                   heights.end());
  const int median = heights[heights.size() / 2];
  // Table rules come back as "|", "[", "}"... words or as tall boxes: they
  // would chain rows into one and fill the gaps between columns.
  std::vector<const OcrWord*> words;
  for (const OcrWord& w : page.words) {
    bool border =
        w.text.find_first_not_of("|!\u00a6[](){}") == std::string::npos;
    if (w.box.Height() > 0 && w.box.Width() > 0 && !border &&
        w.box.Height() <= 3 * median) {
      words.push_back(&w);
    }
  }
  std::map<int, Row> lines;
  for (const OcrWord* w : words) {
    Row& row = lines[w->line];
    row.box = row.words.empty() ? w->box : row.box.Union(w->box);
    row.words.push_back(w);
  }
  std::vector<Row> rows;
  for (auto& [index, row] : lines) rows.push_back(std::move(row));
  // Join lines that share a band (half the smaller height overlaps) without
  // sharing any column; stacked lines overlap in x and stay apart.
  for (bool merged = true; merged;) {
    merged = false;
    for (size_t i = 0; i < rows.size() && !merged; ++i) {
      for (size_t j = i + 1; j < rows.size() && !merged; ++j) {
        const Box& a = rows[i].box;
        const Box& b = rows[j].box;
        int need = std::min(a.Height(), b.Height()) / 2;
        if (YOverlap(a, b) > need && XOverlap(a, b) <= 0) {
          rows[i].words.insert(rows[i].words.end(), rows[j].words.begin(),
                               rows[j].words.end());
          rows[i].box = a.Union(b);
          rows.erase(rows.begin() + static_cast<long>(j));
          merged = true;
        }
      }
    }
  }
  for (Row& row : rows) {
    std::sort(row.words.begin(), row.words.end(),
              [](const OcrWord* a, const OcrWord* b) {
                return a->box.x0 < b->box.x0;
              });
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.box.Yc() < b.box.Yc(); });
  return rows;
}

std::string Normalize(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<PhraseMatch> FindPhrase(const std::vector<Row>& rows,
                                    std::string_view phrase) {
  std::vector<PhraseMatch> matches;
  const std::string target = Normalize(phrase);
  if (target.empty()) return matches;
  const int max_distance = static_cast<int>(target.size()) / 4;
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::vector<const OcrWord*>& words = rows[r].words;
    std::optional<PhraseMatch> best;
    for (size_t begin = 0; begin < words.size(); ++begin) {
      if (Normalize(words[begin]->text).empty()) continue;
      std::string joined;
      for (size_t end = begin + 1; end <= words.size(); ++end) {
        std::string part = Normalize(words[end - 1]->text);
        if (part.empty()) continue;
        joined += part;
        if (joined.size() > target.size() + max_distance) break;
        int d = EditDistance(joined, target);
        if (d > max_distance) continue;
        if (!best || d < best->distance) {
          Box box = words[begin]->box;
          for (size_t i = begin + 1; i < end; ++i) {
            box = box.Union(words[i]->box);
          }
          best = PhraseMatch{r, begin, end, d, box};
        }
      }
    }
    if (best) matches.push_back(*best);
  }
  return matches;
}

std::optional<double> ParseNumber(std::string_view text) {
  std::string s(text);
  while (!s.empty() &&
         std::string_view(".,;:").find(s.back()) != std::string_view::npos) {
    s.pop_back();
  }
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  for (std::string_view currency : {"$", "\u20ac", "\u00a3"}) {
    if (s.starts_with(currency)) s.erase(0, currency.size());
  }
  if (!s.empty() && s.back() == '%') s.pop_back();
  std::string digits;
  int dots = 0;
  for (char c : s) {
    if (c == ',') continue;
    if (c == '.') ++dots;
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') {
      return std::nullopt;
    }
    digits += c;
  }
  if (digits.empty() || dots > 1 || digits == ".") return std::nullopt;
  double v = std::strtod(digits.c_str(), nullptr);
  return negative ? -v : v;
}

bool AsksForText(std::string_view prompt) {
  std::string lower;
  bool blank = true;
  for (unsigned char c : prompt) {
    lower += static_cast<char>(std::tolower(c));
    blank = blank && std::isspace(c);
  }
  return blank || (lower.find("read") != std::string::npos &&
                   lower.find("text") != std::string::npos);
}

std::string QuestionLine(std::string_view prompt) {
  size_t start = 0;
  while (start <= prompt.size()) {
    size_t nl = prompt.find('\n', start);
    if (nl == std::string_view::npos) nl = prompt.size();
    std::string_view line = prompt.substr(start, nl - start);
    while (!line.empty() &&
           std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    std::string lower;
    for (unsigned char c : line.substr(0, 12))
      lower += static_cast<char>(std::tolower(c));
    if (lower == "what is the ") return std::string(line);
    start = nl + 1;
  }
  return std::string(prompt);
}

bool AsksForEvidence(std::string_view prompt) {
  std::string lower;
  for (unsigned char c : prompt) lower += static_cast<char>(std::tolower(c));
  return lower.find("quote the line") != std::string::npos;
}

std::string WithEvidence(const std::string& answer, const OcrPage& page) {
  nlohmann::json j = {{"answer", answer},
                      {"evidence", nlohmann::json::array()}};
  std::istringstream in(page.text);
  std::string line;
  while (!answer.empty() && std::getline(in, line)) {
    if (line.find(answer) != std::string::npos) {
      j["evidence"].push_back(line);
      break;
    }
  }
  return j.dump();
}

}  // namespace mmgate::adapter
