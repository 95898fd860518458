#include "media/sox.h"

#include <sox.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace mmgate::media {
namespace {

thread_local std::string last_message;

void CaptureSoxMessage(unsigned level, const char* /*filename*/,
                       const char* fmt, va_list ap) {
  if (level > 2) return;  // failures and warnings only
  char buf[512];
  std::vsnprintf(buf, sizeof(buf), fmt, ap);
  last_message = buf;
}

}  // namespace

Status InitSox() {
  static std::once_flag once;
  static int rc = SOX_SUCCESS;
  std::call_once(once, [] {
    sox_globals.verbosity = 2;
    sox_globals.output_message_handler = CaptureSoxMessage;
    sox_globals.repeatable = sox_true;
    rc = sox_init();
  });
  if (rc != SOX_SUCCESS) {
    return Status::Internal("libsox initialisation (sox_init) failed");
  }
  return Status::Ok();
}

std::mutex& SoxMutex() {
  static std::mutex mu;
  return mu;
}

std::string TakeSoxMessage() {
  std::string out;
  out.swap(last_message);
  return out;
}

void SoxFormatCloser::operator()(sox_format_t* f) const { sox_close(f); }

void SoxChainDeleter::operator()(sox_effects_chain_t* c) const {
  sox_delete_effects_chain(c);
}

void SoxEffectDeleter::operator()(sox_effect_t* e) const { std::free(e); }

}  // namespace mmgate::media
