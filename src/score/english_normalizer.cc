#include "score/english_normalizer.h"

#include <array>

#include "score/number_normalizer.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

// A literal pattern that must end at a word boundary (\b) and, when
// `left_boundary`, start at one.
struct Replacer {
  std::u32string_view pattern;
  std::u32string_view replacement;
  bool left_boundary;
};

// Whisper's replacers, in its order: contractions, titles, perfect tenses,
// then general contractions (so "won't" is seen before "n't").
constexpr std::array<Replacer, 49> kReplacers = {{
    {U"won't", U"will not", true},
    {U"can't", U"can not", true},
    {U"let's", U"let us", true},
    {U"ain't", U"aint", true},
    {U"y'all", U"you all", true},
    {U"wanna", U"want to", true},
    {U"gotta", U"got to", true},
    {U"gonna", U"going to", true},
    {U"i'ma", U"i am going to", true},
    {U"imma", U"i am going to", true},
    {U"woulda", U"would have", true},
    {U"coulda", U"could have", true},
    {U"shoulda", U"should have", true},
    {U"ma'am", U"madam", true},
    {U"mr", U"mister ", true},
    {U"mrs", U"missus ", true},
    {U"st", U"saint ", true},
    {U"dr", U"doctor ", true},
    {U"prof", U"professor ", true},
    {U"capt", U"captain ", true},
    {U"gov", U"governor ", true},
    {U"ald", U"alderman ", true},
    {U"gen", U"general ", true},
    {U"sen", U"senator ", true},
    {U"rep", U"representative ", true},
    {U"pres", U"president ", true},
    {U"rev", U"reverend ", true},
    {U"hon", U"honorable ", true},
    {U"asst", U"assistant ", true},
    {U"assoc", U"associate ", true},
    {U"lt", U"lieutenant ", true},
    {U"col", U"colonel ", true},
    {U"jr", U"junior ", true},
    {U"sr", U"senior ", true},
    {U"esq", U"esquire ", true},
    {U"'d been", U" had been", false},
    {U"'s been", U" has been", false},
    {U"'d gone", U" had gone", false},
    {U"'s gone", U" has gone", false},
    {U"'d done", U" had done", false},
    {U"'s got", U" has got", false},
    {U"n't", U" not", false},
    {U"'re", U" are", false},
    {U"'s", U" is", false},
    {U"'d", U" would", false},
    {U"'ll", U" will", false},
    {U"'t", U" not", false},
    {U"'ve", U" have", false},
    {U"'m", U" am", false},
}};

constexpr std::array<std::u32string_view, 6> kFillers = {U"hmm", U"mm", U"mhm",
                                                         U"mmm", U"uh", U"um"};

bool WordAt(std::u32string_view s, size_t i) {
  return i < s.size() && IsWordChar(s[i]);
}

std::u32string ReplaceBounded(std::u32string_view s, const Replacer& r) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s.substr(i, r.pattern.size()) == r.pattern &&
        (!r.left_boundary || i == 0 || !IsWordChar(s[i - 1])) &&
        !WordAt(s, i + r.pattern.size())) {
      out += r.replacement;
      i += r.pattern.size();
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

// [<\[][^>\]]*[>\]] and \(([^)]+?)\) removed.
std::u32string RemoveBracketed(std::u32string_view s) {
  std::u32string a;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == U'<' || s[i] == U'[') {
      const size_t close = s.find_first_of(U">]", i + 1);
      if (close != std::u32string_view::npos) {
        i = close + 1;
        continue;
      }
    }
    a.push_back(s[i++]);
  }
  std::u32string b;
  for (size_t i = 0; i < a.size();) {
    if (a[i] == U'(') {
      const size_t close = a.find(U')', i + 1);
      if (close != std::u32string::npos && close > i + 1) {
        i = close + 1;
        continue;
      }
    }
    b.push_back(a[i++]);
  }
  return b;
}

std::u32string RemoveFillers(std::u32string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    if (IsWordChar(s[i]) && (i == 0 || !IsWordChar(s[i - 1]))) {
      size_t end = i;
      while (end < s.size() && IsWordChar(s[end])) ++end;
      const std::u32string_view word = s.substr(i, end - i);
      bool filler = false;
      for (std::u32string_view f : kFillers) filler = filler || word == f;
      if (!filler) out += word;
      i = end;
      continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

// \s+' -> ' so that "he 's" is read as "he's".
std::u32string JoinApostrophes(std::u32string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    if (IsSpace(s[i])) {
      size_t end = i;
      while (end < s.size() && IsSpace(s[end])) ++end;
      if (end < s.size() && s[end] == U'\'') {
        i = end;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

// (\d),(\d) -> \1\2, then \.([^0-9]|$) -> " \1" (periods not before a digit).
std::u32string DigitCommasAndPeriods(std::u32string_view s) {
  std::u32string a;
  for (size_t i = 0; i < s.size();) {
    if (IsAsciiDigit(s[i]) && i + 2 < s.size() && s[i + 1] == U',' &&
        IsAsciiDigit(s[i + 2])) {
      a.push_back(s[i]);
      a.push_back(s[i + 2]);
      i += 3;
      continue;
    }
    a.push_back(s[i++]);
  }
  std::u32string b;
  for (size_t i = 0; i < a.size();) {
    if (a[i] == U'.' && (i + 1 == a.size() || !IsAsciiDigit(a[i + 1]))) {
      b.push_back(U' ');
      if (i + 1 < a.size()) b.push_back(a[i + 1]);
      i += 2;
      continue;
    }
    b.push_back(a[i++]);
  }
  return b;
}

bool IsKeptSymbol(char32_t c) {
  return c == U'.' || c == U'%' || c == U'$' || c == U'¢' || c == U'€' ||
         c == U'£';
}

std::u32string_view ExtraDiacritic(char32_t c) {
  switch (c) {
    case U'œ':
      return U"oe";
    case U'Œ':
      return U"OE";
    case U'ø':
      return U"o";
    case U'Ø':
      return U"O";
    case U'æ':
      return U"ae";
    case U'Æ':
      return U"AE";
    case U'ß':
      return U"ss";
    case U'ẞ':
      return U"SS";
    case U'đ':
    case U'ð':
      return U"d";
    case U'Đ':
    case U'Ð':
      return U"D";
    case U'þ':
    case U'Þ':
      return U"th";
    case U'ł':
      return U"l";
    case U'Ł':
      return U"L";
    default:
      return U"";
  }
}

// Whisper's remove_symbols_and_diacritics(keep=".%$¢€£").
std::u32string RemoveSymbolsAndDiacritics(std::u32string_view s) {
  std::u32string decomposed;
  for (char32_t c : s) AppendNfkdWithoutMarks(c, &decomposed);
  std::u32string out;
  for (char32_t c : decomposed) {
    if (IsKeptSymbol(c)) {
      out.push_back(c);
    } else if (const std::u32string_view extra = ExtraDiacritic(c);
               !extra.empty()) {
      out += extra;
    } else {
      const CharCategory cat = Category(c);
      const bool blank = cat == CharCategory::kMark ||
                         cat == CharCategory::kSymbol ||
                         cat == CharCategory::kPunctuation;
      out.push_back(blank ? U' ' : c);
    }
  }
  return out;
}

std::u32string AmericanSpellings(std::u32string_view s) {
  std::u32string out;
  for (const std::u32string& w : SplitWhitespace(s)) {
    if (!out.empty()) out.push_back(U' ');
    out += AmericanSpelling(w);
  }
  return out;
}

bool IsCurrencySymbol(char32_t c) {
  return c == U'$' || c == U'¢' || c == U'€' || c == U'£';
}

// Attaches currency and percent signs to their numbers, then blanks the
// signs (and periods) that are not next to a digit.
std::u32string SymbolsNextToNumbers(std::u32string_view s) {
  std::u32string a;
  for (size_t i = 0; i < s.size();) {
    if (IsCurrencySymbol(s[i])) {
      size_t end = i + 1;
      while (end < s.size() && IsSpace(s[end])) ++end;
      if (end > i + 1 && end < s.size() && IsAsciiDigit(s[end])) {
        a.push_back(s[i]);
        i = end;
        continue;
      }
    }
    a.push_back(s[i++]);
  }
  std::u32string b;
  for (size_t i = 0; i < a.size();) {
    if (IsAsciiDigit(a[i])) {
      size_t end = i + 1;
      while (end < a.size() && IsSpace(a[end])) ++end;
      if (end > i + 1 && end < a.size() && a[end] == U'%') {
        b.push_back(a[i]);
        b.push_back(U'%');
        i = end + 1;
        continue;
      }
    }
    b.push_back(a[i++]);
  }
  std::u32string c;
  for (size_t i = 0; i < b.size();) {
    if ((b[i] == U'.' || IsCurrencySymbol(b[i])) && i + 1 < b.size() &&
        !IsAsciiDigit(b[i + 1])) {
      c.push_back(U' ');
      c.push_back(b[i + 1]);
      i += 2;
      continue;
    }
    c.push_back(b[i++]);
  }
  std::u32string d;
  for (size_t i = 0; i < c.size();) {
    if (!IsAsciiDigit(c[i]) && i + 1 < c.size() && c[i + 1] == U'%') {
      d.push_back(c[i]);
      d.push_back(U' ');
      i += 2;
      continue;
    }
    d.push_back(c[i++]);
  }
  return d;
}

}  // namespace

std::string NormalizeEnglishText(std::string_view text) {
  std::u32string s = ToLower(DecodeUtf8(text));
  // Our one addition to Whisper's rules: model answers often use the
  // typographic apostrophe, which must not turn "don’t" into "don t".
  for (char32_t& c : s) {
    if (c == U'\u2019' || c == U'\u02BC') c = U'\'';
  }
  s = RemoveBracketed(s);
  s = JoinApostrophes(RemoveFillers(s));
  for (const Replacer& r : kReplacers) s = ReplaceBounded(s, r);
  s = RemoveSymbolsAndDiacritics(DigitCommasAndPeriods(s));
  s = AmericanSpellings(NormalizeEnglishNumbers(s));
  s = SymbolsNextToNumbers(s);
  std::string out;
  for (const std::u32string& w : SplitWhitespace(s)) {
    if (!out.empty()) out.push_back(' ');
    out += EncodeUtf8(w);
  }
  return out;
}

}  // namespace mmgate::score
