// The English normalizer against a conformance table of (input, expected)
// pairs. The expectations follow OpenAI Whisper's EnglishTextNormalizer; they
// include the examples of Whisper's own tests (the first block) and were
// checked against Whisper's rules run on the same inputs with our spelling
// list. Our one deliberate difference (typographic apostrophes) is tested
// separately below.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "score/english_normalizer.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

struct Case {
  const char* input;
  const char* expected;
};

const std::vector<Case>& ConformanceTable() {
  static const auto* cases = new std::vector<Case>{
      {"two", "2"},
      {"thirty one", "31"},
      {"five twenty four", "524"},
      {"nineteen ninety nine", "1999"},
      {"twenty nineteen", "2019"},
      {"two point five million", "2500000"},
      {"four point two billions", "4200000000s"},
      {"200 thousand", "200000"},
      {"200 thousand dollars", "$200000"},
      {"$20 million", "$20000000"},
      {"€52.4 million", "€52400000"},
      {"£77 thousands", "£77000s"},
      {"two double o eight", "2008"},
      {"three thousand twenty nine", "3029"},
      {"forty three thousand two hundred sixty", "43260"},
      {"forty three thousand two hundred and sixty", "43260"},
      {"nineteen fifties", "1950s"},
      {"thirty first", "31st"},
      {"thirty three thousand and three hundred and thirty third", "33333rd"},
      {"three billion", "3000000000"},
      {"millions", "1000000s"},
      {"july third twenty twenty", "july 3rd 2020"},
      {"august twenty sixth twenty twenty one", "august 26th 2021"},
      {"3 14", "3 14"},
      {"3.14", "3.14"},
      {"3 point 2", "3.2"},
      {"3 point 14", "3.14"},
      {"fourteen point 4", "14.4"},
      {"two point two five dollars", "$2.25"},
      {"two hundred million dollars", "$200000000"},
      {"$20.1 million", "$20100000"},
      {"ninety percent", "90%"},
      {"seventy six per cent", "76%"},
      {"double oh seven", "007"},
      {"double zero seven", "007"},
      {"nine one one", "911"},
      {"nine double one", "911"},
      {"one triple oh one", "10001"},
      {"two thousandth", "2000th"},
      {"thirty two thousandth", "32000th"},
      {"minus 500", "-500"},
      {"positive twenty thousand", "+20000"},
      {"two dollars and seventy cents", "$2.70"},
      {"3 cents", "¢3"},
      {"$0.36", "¢36"},
      {"three euros and sixty five cents", "€3.65"},
      {"three and a half million", "3500000"},
      {"forty eight and a half dollars", "$48.5"},
      {"b747", "b 747"},
      {"10 th", "10th"},
      {"10th", "10th"},
      {"Let's", "let us"},
      {"he's like", "he is like"},
      {"she's been like", "she has been like"},
      {"10km", "10 km"},
      {"10mm", "10 mm"},
      {"RC232", "rc 232"},
      {"Mr. Park visited Assoc. Prof. Kim Jr.",
       "mister park visited associate professor kim junior"},
      {"mobilisation", "mobilization"},
      {"cancelation", "cancellation"},
      {"one point five", "one.5"},
      {"I won't pay $20 million", "i will not pay $20000000"},
      {"sixty-five percent", "65%"},
      {"Hello, World!", "hello world"},
      {"The colour of the theatre's centre.",
       "the color of the theater is center"},
      {"[MUSIC] hello <noise> there (laughs) friend", "hello there friend"},
      {"um so uh I think hmm yes", "so i think yes"},
      {"He said \"I'm here\", she'd gone.", "he said i am here she had gone"},
      {"You're right; they'd been there.", "you are right they had been there"},
      {"We'll see; I've done it; I'm fine.",
       "we will see i have done it i am fine"},
      {"It's 1,000,000 people.", "it is 1000000 people"},
      {"1,2,3", "12 3"},
      {"a..b", "a b"},
      {"The price is $5.50 today.", "the price is $5.50 today"},
      {"It costs £3 and 50p", "it costs £3 and 50 p"},
      {"Dr. St. John met Sen. Smith", "doctor saint john met senator smith"},
      {"Gov Capt Gen Lt Col Sr Esq Hon Rev Pres Rep Ald Asst",
       "governor captain general lieutenant colonel senior esquire honorable "
       "reverend president representative alderman assistant"},
      {"y'all gonna wanna gotta i'ma imma woulda coulda shoulda ma'am ain't "
       "can't",
       "you all going to want to got to i am going to i am going to would have "
       "could have should have madam aint can not"},
      {"Café naïve résumé Zoë", "cafe naive resume zoe"},
      {"Straße Øresund Æther Łódź þorn", "strasse oresund aether lodz thorn"},
      {"one", "one"},
      {"ones", "ones"},
      {"one one", "11"},
      {"I have 1 apple and 1s", "i have one apple and ones"},
      {"twenty-one years", "21 years"},
      {"first second third fourth fifth", "1st 2nd 3rd 4th 5th"},
      {"ninth nineth tenth twelfth twentieth", "ninth 9th 10th 12th 20th"},
      {"the 1990s and the nineteen nineties", "the 1990s and the 1990s"},
      {"room one oh one", "room 101"},
      {"zero", "0"},
      {"oh", "0"},
      {"o", "0"},
      {"half a million", "500000"},
      {"a half million", "500000"},
      {"half million dollars", "$500000"},
      {"one and a half", "one.5"},
      {"and a half", ""},
      {"point five", ".5"},
      {"point", "point"},
      {"a hundred", "a 100"},
      {"hundred and one", "101"},
      {"one hundred and two", "102"},
      {"five percent", "5%"},
      {"per cent", "per cent"},
      {"ten per", "10 per"},
      {"the end.", "the end"},
      {"e.g. this", "e g this"},
      {"U.S.A.", "u s a"},
      {"3.0 apples", "3 apples"},
      {"007", "7"},
      {"1.2.3.4", "one.2.3.4"},
      {"version 2.0.1", "version 2.0 one"},
      {"10%", "10%"},
      {"10 %", "10%"},
      {"% of", "% of"},
      {"50¢", "50¢"},
      {"¢50", "¢50"},
      {"$ 5", "$5"},
      {"5 $", "5 $"},
      {"€ 10", "€10"},
      {"£10.99", "£10.99"},
      {"hello... world", "hello world"},
      {"what's up?", "what is up"},
      {"it's got", "it has got"},
      {"rock 'n' roll", "rock n roll"},
      {"the dog 's bone", "the dog is bone"},
      {"'quoted'", "quoted"},
      {"twenty twenty two", "2022"},
      {"two thousand and twenty two", "2022"},
      {"one million two hundred thousand", "1200000"},
      {"1 million", "1000000"},
      {"1.5 million", "1500000"},
      {"a million", "a 1000000"},
      {"minus", "minus"},
      {"minus one", "-one"},
      {"negative five point five", "-5.5"},
      {"plus plus", "+plus"},
      {"plus 3", "+3"},
      {"the first of may", "the 1st of may"},
      {"triple x", "triple x"},
      {"double trouble", "double trouble"},
      {"double double", "double double"},
      {"triple seven", "777"},
      {"sixes and sevens", "6s and 7s"},
      {"twenties", "20s"},
      {"hundredth", "100th"},
      {"millionth", "1000000th"},
      {"thousands of people", "1000s of people"},
      {"hundreds", "100s"},
      {"one two three four", "1234"},
      {"four five six seven eight nine ten", "45678910"},
      {"eleven twelve", "1112"},
      {"nineteen", "19"},
      {"ninety nine", "99"},
      {"ninety nine thousand nine hundred ninety nine", "99999"},
      {"sixty six point six six", "66.66"},
      {"zero point zero five", "0.05"},
      {"o point five", "0.5"},
      {"twenty five dollars and five cents", "$25.05"},
      {"$2 and ¢7", "$2.07"},
      {"$3 ¢99", "$3.99"},
      {"5 cents", "¢5"},
      {"one cent", "one"},
      {"one dollar", "one"},
      {"1 dollar", "one"},
      {"50 pounds", "£50"},
      {"a pound of flour", "a pound of flour"},
      {"euro", "euro"},
      {"I'd like that", "i would like that"},
      {"I'd done it", "i had done it"},
      {"he'll", "he will"},
      {"we've", "we have"},
      {"they're", "they are"},
      {"isn't", "is not"},
      {"wasn't", "was not"},
      {"you'd've", "you would have"},
      {"Mrs Brown", "missus brown"},
      {"mr.", "mister"},
      {"state st.", "state saint"},
      {"The U.K.", "the u k"},
      {"3:45 pm", "3 45 pm"},
      {"9/11", "9 11"},
      {"1-800-555-0199", "one 800 555 199"},
      {"email@example.com", "email example com"},
      {"#hashtag", "hashtag"},
      {"C++ and C#", "c and c"},
      {"100°C", "100 c"},
      {"+44 20 7946 0958", "44 20 7946 958"},
      {"x^2 + y^2", "x 2 y 2"},
      {"a_b", "a b"},
      {"tab\tseparated\twords", "tab separated words"},
      {"   leading and trailing   ", "leading and trailing"},
  };
  return *cases;
}

TEST(NormalizerTest, ConformanceTableHasAtLeastOneHundredCases) {
  EXPECT_GE(ConformanceTable().size(), 100u);
}

TEST(NormalizerTest, ConformanceTable) {
  for (const Case& c : ConformanceTable()) {
    EXPECT_EQ(NormalizeEnglishText(c.input), c.expected)
        << "input: \"" << c.input << "\"";
  }
}

TEST(NormalizerTest, TypographicApostropheReadsAsAsciiApostrophe) {
  // Whisper would give "don t stop"; model answers use both apostrophes.
  EXPECT_EQ(NormalizeEnglishText("don\u2019t stop"), "do not stop");
  EXPECT_EQ(NormalizeEnglishText("it\u2019s fine"),
            NormalizeEnglishText("it's fine"));
}

TEST(NormalizerTest, SpellingListIsAFewHundredPairsWithoutChains) {
  EXPECT_GE(AmericanSpellingCount(), 300u);
  EXPECT_EQ(AmericanSpelling(U"colour"), U"color");
  EXPECT_EQ(AmericanSpelling(U"organisation"), U"organization");
  EXPECT_EQ(AmericanSpelling(U"theatre"), U"theater");
  EXPECT_EQ(AmericanSpelling(U"travelled"), U"traveled");
  EXPECT_EQ(AmericanSpelling(U"analyse"), U"analyze");
  EXPECT_EQ(AmericanSpelling(U"color"), U"color");
  EXPECT_EQ(AmericanSpelling(U"unknownword"), U"unknownword");
  // An American form is never itself rewritten (no chains).
  for (const char32_t* w :
       {U"color", U"center", U"organize", U"gray", U"program"}) {
    EXPECT_EQ(AmericanSpelling(w), std::u32string_view(w));
  }
}

TEST(NormalizerTest, EmptyAndWhitespaceOnly) {
  EXPECT_EQ(NormalizeEnglishText(""), "");
  EXPECT_EQ(NormalizeEnglishText("   \t\n"), "");
  EXPECT_EQ(NormalizeEnglishText("[noise] (cough) um"), "");
}

TEST(NormalizerTest, InvalidUtf8DoesNotBreakIt) {
  EXPECT_EQ(NormalizeEnglishText("ab\xff"
                                 "cd"),
            "ab cd");
}

}  // namespace
}  // namespace mmgate::score
