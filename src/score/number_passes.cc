#include "score/number_passes.h"

#include <algorithm>
#include <vector>

#include "score/number_words.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

using Words = std::vector<Word>;

bool WordAt(std::u32string_view s, size_t i) {
  return i < s.size() && IsWordChar(s[i]);
}

bool BoundaryBefore(std::u32string_view s, size_t i) {
  return i == 0 || !IsWordChar(s[i - 1]);
}

// Length of `literal` at s[i] followed by at least one space, or 0.
size_t LiteralThenSpaces(std::u32string_view s, size_t i,
                         std::u32string_view literal) {
  if (s.substr(i, literal.size()) != literal) return 0;
  size_t j = i + literal.size();
  const size_t spaces_start = j;
  while (j < s.size() && IsSpace(s[j])) ++j;
  return j > spaces_start ? j - i : 0;
}

// Length of \band\s+a\s+half\b at s[i], or 0.
size_t AndAHalfAt(std::u32string_view s, size_t i) {
  if (!BoundaryBefore(s, i)) return 0;
  const size_t a = LiteralThenSpaces(s, i, U"and");
  const size_t b = a ? LiteralThenSpaces(s, i + a, U"a") : 0;
  if (!b || s.substr(i + a + b, 4) != U"half" || WordAt(s, i + a + b + 4)) {
    return 0;
  }
  return a + b + 4;
}

// "<number> and a half" -> "<number> point five", as Whisper's re.split loop
// does it (an empty segment is dropped together with its "and a half").
std::u32string SplitHalves(std::u32string_view s) {
  const NumberWords& t = Numbers();
  std::vector<std::u32string> segments;
  size_t start = 0;
  for (size_t i = 0; i < s.size();) {
    if (const size_t len = AndAHalfAt(s, i)) {
      segments.emplace_back(s.substr(start, i - start));
      i += len;
      start = i;
    } else {
      ++i;
    }
  }
  segments.emplace_back(s.substr(start));
  std::vector<std::u32string> results;
  for (size_t k = 0; k < segments.size(); ++k) {
    const Words words = SplitWhitespace(segments[k]);
    if (words.empty()) continue;
    results.push_back(segments[k]);
    if (k + 1 == segments.size()) continue;
    const Word& last = words.back();
    results.push_back(t.decimals.count(last) || t.multipliers.count(last)
                          ? U"point five"
                          : U"and a half");
  }
  std::u32string out;
  for (size_t k = 0; k < results.size(); ++k) {
    if (k > 0) out.push_back(U' ');
    out += results[k];
  }
  return out;
}

// Length of a multiplier name ending at a word boundary at s[i], or 0.
size_t MultiplierAt(std::u32string_view s, size_t i) {
  static const std::vector<Word> by_length = [] {
    std::vector<Word> names;
    for (const auto& [name, exponent] : Numbers().multipliers)
      names.push_back(name);
    std::stable_sort(
        names.begin(), names.end(),
        [](const Word& a, const Word& b) { return a.size() > b.size(); });
    return names;
  }();
  for (const Word& name : by_length) {
    if (s.substr(i, name.size()) == name && !WordAt(s, i + name.size())) {
      return name.size();
    }
  }
  return 0;
}

// \b(?:a\s+half\s+|half\s+(?:a\s+)?)(<multiplier>)\b -> "0.5 <multiplier>".
std::u32string HalfMultipliers(std::u32string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    if (BoundaryBefore(s, i)) {
      size_t lead = 0;
      if (const size_t a = LiteralThenSpaces(s, i, U"a")) {
        if (const size_t h = LiteralThenSpaces(s, i + a, U"half");
            h && MultiplierAt(s, i + a + h)) {
          lead = a + h;
        }
      }
      if (!lead) {
        if (const size_t h = LiteralThenSpaces(s, i, U"half")) {
          const size_t a = LiteralThenSpaces(s, i + h, U"a");
          if (a && MultiplierAt(s, i + h + a)) {
            lead = h + a;
          } else if (MultiplierAt(s, i + h)) {
            lead = h;
          }
        }
      }
      if (lead) {
        const size_t m = MultiplierAt(s, i + lead);
        out += U"0.5 ";
        out += s.substr(i + lead, m);
        i += lead + m;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

// Spaces at letter/digit boundaries ("b747" -> "b 747"), then digits and an
// ordinal or plural suffix joined again ("10 th" -> "10th").
std::u32string SplitLettersAndDigits(std::u32string_view s) {
  std::u32string spaced;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && ((IsAsciiLower(s[i - 1]) && IsAsciiDigit(s[i])) ||
                  (IsAsciiDigit(s[i - 1]) && IsAsciiLower(s[i])))) {
      spaced.push_back(U' ');
    }
    spaced.push_back(s[i]);
  }
  static constexpr std::u32string_view kSuffixes[] = {U"st", U"nd", U"rd",
                                                      U"th", U"s"};
  std::u32string out;
  for (size_t i = 0; i < spaced.size();) {
    if (IsAsciiDigit(spaced[i])) {
      size_t j = i + 1;
      while (j < spaced.size() && IsSpace(spaced[j])) ++j;
      if (j > i + 1) {
        bool joined = false;
        for (std::u32string_view suffix : kSuffixes) {
          if (spaced.substr(j, suffix.size()) == suffix &&
              !WordAt(spaced, j + suffix.size())) {
            out.push_back(spaced[i]);
            out += suffix;
            i = j + suffix.size();
            joined = true;
            break;
          }
        }
        if (joined) continue;
      }
    }
    out.push_back(spaced[i++]);
  }
  return out;
}

bool IsCurrency(char32_t c) { return c == U'€' || c == U'£' || c == U'$'; }

size_t DigitRun(std::u32string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && IsAsciiDigit(s[j])) ++j;
  return j - i;
}

// "$2 and ¢7" -> "$2.07", "$0.36" -> "¢36", "1" -> "one".
}  // namespace

std::u32string PostprocessNumbers(std::u32string_view s) {
  std::u32string a;
  for (size_t i = 0; i < s.size();) {
    if (IsCurrency(s[i])) {
      const size_t int_len = DigitRun(s, i + 1);
      size_t j = i + 1 + int_len;
      if (int_len > 0 && j < s.size() && s[j] == U' ') {
        ++j;
        if (s.substr(j, 4) == U"and " && j + 4 < s.size() && s[j + 4] == U'¢')
          j += 4;
        if (j < s.size() && s[j] == U'¢') {
          const size_t cents_len = DigitRun(s, j + 1);
          if ((cents_len == 1 || cents_len == 2) &&
              !WordAt(s, j + 1 + cents_len)) {
            const std::u32string cents(s.substr(j + 1, cents_len));
            a.push_back(s[i]);
            a.append(s.substr(i + 1, int_len));
            a.push_back(U'.');
            if (cents_len == 1 || cents[0] == U'0') {
              a.push_back(U'0');
              a.push_back(cents.back());
            } else {
              a.append(cents);
            }
            i = j + 1 + cents_len;
            continue;
          }
        }
      }
    }
    a.push_back(s[i++]);
  }

  std::u32string b;
  for (size_t i = 0; i < a.size();) {
    // Whisper's pattern is [€£$]0.([0-9]{1,2})\b with an unescaped '.'.
    if (IsCurrency(a[i]) && i + 2 < a.size() && a[i + 1] == U'0' &&
        a[i + 2] != U'\n') {
      const size_t len = DigitRun(a, i + 3);
      if ((len == 1 || len == 2) && !WordAt(a, i + 3 + len)) {
        b.push_back(U'¢');
        const std::u32string cents = a.substr(i + 3, len);
        b += (len == 2 && cents[0] == U'0') ? cents.substr(1) : cents;
        i += 3 + len;
        continue;
      }
    }
    b.push_back(a[i++]);
  }

  std::u32string c;
  for (size_t i = 0; i < b.size();) {
    if (b[i] == U'1' && (i == 0 || !IsWordChar(b[i - 1]))) {
      if (i + 1 < b.size() && b[i + 1] == U's' && !WordAt(b, i + 2)) {
        c += U"ones";
        i += 2;
        continue;
      }
      if (!WordAt(b, i + 1)) {
        c += U"one";
        ++i;
        continue;
      }
    }
    c.push_back(b[i++]);
  }
  return c;
}

std::u32string PreprocessNumbers(std::u32string_view text) {
  return SplitLettersAndDigits(HalfMultipliers(SplitHalves(text)));
}

}  // namespace mmgate::score
