#include "load/reply.h"

#include <fmt/format.h>
#include <simdjson.h>

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

struct ReplyReader::Json {
  simdjson::dom::parser parser;
};

ReplyReader::ReplyReader(const remote::Wire* wire,
                         const remote::WireConfig* config, bool openai_chat,
                         bool keep_answer)
    : wire_(wire), config_(config), keep_answer_(keep_answer) {
  if (openai_chat && config->endpoint != "transcriptions")
    json_ = std::make_unique<Json>();
}

ReplyReader::~ReplyReader() = default;

void ReplyReader::Read(int status, const std::string& body, Outcome* o) {
  if (json_ && status >= 200 && status < 300 && ReadOpenAIChat(body, o)) {
    o->http_status = status;
    return;
  }
  ReadWholeReply(*wire_, *config_, status, body, keep_answer_, o);
}

// True when the reply was the common case and `o` is filled; false leaves
// `o` untouched for the Wire to read (and name what is wrong).
bool ReplyReader::ReadOpenAIChat(const std::string& body, Outcome* o) {
  simdjson::dom::element root;
  if (json_->parser.parse(body).get(root) != simdjson::SUCCESS) return false;
  simdjson::dom::object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) return false;
  simdjson::dom::element e;
  if (top.at_key("error").get(e) == simdjson::SUCCESS && !e.is_null())
    return false;
  std::string_view answer;
  if (top.at_pointer("/choices/0/message/content").get(answer) !=
      simdjson::SUCCESS)
    return false;
  simdjson::dom::object usage;
  if (top.at_key("usage").get(usage) == simdjson::SUCCESS) {
    int64_t n;
    for (const char* k : {"prompt_tokens", "input_tokens"})
      if (usage.at_key(k).get(n) == simdjson::SUCCESS) o->input_tokens = n;
    for (const char* k : {"completion_tokens", "output_tokens"})
      if (usage.at_key(k).get(n) == simdjson::SUCCESS) o->output_tokens = n;
  }
  if (keep_answer_) o->answer.assign(answer.data(), answer.size());
  return true;
}

}  // namespace mmgate::load
