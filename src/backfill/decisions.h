// The few fields flip analysis reads from each stored decision, read with
// simdjson's on-demand parser: a trace's inputs (modality, slices, ground
// truth, production's confidence), for a trace stored without its facts,
// and the candidate's answer. At 10 million
// decisions a DOM parse of each (trace/trace.h's ParseInputs) was most of the
// analysis time.
//
// Not thread-safe (one parser and buffer per reader). Failure behaviour: a
// record the fast path does not handle whole (bad JSON, a field of another
// type, media entries) returns false, and the caller reads it the slow,
// complete way, so both paths give the same result.
#ifndef MMGATE_BACKFILL_DECISIONS_H_
#define MMGATE_BACKFILL_DECISIONS_H_

#include <memory>
#include <string>
#include <string_view>

#include "backfill/flips.h"

namespace mmgate::backfill {

class DecisionReader {
 public:
  DecisionReader();
  ~DecisionReader();
  DecisionReader(const DecisionReader&) = delete;
  DecisionReader& operator=(const DecisionReader&) = delete;

  // Sets x's modality, slices, ground_truth and production_confidence from
  // a trace's inputs_json (store/trace_facts.h's reader, the one that wrote
  // the stored facts); false (x unchanged) when the fast path does not
  // apply.
  bool ReadInputs(std::string_view inputs_json, Replayed* x);
  bool ReadInputs(std::string* inputs_json, Replayed* x);
  // As ParseCandidateAnswer for an answer that is a JSON object whose
  // "decision" is a string and "confidence", if there, a number; false for
  // any other answer.
  bool ReadAnswer(std::string_view answer, std::string* decision,
                  double* confidence);
  // The same, in place (as ReadInputs).
  bool ReadAnswer(std::string* answer, std::string* decision,
                  double* confidence);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mmgate::backfill

#endif  // MMGATE_BACKFILL_DECISIONS_H_
