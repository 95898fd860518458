// Reading a whole (not streamed) reply into an Outcome, shared by the
// libcurl sender (http_sender.h) and the event-loop client (asio_driver.h):
// an error status is an error of its kind (remote/retry.h's names), a 2xx
// body is parsed by the provider's Wire for the usage and the answer.
//
// Thread-safety: ReadWholeReply is a pure function of its arguments
// (Wire::Parse is const); a ReplyReader belongs to one thread.
// Failure: sets `o->error_kind` ("bad_response", "provider_error" or the
// status's kind) and a redacted `o->error`; never throws.
#ifndef MMGATE_LOAD_REPLY_H_
#define MMGATE_LOAD_REPLY_H_

#include <memory>
#include <string>

#include "load/driver.h"
#include "remote/wire.h"

namespace mmgate::load {

void ReadWholeReply(const remote::Wire& wire, const remote::WireConfig& config,
                    int status, const std::string& body, bool keep_answer,
                    Outcome* o);

// ReadWholeReply for a stream of replies. For OpenAI chat completions the
// common reply (no error, choices[0].message.content a string) is read with
// simdjson into a parser kept across replies, without building a document
// tree (the tree and its allocations were the largest cost of a request in a
// profile against nginx); any other reply goes to ReadWholeReply, so errors
// read as before.
class ReplyReader {
 public:
  // `wire` and `config` must outlive the reader.
  ReplyReader(const remote::Wire* wire, const remote::WireConfig* config,
              bool openai_chat, bool keep_answer);
  ~ReplyReader();
  void Read(int status, const std::string& body, Outcome* o);

 private:
  bool ReadOpenAIChat(const std::string& body, Outcome* o);
  struct Json;
  const remote::Wire* wire_;
  const remote::WireConfig* config_;
  bool keep_answer_;
  std::unique_ptr<Json> json_;  // set for OpenAI chat replies
};

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_REPLY_H_
