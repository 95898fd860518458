#include "score/number_normalizer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "score/number_passes.h"
#include "score/number_words.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

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

template <typename C>
bool In(const C& c, const std::optional<Word>& w) {
  return w.has_value() && c.count(*w) > 0;
}

// The word loop of Whisper's process_words, one word at a time with the
// previous and next word as context.
class WordProcessor {
 public:
  Words Run(const Words& words) {
    const NumberWords& t = Numbers();
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
    const NumberWords& t = Numbers();
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

  void Step(const NumberWords& t, const std::optional<Word>& prev,
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

  void Special(const NumberWords& t, const std::optional<Word>& prev,
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

}  // namespace

std::u32string NormalizeEnglishNumbers(std::u32string_view text) {
  const Words words =
      WordProcessor().Run(SplitWhitespace(PreprocessNumbers(text)));
  std::u32string joined;
  for (const Word& w : words) {
    if (!joined.empty()) joined.push_back(U' ');
    joined += w;
  }
  return PostprocessNumbers(joined);
}

}  // namespace mmgate::score
