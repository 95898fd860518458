// The one libSoX session of the process. sox_init() may run only once per
// process (a second call aborts inside libSoX's FFT cache set-up) and
// libSoX's globals are not thread-safe, so every box that calls libSoX goes
// through these.
#ifndef MMGATE_MEDIA_SOX_H_
#define MMGATE_MEDIA_SOX_H_

#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"

// libSoX's handle types, kept out of this header.
struct sox_format_t;
struct sox_effects_chain_t;
struct sox_effect_t;

namespace mmgate::media {

// Initialises libSoX on first use: verbosity 2, a message handler that
// keeps messages per thread (see TakeSoxMessage) instead of printing them,
// and `repeatable` set so libSoX's internal random generator (dither,
// noise) starts from a fixed seed.
Status InitSox();

// Hold it around every sequence of libSoX calls (open, flow, close).
std::mutex& SoxMutex();

// The last failure or warning libSoX reported on this thread; clears it.
std::string TakeSoxMessage();

// Owners of libSoX handles, for every box that uses libSoX. Like any libSoX
// call, their release must happen with SoxMutex held.
struct SoxFormatCloser {
  void operator()(sox_format_t* f) const;  // sox_close
};
using SoxFormatPtr = std::unique_ptr<sox_format_t, SoxFormatCloser>;

struct SoxChainDeleter {
  void operator()(sox_effects_chain_t* c) const;  // sox_delete_effects_chain
};
using SoxChainPtr = std::unique_ptr<sox_effects_chain_t, SoxChainDeleter>;

// An effect from sox_create_effect: sox_add_effect copies it into the chain
// and the original stays the caller's to free().
struct SoxEffectDeleter {
  void operator()(sox_effect_t* e) const;
};
using SoxEffectPtr = std::unique_ptr<sox_effect_t, SoxEffectDeleter>;

}  // namespace mmgate::media

#endif  // MMGATE_MEDIA_SOX_H_
