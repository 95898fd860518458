#include "reference.h"

#include <simdjson.h>

#include <chrono>
#include <cstdlib>

namespace mmgate::bench::MMGATE_BENCH_KERNEL {

ReferenceResult Reference(const std::string& path) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) std::abort();
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(json, 1 << 20).get(stream)) std::abort();
  int64_t n = 0;
  size_t sink = 0;
  for (auto doc : stream) {
    std::string_view id, time, cat, decision;
    for (auto field : doc.get_object()) {
      std::string_view key = field.unescaped_key();
      if (key == "id")
        id = field.value().get_string();
      else if (key == "time")
        time = field.value().get_string();
      else if (key == "category")
        cat = field.value().get_string();
      else if (key == "decision")
        decision = field.value().get_string();
    }
    sink += id.size() + time.size() + cat.size() + decision.size();
    ++n;
  }
  ReferenceResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.docs = n + static_cast<int64_t>(sink == 0);
  r.bytes = static_cast<int64_t>(json.size());
  return r;
}

}  // namespace mmgate::bench::MMGATE_BENCH_KERNEL
