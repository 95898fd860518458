#include "score/number_normalizer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "score/unicode.h"

namespace mmgate::score {
namespace {

using Word = std::u32string;
using Words = std::vector<Word>;

// A number under construction: an integer (kept as canonical decimal digits,
// since "nine decillion" does not fit any machine word) or a digit string
// such as "2." or "007" that has to keep its exact spelling.
struct Value {
  enum class Kind { kNone, kInt, kStr };
  Kind kind = Kind::kNone;
  std::string text;

  bool none() const { return kind == Kind::kNone; }
  bool is_int() const { return kind == Kind::kInt; }
  bool is_str() const { return kind == Kind::kStr; }
  // Python's `str(value or "")`: None and integer zero both give "".
  std::string OrEmpty() const {
    return (none() || (is_int() && text == "0")) ? "" : text;
  }
};

Value Int(std::string digits) {
  size_t lead = 0;
  while (lead + 1 < digits.size() && digits[lead] == '0') ++lead;
  return {Value::Kind::kInt, digits.empty() ? "0" : digits.substr(lead)};
}
Value Str(std::string s) { return {Value::Kind::kStr, std::move(s)}; }

std::string BigAdd(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int sum = carry;
    if (i < a.size()) sum += a[a.size() - 1 - i] - '0';
    if (i < b.size()) sum += b[b.size() - 1 - i] - '0';
    out.push_back(static_cast<char>('0' + sum % 10));
    carry = sum / 10;
  }
  return {out.rbegin(), out.rend()};
}

// value % 10^k for a canonical integer.
int LastDigits(const std::string& digits, int k) {
  int v = 0;
  const size_t start =
      digits.size() > static_cast<size_t>(k) ? digits.size() - k : 0;
  for (size_t i = start; i < digits.size(); ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

std::string Pow10(int exponent, int times) {
  return times == 0 ? "0" : std::to_string(times) + std::string(exponent, '0');
}

// before + residual * multiplier, with before = value // 1000 * 1000 and
// residual = value % 1000: "two thousand three hundred" keeps the thousands.
std::string ApplyMultiplier(const std::string& value, int exponent) {
  const std::string before =
      value.size() > 3 ? value.substr(0, value.size() - 3) + "000" : "0";
  return Int(BigAdd(before, Pow10(exponent, LastDigits(value, 3)))).text;
}

// Fraction(s) * 10^exponent when s parses as a decimal and the product is an
// integer; nullopt otherwise.
std::optional<std::string> DecimalTimesPow10(const std::string& s,
                                             int exponent) {
  const size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  auto all_digits = [](const std::string& t) {
    for (char c : t) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (!all_digits(whole) || !all_digits(frac) ||
      (whole.empty() && frac.empty())) {
    return std::nullopt;
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (static_cast<int>(frac.size()) > exponent) return std::nullopt;
  return Int(whole + frac + std::string(exponent - frac.size(), '0')).text;
}

bool IsPlainNumber(std::u32string_view w) {
  // ^\d+(\.\d+)?$
  size_t i = 0;
  while (i < w.size() && IsAsciiDigit(w[i])) ++i;
  if (i == 0) return false;
  if (i == w.size()) return true;
  if (w[i] != U'.') return false;
  const size_t frac_start = ++i;
  while (i < w.size() && IsAsciiDigit(w[i])) ++i;
  return i == w.size() && i > frac_start;
}

std::string Ascii(std::u32string_view w) { return EncodeUtf8(w); }

struct Tables {
  std::set<Word> zeros{U"o", U"oh", U"zero"};
  std::map<Word, int> ones;
  std::map<Word, std::pair<int, std::string>> ones_suffixed;
  std::map<Word, int> tens;
  std::map<Word, std::pair<int, std::string>> tens_suffixed;
  std::map<Word, int> multipliers;  // name -> power of ten
  std::map<Word, std::pair<int, std::string>> multipliers_suffixed;
  std::set<Word> decimals;
  std::map<Word, char32_t> preceding_prefixers{{U"minus", U'-'},
                                               {U"negative", U'-'},
                                               {U"plus", U'+'},
                                               {U"positive", U'+'}};
  std::map<Word, char32_t> following_prefixers{
      {U"pound", U'£'},  {U"pounds", U'£'},  {U"euro", U'€'}, {U"euros", U'€'},
      {U"dollar", U'$'}, {U"dollars", U'$'}, {U"cent", U'¢'}, {U"cents", U'¢'}};
  std::u32string prefixes = U"-+£€$¢";
  std::set<Word> specials{U"and", U"double", U"triple", U"point"};
  std::set<Word> words;

  Tables() {
    static constexpr const char32_t* kOnes[] = {
        U"one",     U"two",       U"three",    U"four",     U"five",
        U"six",     U"seven",     U"eight",    U"nine",     U"ten",
        U"eleven",  U"twelve",    U"thirteen", U"fourteen", U"fifteen",
        U"sixteen", U"seventeen", U"eighteen", U"nineteen"};
    for (int i = 0; i < 19; ++i) {
      const Word name = kOnes[i];
      const int value = i + 1;
      ones[name] = value;
      ones_suffixed[value == 6 ? Word(U"sixes") : name + U"s"] = {value, "s"};
      if (value > 3 && value != 5 && value != 12) {
        // Whisper's rule: "eight" -> "eighth", but also "nine" -> "nineth".
        ones_suffixed[name + (name.back() == U't' ? U"h" : U"th")] = {value,
                                                                      "th"};
      }
    }
    ones_suffixed[U"zeroth"] = {0, "th"};
    ones_suffixed[U"first"] = {1, "st"};
    ones_suffixed[U"second"] = {2, "nd"};
    ones_suffixed[U"third"] = {3, "rd"};
    ones_suffixed[U"fifth"] = {5, "th"};
    ones_suffixed[U"twelfth"] = {12, "th"};
    static constexpr const char32_t* kTens[] = {
        U"twenty", U"thirty",  U"forty",  U"fifty",
        U"sixty",  U"seventy", U"eighty", U"ninety"};
    for (int i = 0; i < 8; ++i) {
      const Word name = kTens[i];
      const Word stem = name.substr(0, name.size() - 1);  // drop the 'y'
      tens[name] = 20 + 10 * i;
      tens_suffixed[stem + U"ies"] = {20 + 10 * i, "s"};
      tens_suffixed[stem + U"ieth"] = {20 + 10 * i, "th"};
    }
    static constexpr const char32_t* kMultipliers[] = {
        U"hundred",    U"thousand",    U"million",     U"billion",
        U"trillion",   U"quadrillion", U"quintillion", U"sextillion",
        U"septillion", U"octillion",   U"nonillion",   U"decillion"};
    for (int i = 0; i < 12; ++i) {
      const int exponent = i == 0 ? 2 : 3 * i;
      multipliers[kMultipliers[i]] = exponent;
      multipliers_suffixed[Word(kMultipliers[i]) + U"s"] = {exponent, "s"};
      multipliers_suffixed[Word(kMultipliers[i]) + U"th"] = {exponent, "th"};
    }
    for (const auto& [k, v] : ones) decimals.insert(k);
    for (const auto& [k, v] : tens) decimals.insert(k);
    decimals.insert(zeros.begin(), zeros.end());
    for (const Word& w : zeros) words.insert(w);
    for (const auto& m : {ones, tens, multipliers}) {
      for (const auto& [k, v] : m) words.insert(k);
    }
    for (const auto& m : {ones_suffixed, tens_suffixed, multipliers_suffixed}) {
      for (const auto& [k, v] : m) words.insert(k);
    }
    for (const auto& m : {preceding_prefixers, following_prefixers}) {
      for (const auto& [k, v] : m) words.insert(k);
    }
    words.insert({U"per", U"percent"});
    words.insert(specials.begin(), specials.end());
  }
};

const Tables& T() {
  static const Tables* tables = new Tables();
  return *tables;
}

template <typename C>
bool In(const C& c, const std::optional<Word>& w) {
  return w.has_value() && c.count(*w) > 0;
}

// The word loop of Whisper's process_words, one word at a time with the
// previous and next word as context.
class WordProcessor {
 public:
  Words Run(const Words& words) {
    const Tables& t = T();
    for (size_t i = 0; i < words.size(); ++i) {
      if (skip_) {
        skip_ = false;
        continue;
      }
      const std::optional<Word> prev =
          i > 0 ? std::optional<Word>(words[i - 1]) : std::nullopt;
      const std::optional<Word> next = i + 1 < words.size()
                                           ? std::optional<Word>(words[i + 1])
                                           : std::nullopt;
      Step(t, prev, words[i], next);
    }
    if (!value_.none()) Output(value_.text);
    return std::move(out_);
  }

 private:
  void Output(const std::string& result) {
    Word w;
    if (prefix_) w.push_back(*prefix_);
    w += DecodeUtf8(result);
    out_.push_back(std::move(w));
    value_ = Value();
    prefix_.reset();
  }
  void OutputWord(const Word& w) {
    Word full;
    if (prefix_) full.push_back(*prefix_);
    out_.push_back(full + w);
    value_ = Value();
    prefix_.reset();
  }
  void FlushValue() {
    if (!value_.none()) Output(value_.text);
  }

  // "twenty" + "one" style arithmetic shared by cardinal and ordinal ones.
  std::string CombineOnes(int ones, const std::optional<Word>& prev,
                          bool* as_int) {
    const Tables& t = T();
    *as_int = false;
    if (value_.is_str() || In(t.ones, prev)) {
      if (In(t.tens, prev) && ones < 10) {
        return value_.text.substr(0, value_.text.size() - 1) +
               std::to_string(ones);
      }
      return value_.text + std::to_string(ones);
    }
    const int modulus = ones < 10 ? 10 : 100;
    if (LastDigits(value_.text, ones < 10 ? 1 : 2) % modulus == 0) {
      *as_int = true;
      return BigAdd(value_.text, std::to_string(ones));
    }
    return value_.text + std::to_string(ones);
  }

  void Step(const Tables& t, const std::optional<Word>& prev,
            const Word& current, const std::optional<Word>& next) {
    const bool next_is_numeric = next.has_value() && IsPlainNumber(*next);
    const bool has_prefix = t.prefixes.find(current[0]) != Word::npos;
    const Word without_prefix = has_prefix ? current.substr(1) : current;
    if (IsPlainNumber(without_prefix)) {
      if (!value_.none()) {
        if (value_.is_str() && value_.text.back() == '.') {
          value_.text += Ascii(current);  // decimals and IP address parts
          return;
        }
        Output(value_.text);
      }
      if (has_prefix) prefix_ = current[0];
      const std::string digits = Ascii(without_prefix);
      if (DecimalTimesPow10(digits, 0)) {
        value_ = Int(*DecimalTimesPow10(digits, 0));
      } else {
        value_ = Str(digits);
      }
    } else if (t.words.count(current) == 0) {
      FlushValue();
      OutputWord(current);
    } else if (t.zeros.count(current)) {
      value_ = Str(value_.OrEmpty() + "0");
    } else if (t.ones.count(current)) {
      const int ones = t.ones.at(current);
      if (value_.none()) {
        value_ = Int(std::to_string(ones));
      } else {
        bool as_int = false;
        std::string combined = CombineOnes(ones, prev, &as_int);
        value_ = as_int ? Int(combined) : Str(combined);
      }
    } else if (t.ones_suffixed.count(current)) {
      const auto& [ones, suffix] = t.ones_suffixed.at(current);
      if (value_.none()) {
        Output(std::to_string(ones) + suffix);
      } else {
        bool as_int = false;
        Output(CombineOnes(ones, prev, &as_int) + suffix);
      }
    } else if (t.tens.count(current)) {
      const int tens = t.tens.at(current);
      if (value_.none()) {
        value_ = Int(std::to_string(tens));
      } else if (value_.is_str() || LastDigits(value_.text, 2) != 0) {
        value_ = Str(value_.text + std::to_string(tens));
      } else {
        value_ = Int(BigAdd(value_.text, std::to_string(tens)));
      }
    } else if (t.tens_suffixed.count(current)) {
      const auto& [tens, suffix] = t.tens_suffixed.at(current);
      if (value_.none()) {
        Output(std::to_string(tens) + suffix);
      } else if (value_.is_str() || LastDigits(value_.text, 2) != 0) {
        Output(value_.text + std::to_string(tens) + suffix);
      } else {
        Output(BigAdd(value_.text, std::to_string(tens)) + suffix);
      }
    } else if (t.multipliers.count(current)) {
      const int exponent = t.multipliers.at(current);
      if (value_.none()) {
        value_ = Int(Pow10(exponent, 1));
      } else if (value_.is_str() || value_.text == "0") {
        if (auto product = DecimalTimesPow10(value_.text, exponent)) {
          value_ = Int(*product);
        } else {
          Output(value_.text);
          value_ = Int(Pow10(exponent, 1));
        }
      } else {
        value_ = Int(ApplyMultiplier(value_.text, exponent));
      }
    } else if (t.multipliers_suffixed.count(current)) {
      const auto& [exponent, suffix] = t.multipliers_suffixed.at(current);
      if (value_.none()) {
        Output(Pow10(exponent, 1) + suffix);
      } else if (value_.is_str()) {
        if (auto product = DecimalTimesPow10(value_.text, exponent)) {
          Output(*product + suffix);
        } else {
          Output(value_.text);
          Output(Pow10(exponent, 1) + suffix);
        }
      } else {
        Output(ApplyMultiplier(value_.text, exponent) + suffix);
      }
      value_ = Value();
    } else if (t.preceding_prefixers.count(current)) {
      FlushValue();
      if (In(t.words, next) || next_is_numeric) {
        prefix_ = t.preceding_prefixers.at(current);
      } else {
        OutputWord(current);
      }
    } else if (t.following_prefixers.count(current)) {
      if (!value_.none()) {
        prefix_ = t.following_prefixers.at(current);
        Output(value_.text);
      } else {
        OutputWord(current);
      }
    } else if (current == U"per" || current == U"percent") {
      if (value_.none()) {
        OutputWord(current);
      } else if (current == U"percent") {
        Output(value_.text + "%");
      } else if (next == U"cent") {
        Output(value_.text + "%");
        skip_ = true;
      } else {
        Output(value_.text);
        OutputWord(current);
      }
    } else {
      Special(t, prev, current, next, next_is_numeric);
    }
  }

  void Special(const Tables& t, const std::optional<Word>& prev,
               const Word& current, const std::optional<Word>& next,
               bool next_is_numeric) {
    if (!In(t.words, next) && !next_is_numeric) {
      FlushValue();
      OutputWord(current);
    } else if (current == U"and") {
      // "and" after hundreds, thousands, ... is part of the number.
      if (!In(t.multipliers, prev)) {
        FlushValue();
        OutputWord(current);
      }
    } else if (current == U"double" || current == U"triple") {
      if (In(t.ones, next) || In(t.zeros, next)) {
        const int repeats = current == U"double" ? 2 : 3;
        const int digit = t.ones.count(*next) ? t.ones.at(*next) : 0;
        std::string text = value_.OrEmpty();
        for (int r = 0; r < repeats; ++r) text += std::to_string(digit);
        value_ = Str(text);
        skip_ = true;
      } else {
        FlushValue();
        OutputWord(current);
      }
    } else if (In(t.decimals, next) || next_is_numeric) {  // "point"
      value_ = Str(value_.OrEmpty() + ".");
    }
  }

  Words out_;
  Value value_;
  std::optional<char32_t> prefix_;
  bool skip_ = false;
};

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
  const Tables& t = T();
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
    for (const auto& [name, exponent] : T().multipliers) names.push_back(name);
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
std::u32string Postprocess(std::u32string_view s) {
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

}  // namespace

std::u32string NormalizeEnglishNumbers(std::u32string_view text) {
  const std::u32string pre =
      SplitLettersAndDigits(HalfMultipliers(SplitHalves(text)));
  const Words words = WordProcessor().Run(SplitWhitespace(pre));
  std::u32string joined;
  for (const Word& w : words) {
    if (!joined.empty()) joined.push_back(U' ');
    joined += w;
  }
  return Postprocess(joined);
}

}  // namespace mmgate::score
