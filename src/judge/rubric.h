// A judge's rubric: the ordinal grade scale (worst first), what each grade
// means, the failure modes it may name, and its instructions, read from a
// YAML file (docs/judge.md). Its hash is stored with every judgement and
// every calibration, so a changed rubric is a new, uncalibrated judge.
//
// Failure behaviour: errors name the file and line. Thread-safe (values).
#ifndef MMGATE_JUDGE_RUBRIC_H_
#define MMGATE_JUDGE_RUBRIC_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mmgate::judge {

struct Rubric {
  std::string path;
  std::string name;
  std::string modality;      // the modality it was written for (may be empty)
  std::string instructions;  // what to judge, in the rubric author's words
  // Grades worst first ("1".."5", or "fail", "pass"); descriptions may be "".
  std::vector<std::pair<std::string, std::string>> scale;
  // Failure modes in file order: name -> what it looks like.
  std::vector<std::pair<std::string, std::string>> failure_modes;
  std::string hash;  // sha256 of the file's bytes

  // Index of a grade on the scale; a JSON number 4 matches grade "4".
  std::optional<int> GradeIndex(const std::string& grade) const;
  bool HasFailureMode(const std::string& name) const;
  // 0 for the worst grade, 1 for the best.
  double Normalized(int index) const;
  // More than two grades: agreement is weighted by distance.
  bool Ordinal() const { return scale.size() > 2; }
};

Result<Rubric> LoadRubric(const std::string& path);
// The same from text already read (`path` names it in errors).
Result<Rubric> ParseRubric(const std::string& path, const std::string& text);

}  // namespace mmgate::judge

#endif  // MMGATE_JUDGE_RUBRIC_H_
