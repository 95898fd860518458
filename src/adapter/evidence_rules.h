// The rules of the local evidence judge (provider `rules-judge`): a grade
// and failure modes for an answer, from the item's references and the
// engine's reading of the media (Tesseract's text of the image,
// PocketSphinx's transcript of the audio). Rules, not a language model: it
// compares strings, so it can neither see layout nor understand meaning.
//
// The references decide the grade when the item has any; the reading names
// the failure mode (a wrong answer that is printed on the page is another
// field's value; one that is not is made up) and decides the grade of an
// item without references. Grades are placed on the rubric's own scale by
// their position (best, one below, middle, one above worst, worst), so any
// ordinal scale works; failure modes are named only when the rubric lists
// them.
//
// Pure functions: thread-safe.
#ifndef MMGATE_ADAPTER_EVIDENCE_RULES_H_
#define MMGATE_ADAPTER_EVIDENCE_RULES_H_

#include <string>
#include <vector>

namespace mmgate::adapter {

struct EvidenceCase {
  bool audio = false;                      // words compared, not characters
  std::string modality;                    // the item's: "chart" reads numbers
  std::vector<std::string> grades;         // the rubric's, worst first
  std::vector<std::string> failure_modes;  // the rubric's names
  std::vector<std::string> references;
  std::string answer;
  std::string reading;  // what the engine read from the media
};

struct EvidenceVerdict {
  std::string grade;
  double quality = 0;  // 0 worst .. 1 best, before placing on the scale
  std::vector<std::string> failure_modes;
  std::string rationale;
};

EvidenceVerdict GradeByEvidence(const EvidenceCase& c);

// The verdict as the judge schema's JSON object (judge/prompt.h).
std::string VerdictJson(const EvidenceVerdict& v);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_EVIDENCE_RULES_H_
