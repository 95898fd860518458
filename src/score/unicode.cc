#include "score/unicode.h"

namespace mmgate::score {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Base letters of U+00C0..U+00FF and U+0100..U+017F; '.' marks letters that
// have no canonical decomposition (Æ, Ø, Đ, Ł, ...) and '*' the few that
// decompose to two characters.
constexpr std::string_view kLatin1Base =
    "AAAAAA.CEEEEIIII.NOOOOO..UUUUY..aaaaaa.ceeeeiiii.nooooo..uuuuy.y";
constexpr std::string_view kLatinExtABase =
    "AaAaAaCcCcCcCcDd..EeEeEeEeEeGgGgGgGgHh..IiIiIiIiI.**JjKk.LlLlLl*"
    "*..NnNnNn*..OoOoOo..RrRrRrSsSsSsSsTtTt..UuUuUuUuUuUuWwYyYZzZzZzs";

}  // namespace

char32_t DecodeNext(std::string_view s, size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  }
  bool valid = len > 0 && *i + len <= s.size();
  for (int k = 1; valid && k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      valid = false;
    } else {
      cp = (cp << 6) | (b & 0x3F);
    }
  }
  // Overlong forms and surrogates are as invalid as stray bytes.
  if (valid && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
                (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                (cp >= 0xD800 && cp <= 0xDFFF))) {
    valid = false;
  }
  if (!valid) {
    ++*i;
    return kReplacement;
  }
  *i += len;
  return cp;
}

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) out.push_back(DecodeNext(s, &i));
  return out;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) AppendUtf8(c, &out);
  return out;
}

char32_t ToLower(char32_t c) {
  if (c < 0x80) return (c >= U'A' && c <= U'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0x130) return U'i';
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    return (c % 2 == 0) ? c + 1 : c;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
    return (c % 2 == 1) ? c + 1 : c;
  }
  if (c == 0x178) return 0xFF;
  if ((c >= 0x391 && c <= 0x3A1) || (c >= 0x3A3 && c <= 0x3AB)) return c + 32;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
      (c >= 0x1E00 && c <= 0x1E95) || (c >= 0x1EA0 && c <= 0x1EFF)) {
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
  return c;
}

std::u32string ToLower(std::u32string_view s) {
  std::u32string out(s);
  for (char32_t& c : out) c = ToLower(c);
  return out;
}

std::string ToLowerUtf8(std::string_view s) {
  return EncodeUtf8(ToLower(DecodeUtf8(s)));
}

bool IsSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

CharCategory Category(char32_t c) {
  using C = CharCategory;
  if (c < 0x80) {
    if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z')) return C::kLetter;
    if (IsAsciiDigit(c)) return C::kNumber;
    if (c == U' ') return C::kSeparator;
    if (c < 0x20 || c == 0x7F) return C::kOther;
    constexpr std::u32string_view kSymbols = U"$+<=>^`|~";
    return kSymbols.find(c) != std::u32string_view::npos ? C::kSymbol
                                                         : C::kPunctuation;
  }
  if (c < 0xA0) return C::kOther;
  if (c < 0xC0) {
    switch (c) {
      case 0xA0:
        return C::kSeparator;
      case 0xA1:
      case 0xA7:
      case 0xAB:
      case 0xB6:
      case 0xB7:
      case 0xBB:
      case 0xBF:
        return C::kPunctuation;
      case 0xAA:
      case 0xB5:
      case 0xBA:
        return C::kLetter;
      case 0xAD:
        return C::kOther;
      case 0xB2:
      case 0xB3:
      case 0xB9:
      case 0xBC:
      case 0xBD:
      case 0xBE:
        return C::kNumber;
      default:
        return C::kSymbol;
    }
  }
  if (c == 0xD7 || c == 0xF7) return C::kSymbol;
  if (c < 0x2B0) return C::kLetter;
  if (c < 0x300) {
    const bool symbol =
        (c >= 0x2C2 && c <= 0x2C5) || (c >= 0x2D2 && c <= 0x2DF) || c >= 0x2E5;
    return symbol ? C::kSymbol : C::kLetter;
  }
  if (c < 0x370) return C::kMark;
  if (c == 0x37E || c == 0x387) return C::kPunctuation;
  if (c == 0x375 || c == 0x384 || c == 0x385) return C::kSymbol;
  if (c >= 0x483 && c <= 0x489) return C::kMark;
  if (c == 0x482) return C::kSymbol;
  if (c >= 0x591 && c <= 0x5C7) return C::kMark;
  if (c < 0x2000) return C::kLetter;
  if (c <= 0x200A || c == 0x202F || c == 0x205F) return C::kSeparator;
  if (c == 0x2028 || c == 0x2029) return C::kSeparator;
  if (c <= 0x200F || (c >= 0x202A && c <= 0x202E) ||
      (c >= 0x2060 && c <= 0x206F)) {
    return C::kOther;
  }
  if (c == 0x2044 || c == 0x2052) return C::kSymbol;
  if (c < 0x2070) return C::kPunctuation;
  if (c < 0x20A0) {
    if (c == 0x207D || c == 0x207E || c == 0x208D || c == 0x208E) {
      return C::kPunctuation;
    }
    if ((c >= 0x207A && c <= 0x207C) || (c >= 0x208A && c <= 0x208C)) {
      return C::kSymbol;
    }
    return (c == 0x207F || c >= 0x2090) ? C::kLetter : C::kNumber;
  }
  if (c < 0x20D0) return C::kSymbol;
  if (c < 0x2100) return C::kMark;
  if (c >= 0x2150 && c < 0x2190) return C::kNumber;
  if (c >= 0x2460 && c <= 0x249B) return C::kNumber;
  if (c >= 0x2776 && c <= 0x2793) return C::kNumber;
  if ((c >= 0x2768 && c <= 0x2775) || (c >= 0x27E6 && c <= 0x27EF) ||
      (c >= 0x2983 && c <= 0x2998) || (c >= 0x29D8 && c <= 0x29DB) ||
      c == 0x27C5 || c == 0x27C6 || c == 0x29FC || c == 0x29FD) {
    return C::kPunctuation;
  }
  if (c < 0x2C00) return C::kSymbol;
  if (c >= 0x2E00 && c <= 0x2E7F) return C::kPunctuation;
  if (c == 0x3000) return C::kSeparator;
  if (c > 0x3000 && c <= 0x303F) {
    const bool symbol = c == 0x3004 || c == 0x3012 || c == 0x3013 ||
                        (c >= 0x3020 && c <= 0x302F) || c >= 0x3031;
    return symbol ? C::kSymbol : C::kPunctuation;
  }
  if ((c >= 0xFE10 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE6B)) {
    return C::kPunctuation;
  }
  if (c >= 0xFE00 && c <= 0xFE0F) return C::kMark;
  if (c >= 0xFF01 && c <= 0xFF5E) return Category(c - 0xFF01 + 0x21);
  if (c >= 0xFFE0 && c <= 0xFFEE) return C::kSymbol;
  if (c == 0xFFFD) return C::kSymbol;
  if (c >= 0x1F000 && c <= 0x1FAFF) return C::kSymbol;
  if (c >= 0xE000 && c <= 0xF8FF) return C::kOther;
  return C::kLetter;
}

bool IsWordChar(char32_t c) {
  if (c == U'_') return true;
  const CharCategory cat = Category(c);
  return cat == CharCategory::kLetter || cat == CharCategory::kNumber;
}

void AppendNfkdWithoutMarks(char32_t c, std::u32string* out) {
  if (c < 0xA0) {
    out->push_back(c);
    return;
  }
  auto from_table = [&](std::string_view table, char32_t first) {
    const char base = table[c - first];
    if (base == '.') {
      out->push_back(c);
    } else {
      out->push_back(static_cast<unsigned char>(base));
    }
  };
  if (c >= 0xC0 && c <= 0xFF) {
    from_table(kLatin1Base, 0xC0);
    return;
  }
  switch (c) {
    case 0xA0:
    case 0xA8:
    case 0xAF:
    case 0xB4:
    case 0xB8:
      out->push_back(U' ');  // NBSP, and spacing accents (space + mark)
      return;
    case 0xAA:
      out->push_back(U'a');
      return;
    case 0xBA:
      out->push_back(U'o');
      return;
    case 0xB2:
      out->push_back(U'2');
      return;
    case 0xB3:
      out->push_back(U'3');
      return;
    case 0xB9:
      out->push_back(U'1');
      return;
    case 0xB5:
      out->push_back(0x3BC);
      return;
    case 0xBC:
      out->append(U"1\u20444");
      return;
    case 0xBD:
      out->append(U"1\u20442");
      return;
    case 0xBE:
      out->append(U"3\u20444");
      return;
    case 0x132:
      out->append(U"IJ");
      return;
    case 0x133:
      out->append(U"ij");
      return;
    case 0x13F:
      out->append(U"L\u00B7");
      return;
    case 0x140:
      out->append(U"l\u00B7");
      return;
    case 0x149:
      out->append(U"\u02BCn");
      return;
    case 0x2024:
      out->append(U".");
      return;
    case 0x2025:
      out->append(U"..");
      return;
    case 0x2026:
      out->append(U"...");
      return;
    case 0x2122:
      out->append(U"TM");
      return;
    case 0x2116:
      out->append(U"No");
      return;
    default:
      break;
  }
  if (c >= 0x100 && c <= 0x17F) {
    from_table(kLatinExtABase, 0x100);
    return;
  }
  if (c == 0x218 || c == 0x219) {
    out->push_back(c == 0x218 ? U'S' : U's');
    return;
  }
  if (c == 0x21A || c == 0x21B) {
    out->push_back(c == 0x21A ? U'T' : U't');
    return;
  }
  if (c >= 0x1EA0 && c <= 0x1EF9) {
    // Vietnamese letters: base vowel depends on the block range only.
    const bool lower = c % 2 == 1;
    char32_t base = U'y';
    if (c <= 0x1EB7) {
      base = U'a';
    } else if (c <= 0x1EC7) {
      base = U'e';
    } else if (c <= 0x1ECB) {
      base = U'i';
    } else if (c <= 0x1EE3) {
      base = U'o';
    } else if (c <= 0x1EF1) {
      base = U'u';
    }
    out->push_back(lower ? base : base - 32);
    return;
  }
  if (c >= 0x2000 && c <= 0x200A) {
    out->push_back(U' ');
    return;
  }
  if (c == 0x2070) {
    out->push_back(U'0');
    return;
  }
  if ((c >= 0x2074 && c <= 0x2079) || (c >= 0x2080 && c <= 0x2089)) {
    out->push_back(U'0' + (c & 0xF));
    return;
  }
  if (c >= 0xFB00 && c <= 0xFB06) {
    static constexpr std::u32string_view kLigatures[] = {
        U"ff", U"fi", U"fl", U"ffi", U"ffl", U"st", U"st"};
    out->append(kLigatures[c - 0xFB00]);
    return;
  }
  if (c >= 0xFF01 && c <= 0xFF5E) {
    out->push_back(c - 0xFF01 + 0x21);
    return;
  }
  if (c == 0x3000) {
    out->push_back(U' ');
    return;
  }
  if (Category(c) == CharCategory::kMark) return;
  out->push_back(c);
}

std::vector<std::u32string> SplitWhitespace(std::u32string_view s) {
  std::vector<std::u32string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    const size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::vector<std::string> SplitWhitespace(std::string_view s) {
  std::vector<std::string> out;
  for (const std::u32string& w : SplitWhitespace(DecodeUtf8(s))) {
    out.push_back(EncodeUtf8(w));
  }
  return out;
}

std::string_view TrimWhitespace(std::string_view s) {
  size_t begin = s.size();
  size_t end = 0;
  size_t i = 0;
  while (i < s.size()) {
    const size_t at = i;
    if (!IsSpace(DecodeNext(s, &i))) {
      if (begin == s.size()) begin = at;
      end = i;
    }
  }
  return begin < end ? s.substr(begin, end - begin) : std::string_view();
}

}  // namespace mmgate::score
