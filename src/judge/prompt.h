// What the judge model is asked and how its reply is read. The prompt holds
// the rubric (scale, failure modes, instructions), the item's prompt and
// references, and the answer(s) under test; the item's media travel beside
// it as the request's media (images and audio in the provider's format).
//
// Injection: text from the dataset and the model under test is untrusted. It
// is written as a JSON string literal with every '<' and '>' escaped
// (\u003c, \u003e), between markers that carry a nonce and use '<' and '>',
// so no answer can close its block, forge a marker or start a new section,
// and the prompt says the blocks are data to grade. The reply is read only
// as one JSON object checked against the verdict schema; a grade off the
// scale, an unknown failure mode, missing or extra keys, or no JSON at all
// make the verdict unparsable (the item stays unscored, never wrong).
//
// Pure functions: thread-safe.
#ifndef MMGATE_JUDGE_PROMPT_H_
#define MMGATE_JUDGE_PROMPT_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "dataset/item.h"
#include "judge/rubric.h"

namespace mmgate::judge {

// Untrusted text as a JSON string literal that holds no '<' or '>'.
std::string QuoteUntrusted(const std::string& text);

// Score mode: grade one answer on the rubric.
std::string ScorePrompt(const Rubric& rubric, const Item& item,
                        const std::string& answer);
// Pairwise mode: which of two answers is better, "A" shown first.
std::string PairwisePrompt(const Rubric& rubric, const Item& item,
                           const std::string& answer_a,
                           const std::string& answer_b);

struct ScoreVerdict {
  int grade = 0;  // index on the rubric's scale, 0 the worst
  std::string grade_name;
  std::vector<std::string> failure_modes;
  std::string rationale;
};

enum class Preference { kA, kB, kTie };

struct PairVerdict {
  Preference winner = Preference::kTie;
  std::string rationale;
};

// The verdict in a judge's reply (a ```json fence around it is allowed).
Result<ScoreVerdict> ParseScoreVerdict(const std::string& reply,
                                       const Rubric& rubric);
Result<PairVerdict> ParsePairVerdict(const std::string& reply);

// A judge prompt read back: what a local judge (the adapter's rules-judge)
// takes from the same text an LLM judge is sent. The untrusted blocks are
// decoded from their JSON literals, so an answer holding a forged marker
// stays inside its block.
struct PromptParts {
  bool pairwise = false;
  std::vector<std::string> grades;         // worst first
  std::vector<std::string> failure_modes;  // names, rubric order
  std::vector<std::string> references;
  std::string task;
  std::vector<std::string> answers;  // score: one; pairwise: A then B
};
// An error names the section that is missing or malformed.
Result<PromptParts> ParsePrompt(const std::string& prompt);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_PROMPT_H_
