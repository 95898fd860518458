// libFuzzer target: the OpenAI wire's reply and stream parsers (wire_fuzz.h).
#include "wire_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* wire = mmgate::remote::MakeOpenAIWire().release();
  mmgate::fuzz::FuzzWire(*wire, data, size);
  return 0;
}
