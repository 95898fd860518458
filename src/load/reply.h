// Reading a whole (not streamed) reply into an Outcome, shared by the
// libcurl sender (http_sender.h) and the event-loop client (asio_driver.h):
// an error status is an error of its kind (remote/retry.h's names), a 2xx
// body is parsed by the provider's Wire for the usage and the answer.
//
// Thread-safety: a pure function of its arguments (Wire::Parse is const).
// Failure: sets `o->error_kind` ("bad_response", "provider_error" or the
// status's kind) and a redacted `o->error`; never throws.
#ifndef MMGATE_LOAD_REPLY_H_
#define MMGATE_LOAD_REPLY_H_

#include <string>

#include "load/driver.h"
#include "remote/wire.h"

namespace mmgate::load {

void ReadWholeReply(const remote::Wire& wire, const remote::WireConfig& config,
                    int status, const std::string& body, bool keep_answer,
                    Outcome* o);

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_REPLY_H_
