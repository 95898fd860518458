// eSpeak NG speech synthesis, shared by the demo's gold speech and the
// `espeak` model provider.
//
// Each utterance is synthesised in a short-lived child process: eSpeak NG's
// waveform generator keeps static state (the pitch-flutter and wave phases)
// that no API call resets, so in-process output would depend on everything
// spoken before. A fresh process makes each utterance a function of voice,
// parameters, text and seed only (the gold data's hashes and the response
// cache rely on it). The calling process never loads the engine.
//
// Thread-safety: may be called from any thread (each call forks its own
// child). Failure: kEngineError naming the voice and the failing step.
#ifndef MMGATE_MEDIA_ESPEAK_H_
#define MMGATE_MEDIA_ESPEAK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "media/audio.h"

namespace mmgate::media {

struct EspeakVoice {
  std::string name = "en-us";
  // Unset: the voice's own. Ranges are eSpeak NG's: rate 80..450 words per
  // minute, pitch and range 0..99, volume 0..200 (above 100 may clip).
  std::optional<int> rate, pitch, range, volume;
  uint32_t seed = 1;  // seeds the C library's rand(), which the engine draws
};

// Mono samples at the engine's rate (22,050 Hz).
Result<Audio> SynthesizeEspeak(const EspeakVoice& voice,
                               const std::string& text);

}  // namespace mmgate::media

#endif  // MMGATE_MEDIA_ESPEAK_H_
