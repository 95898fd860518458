// The number words of Whisper's EnglishNumberNormalizer ("twenty",
// "thousandth", "dollars", ...), shared by its word pass and its text passes.
#ifndef MMGATE_SCORE_NUMBER_WORDS_H_
#define MMGATE_SCORE_NUMBER_WORDS_H_

#include <map>
#include <set>
#include <string>
#include <utility>

namespace mmgate::score {

using Word = std::u32string;

struct NumberWords {
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

  NumberWords();
};

const NumberWords& Numbers();

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_NUMBER_WORDS_H_
