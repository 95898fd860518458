#include "score/text_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "score/unicode.h"

namespace mmgate::score {
namespace {

// Lower-cased words of `text` joined by single spaces (Python's
// " ".join(s.strip().lower().split())).
std::u32string CollapsedLower(std::string_view text) {
  std::u32string out;
  for (const std::u32string& w : SplitWhitespace(ToLower(DecodeUtf8(text)))) {
    if (!out.empty()) out.push_back(U' ');
    out += w;
  }
  return out;
}

bool IsEndPunctuation(char32_t c) {
  constexpr std::u32string_view kChars =
      U".,;:!?\"'`()[]{}\u2018\u2019\u201C\u201D\u00AB\u00BB";
  return kChars.find(c) != std::u32string_view::npos;
}

// Reads digits with optional thousands separators and decimals at s[*i]
// into `digits` (without separators). Returns false when no digit is there.
bool ScanDigits(std::string_view s, size_t* i, std::string* digits) {
  size_t j = *i;
  std::string out;
  size_t run = 0;
  while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
    out.push_back(s[j++]);
    ++run;
  }
  // Thousands groups: ",ddd" after 1-3 leading digits, as long as they go.
  if (run >= 1 && run <= 3) {
    while (j + 3 < s.size() && s[j] == ',' &&
           std::isdigit(static_cast<unsigned char>(s[j + 1])) &&
           std::isdigit(static_cast<unsigned char>(s[j + 2])) &&
           std::isdigit(static_cast<unsigned char>(s[j + 3])) &&
           (j + 4 >= s.size() ||
            !std::isdigit(static_cast<unsigned char>(s[j + 4])))) {
      out.append(s.substr(j + 1, 3));
      j += 4;
    }
  }
  if (j + 1 < s.size() && s[j] == '.' &&
      std::isdigit(static_cast<unsigned char>(s[j + 1]))) {
    out.push_back('.');
    ++j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      out.push_back(s[j++]);
    }
  }
  if (out.empty() || out == ".") return false;
  *digits = out;
  *i = j;
  return true;
}

// Currency markers accepted around numbers ("$12", "€3", "£5", "¥100").
size_t CurrencyAt(std::string_view s, size_t i) {
  for (std::string_view c : {"$", "\u20AC", "\u00A3", "\u00A5"}) {
    if (s.substr(i, c.size()) == c) return c.size();
  }
  return 0;
}

size_t SignAt(std::string_view s, size_t i, bool* negative) {
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    *negative = s[i] == '-';
    return 1;
  }
  if (s.substr(i, 3) == "\u2212") {  // minus sign
    *negative = true;
    return 3;
  }
  return 0;
}

void SkipSpaces(std::string_view s, size_t* i) {
  while (*i < s.size() && (s[*i] == ' ' || s[*i] == '\t')) ++*i;
}

}  // namespace

size_t Levenshtein(std::u32string_view a, std::u32string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] =
          std::min({diag + (a[i - 1] != b[j - 1]), up + 1, row[j - 1] + 1});
      diag = up;
    }
  }
  return row[b.size()];
}

bool ExactMatch(std::string_view reference, std::string_view answer) {
  return TrimWhitespace(reference) == TrimWhitespace(answer);
}

std::string LightNormalize(std::string_view text) {
  std::u32string s = CollapsedLower(text);
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && (IsEndPunctuation(s[begin]) || s[begin] == U' '))
    ++begin;
  while (end > begin && (IsEndPunctuation(s[end - 1]) || s[end - 1] == U' '))
    --end;
  return EncodeUtf8(s.substr(begin, end - begin));
}

double AnlsScore(std::string_view reference, std::string_view answer,
                 double threshold) {
  const std::u32string r = CollapsedLower(reference);
  const std::u32string a = CollapsedLower(answer);
  const size_t longest = std::max(r.size(), a.size());
  if (longest == 0) return 1.0;
  const double nl = static_cast<double>(Levenshtein(r, a)) / longest;
  return nl < threshold ? 1.0 - nl : 0.0;
}

std::optional<ParsedNumber> ParseNumber(std::string_view text) {
  const std::string_view s = TrimWhitespace(text);
  size_t i = 0;
  bool negative = false;
  i += SignAt(s, i, &negative);
  i += CurrencyAt(s, i);
  SkipSpaces(s, &i);
  if (!negative) i += SignAt(s, i, &negative);  // "$-12"
  std::string digits;
  if (!ScanDigits(s, &i, &digits)) return std::nullopt;
  if (i + 1 == s.size() && s[i] == '.')
    ++i;  // "5." as Python's float() reads it
  SkipSpaces(s, &i);
  ParsedNumber n;
  if (i < s.size() && s[i] == '%') {
    n.percent = true;
    ++i;
  } else {
    i += CurrencyAt(s, i);  // "12€"
  }
  if (i != s.size()) return std::nullopt;
  n.value = std::strtod(digits.c_str(), nullptr) * (negative ? -1 : 1);
  return n;
}

std::optional<double> FirstNumber(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    size_t j = i;
    bool negative = false;
    const bool after_word =
        i > 0 && std::isalnum(static_cast<unsigned char>(s[i - 1]));
    if (!after_word) j += SignAt(s, j, &negative);
    j += CurrencyAt(s, j);
    std::string digits;
    if (j < s.size() &&
        (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.') &&
        ScanDigits(s, &j, &digits)) {
      return std::strtod(digits.c_str(), nullptr) * (negative ? -1 : 1);
    }
  }
  return std::nullopt;
}

bool RelaxedMatch(std::string_view reference, std::string_view answer,
                  double tolerance) {
  const std::optional<ParsedNumber> target = ParseNumber(reference);
  const std::optional<ParsedNumber> pred = ParseNumber(answer);
  if (target && pred) {
    std::vector<double> readings = {pred->value};
    if (pred->percent && !target->percent)
      readings.push_back(pred->value / 100);
    if (!pred->percent && target->percent)
      readings.push_back(pred->value * 100);
    for (double v : readings) {
      if (target->value == 0) {
        if (v == 0) return true;
      } else if (std::abs(v - target->value) / std::abs(target->value) <=
                 tolerance + 1e-12) {  // 4.2 vs 4 at 5% is 0.05000000000000004
        return true;
      }
    }
    return false;
  }
  return CollapsedLower(reference) == CollapsedLower(answer);
}

}  // namespace mmgate::score
