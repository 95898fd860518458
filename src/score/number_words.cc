#include "score/number_words.h"

namespace mmgate::score {

NumberWords::NumberWords() {
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
  static constexpr const char32_t* kTens[] = {U"twenty", U"thirty", U"forty",
                                              U"fifty",  U"sixty",  U"seventy",
                                              U"eighty", U"ninety"};
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

const NumberWords& Numbers() {
  static const NumberWords* words = new NumberWords();
  return *words;
}

}  // namespace mmgate::score
