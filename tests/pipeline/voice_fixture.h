// A voice pipeline project on the real local engines (PocketSphinx, the
// keyword-rules step, eSpeak NG) with items built to fail at a known stage:
// clean Flite speech, speech broken by noise and a GSM phone codec (fails at
// transcription), a request the `rules-wrong` model answers wrongly (fails at
// reasoning); `tts-mangled` speaks at an absurd rate and pitch (fails at
// synthesis). No stand-ins: every stage is a real engine.
#ifndef MMGATE_TESTS_PIPELINE_VOICE_FIXTURE_H_
#define MMGATE_TESTS_PIPELINE_VOICE_FIXTURE_H_

#include <string>

namespace mmgate::testing {

struct VoiceProject {
  std::string dir;     // holds mmgate.yaml, voice.yaml, items.jsonl, media/
  std::string config;  // mmgate.yaml
  int clean = 0, broken_audio = 0, wrong_rule = 0;
};

// Writes the project under `dir` (created). Aborts the test on failure.
VoiceProject WriteVoiceProject(const std::string& dir);

}  // namespace mmgate::testing

#endif  // MMGATE_TESTS_PIPELINE_VOICE_FIXTURE_H_
