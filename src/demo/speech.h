// Speech synthesis through the eSpeak NG and Flite C APIs, for the demo's
// audio suite. Both engines draw noise from the C library's rand(), seeded
// per utterance. Flite runs in process under one lock; eSpeak NG keeps
// waveform state that no API call resets, so each utterance runs in a
// short-lived child process.
#ifndef MMGATE_DEMO_SPEECH_H_
#define MMGATE_DEMO_SPEECH_H_

#include <cstdint>
#include <span>
#include <string>

#include "common/status.h"
#include "media/audio.h"

namespace mmgate::demo {

enum class TtsEngine { kEspeak, kFlite };

struct Voice {
  TtsEngine engine;
  const char* name;    // eSpeak NG voice ("en-gb-x-rp") or Flite voice ("slt")
  const char* accent;  // the `accent` slice
};

// The demo's voices: US (eSpeak en-us; Flite slt, rms, kal), British RP,
// Scottish (eSpeak en-gb-scotland; Flite awb), Caribbean, West Midlands and
// Lancaster.
std::span<const Voice> DemoVoices();
// "espeak-en-gb-x-rp", "flite-slt": the `voice` slice.
std::string VoiceId(const Voice& v);

// Mono speech at the engine's own rate (eSpeak NG 22,050 Hz, Flite 16 kHz
// or 8 kHz for kal). The same voice, text and seed give the same samples.
Result<media::Audio> Synthesize(const Voice& voice, const std::string& text,
                                uint32_t seed);

}  // namespace mmgate::demo

#endif  // MMGATE_DEMO_SPEECH_H_
