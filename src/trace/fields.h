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
};

// Reads `obj` into *out (its record's inputs_json is left to the caller).
void ReadFields(simdjson::ondemand::object obj, LineFields* out);

}  // namespace mmgate::trace::internal

#endif  // MMGATE_TRACE_FIELDS_H_
