#include "demo/speech.h"

#include <flite/flite.h>
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "media/espeak.h"

// Flite's voice libraries export these without a header of their own.
extern "C" {
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_kal(const char* voxdir);
}

namespace mmgate::demo {
namespace {

constexpr Voice kVoices[] = {
    {TtsEngine::kFlite, "slt", "us"},
    {TtsEngine::kEspeak, "en-gb-x-rp", "gb-rp"},
    {TtsEngine::kFlite, "awb", "scottish"},
    {TtsEngine::kEspeak, "en-029", "caribbean"},
    {TtsEngine::kFlite, "rms", "us"},
    {TtsEngine::kEspeak, "en-gb-x-gbcwmd", "west-midlands"},
    {TtsEngine::kEspeak, "en-us", "us"},
    {TtsEngine::kEspeak, "en-gb-scotland", "scottish"},
    {TtsEngine::kFlite, "kal", "us"},
    {TtsEngine::kEspeak, "en-gb-x-gbclan", "lancaster"},
};

// Guards Flite and the C library's rand() both engines draw from.
std::mutex& TtsMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}

struct FliteState {
  bool initialised = false;
  std::map<std::string, cst_voice*> voices;
};

FliteState& Flite() {
  static FliteState* s = new FliteState();  // registered voices live on
  return *s;
}

Result<media::Audio> SynthesizeFlite(const char* voice, const std::string& text,
                                     uint32_t seed) {
  std::lock_guard<std::mutex> lock(TtsMutex());
  std::srand(seed);  // Flite's excitation noise comes from rand()
  FliteState& st = Flite();
  if (!st.initialised) {
    flite_init();
    st.initialised = true;
  }
  cst_voice*& v = st.voices[voice];
  if (v == nullptr) {
    if (std::strcmp(voice, "slt") == 0) v = register_cmu_us_slt(nullptr);
    if (std::strcmp(voice, "rms") == 0) v = register_cmu_us_rms(nullptr);
    if (std::strcmp(voice, "awb") == 0) v = register_cmu_us_awb(nullptr);
    if (std::strcmp(voice, "kal") == 0) v = register_cmu_us_kal(nullptr);
  }
  if (v == nullptr)
    return Status::EngineError(fmt::format("Flite has no voice '{}'", voice));
  cst_wave* w = flite_text_to_wave(text.c_str(), v);
  if (w == nullptr || w->num_samples <= 0) {
    if (w != nullptr) delete_wave(w);
    return Status::EngineError(
        fmt::format("Flite ({}) failed on \"{}\"", voice, text));
  }
  media::Audio a;
  a.sample_rate = w->sample_rate;
  const int ch = w->num_channels > 0 ? w->num_channels : 1;
  for (int i = 0; i < w->num_samples; ++i)
    a.samples.push_back(w->samples[i * ch]);
  delete_wave(w);
  return a;
}

}  // namespace

std::span<const Voice> DemoVoices() { return kVoices; }

std::string VoiceId(const Voice& v) {
  return fmt::format(
      "{}-{}", v.engine == TtsEngine::kEspeak ? "espeak" : "flite", v.name);
}

Result<media::Audio> Synthesize(const Voice& voice, const std::string& text,
                                uint32_t seed) {
  Result<media::Audio> a =
      voice.engine == TtsEngine::kEspeak
          ? media::SynthesizeEspeak({.name = voice.name, .seed = seed}, text)
          : SynthesizeFlite(voice.name, text, seed);
  if (a.ok() && a->samples.empty()) {
    return Status::EngineError(
        fmt::format("{} produced no audio for \"{}\"", VoiceId(voice), text));
  }
  return a;
}

}  // namespace mmgate::demo
