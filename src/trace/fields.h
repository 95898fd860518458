// Internal to trace/: the fields of one trace line, read from a simdjson
// on-demand object in one pass over its keys. Part of the block parser:
// compiled once per copy (kernel.h), in namespace MMGATE_TRACE_KERNEL.
#ifndef MMGATE_TRACE_FIELDS_H_
#define MMGATE_TRACE_FIELDS_H_

#include <simdjson.h>

#include <array>
#include <cstdint>

#include "trace/kernel.h"

#ifndef MMGATE_TRACE_KERNEL
#error "MMGATE_TRACE_KERNEL names the parser copy (baseline or haswell)"
#endif

namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL {

// The known keys' order on the last line read, tried first on the next:
// traces from one producer write their keys in one order, so a key is then
// matched with one comparison. Only a guess: any order is read.
struct KeyOrder {
  std::array<int8_t, 16> index;  // by position in the object; -1: none
  KeyOrder() { index.fill(-1); }
};

// Reads `obj` into *out (its record's inputs_json is left to the caller).
void ReadFields(simdjson::ondemand::object obj, LineFields* out,
                KeyOrder* order);

}  // namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL

#endif  // MMGATE_TRACE_FIELDS_H_
