#include "load/reply.h"

#include <fmt/format.h>

#include "common/redact.h"
#include "remote/retry.h"

namespace mmgate::load {

void ReadWholeReply(const remote::Wire& wire, const remote::WireConfig& config,
                    int status, const std::string& body, bool keep_answer,
                    Outcome* o) {
  o->http_status = status;
  auto fail = [&](std::string kind, const std::string& message) {
    o->error_kind = std::move(kind);
    o->error = Redact(message);
  };
  if (status >= 400) {
    remote::HttpResponse r;
    r.status = status;
    return fail(remote::ErrorKindFor(r),
                fmt::format("HTTP {}: {}", status, wire.ErrorMessage(body)));
  }
  if (status < 200 || status >= 300)
    return fail("bad_response",
                fmt::format("HTTP {}: {}", status, remote::Preview(body)));
  Result<ModelResponse> parsed = Status::Internal("unparsed");
  try {
    parsed = wire.Parse(body, config);
  } catch (const std::exception& ex) {
    parsed =
        Status::Corrupt(fmt::format("reply has an unexpected shape ({}): {}",
                                    ex.what(), remote::Preview(body)));
  }
  if (!parsed.ok()) {
    bool corrupt = parsed.status().code() == StatusCode::kCorrupt;
    return fail(corrupt ? "bad_response" : "provider_error",
                parsed.status().message());
  }
  o->input_tokens = parsed->input_tokens;
  o->output_tokens = parsed->output_tokens;
  if (keep_answer) o->answer = std::move(parsed->answer);
}

}  // namespace mmgate::load
