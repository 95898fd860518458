// The one libSoX session of the process. sox_init() may run only once per
// process (a second call aborts inside libSoX's FFT cache set-up) and
// libSoX's globals are not thread-safe, so every box that calls libSoX goes
// through these.
#ifndef MMGATE_MEDIA_SOX_H_
#define MMGATE_MEDIA_SOX_H_

#include <mutex>
#include <string>

#include "common/status.h"

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

}  // namespace mmgate::media

#endif  // MMGATE_MEDIA_SOX_H_
