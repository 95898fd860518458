// Internal to trace/: the fields of one trace line, read from a simdjson
// on-demand object in one pass over its keys.
#ifndef MMGATE_TRACE_FIELDS_H_
#define MMGATE_TRACE_FIELDS_H_

#include <simdjson.h>

#include <string>
#include <vector>

#include "store/records.h"

namespace mmgate::trace::internal {

struct LineFields {
  store::TraceRecord record;
  std::vector<std::string> media_paths;  // relative paths, as written
  std::string error;                     // set: the line is malformed
  bool json_error = false;  // the error is simdjson's (not a bad field)

  // Empties every field for the next line, keeping the buffers.
  void Reset() {
    store::TraceRecord& r = record;
    for (std::string* s :
         {&r.trace_id, &r.model_version, &r.inputs_ref, &r.inputs_json,
          &r.decision, &r.category, &r.outcome, &r.request_hash})
      s->clear();
    r.created_ms = 0;
    media_paths.clear();
    error.clear();
    json_error = false;
  }
};

// Reads `obj` into *out (its record's inputs_json is left to the caller).
void ReadFields(simdjson::ondemand::object obj, LineFields* out);

}  // namespace mmgate::trace::internal

#endif  // MMGATE_TRACE_FIELDS_H_
