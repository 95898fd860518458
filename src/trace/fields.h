// Internal to trace/: the fields of one trace line, read from a simdjson
// on-demand object in one pass over its keys. Part of the block parser:
// compiled once per copy (kernel.h), in namespace MMGATE_TRACE_KERNEL.
#ifndef MMGATE_TRACE_FIELDS_H_
#define MMGATE_TRACE_FIELDS_H_

#include <simdjson.h>

#include "trace/kernel.h"

#ifndef MMGATE_TRACE_KERNEL
#error "MMGATE_TRACE_KERNEL names the parser copy (baseline or haswell)"
#endif

namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL {

// Reads `obj` into *out (its record's inputs_json is left to the caller).
void ReadFields(simdjson::ondemand::object obj, LineFields* out);

}  // namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL

#endif  // MMGATE_TRACE_FIELDS_H_
