// One provider's reply and stream parsing under libFuzzer, the way
// RemoteModel drives them: the input is a whole 2xx body for Wire::Parse and,
// cut into three chunks at positions the input picks, a server-sent event
// stream through SseParser into the wire's StreamState. The JSON library's
// exceptions are caught as RemoteModel fences them (a reply of the wrong
// shape is a corrupt reply, not a crash); anything else is a finding.
#ifndef MMGATE_TESTS_FUZZ_WIRE_FUZZ_H_
#define MMGATE_TESTS_FUZZ_WIRE_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "remote/sse.h"
#include "remote/wire.h"

namespace mmgate::fuzz {

inline void FuzzWire(const remote::Wire& wire, const uint8_t* data,
                     size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  for (bool stream : {false, true}) {
    remote::WireConfig config;
    config.model = "m";
    config.stream = stream;
    try {
      (void)wire.Parse(body, config);
    } catch (const nlohmann::json::exception&) {
    }
    std::unique_ptr<remote::StreamState> state = wire.NewStream(config);
    if (!state) continue;
    remote::SseParser sse([&](const remote::SseEvent& e) {
      try {
        return state->OnEvent(e).ok();
      } catch (const nlohmann::json::exception&) {
        return false;
      }
    });
    const size_t a = size == 0 ? 0 : data[0] % (size + 1);
    const size_t b = size == 0 ? 0 : a + (data[size - 1] % (size - a + 1));
    const std::string_view all(body);
    if (sse.Feed(all.substr(0, a)) && sse.Feed(all.substr(a, b - a)))
      sse.Feed(all.substr(b));
    (void)sse.HasPartial();
    (void)state->Complete();
  }
  (void)wire.ErrorMessage(body);
}

}  // namespace mmgate::fuzz

#endif  // MMGATE_TESTS_FUZZ_WIRE_FUZZ_H_
