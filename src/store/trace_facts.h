// The facts of a trace's inputs that flip analysis reads (modality, slices,
// ground truth, production's confidence), read with simdjson's on-demand
// parser. Schema 6 keeps them beside each trace (the trace_facts table), so
// an analysis of millions of decisions reads a narrow table, not every
// request whole.
//
// Not thread-safe (one parser and buffer per reader). Failure behaviour: an
// input it does not read whole (bad JSON, a field of another type, media
// entries) returns false; such a trace is stored without facts and its
// reader parses the inputs the complete way (trace/trace.h's ParseInputs),
// so both paths give the same result.
#ifndef MMGATE_STORE_TRACE_FACTS_H_
#define MMGATE_STORE_TRACE_FACTS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmgate::store {

struct TraceFacts {
  std::string modality = "text";
  std::vector<std::pair<std::string, std::string>> slices;  // in file order
  std::string ground_truth;                                 // empty: unknown
  double confidence = -1;                                   // -1: not given
};

class TraceFactsReader {
 public:
  TraceFactsReader();
  ~TraceFactsReader();
  TraceFactsReader(const TraceFactsReader&) = delete;
  TraceFactsReader& operator=(const TraceFactsReader&) = delete;

  // Sets *out from inputs_json; false (out unchanged) when the fast path
  // does not apply. out's strings keep their storage from call to call.
  bool Read(std::string_view inputs_json, TraceFacts* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mmgate::store

#endif  // MMGATE_STORE_TRACE_FACTS_H_
