#include "voice_fixture.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "demo/speech.h"
#include "perturb/audio.h"

namespace mmgate::testing {
namespace {

namespace fs = std::filesystem;

struct Request {
  const char* id;
  const char* sentence;  // what the user says (the gold transcript)
  const char* answer;    // the right reply (gold reasoning = canonical text)
  bool broken;           // its audio is destroyed on the way in
};

// `rules` answers every request right; `rules-wrong` has the weather rule
// wrong (it answers with the timer reply), so only weather items fail there.
constexpr Request kRequests[] = {
    {"timer", "set a timer for ten minutes", "your timer is set", false},
    {"lights", "turn off the lights in the kitchen", "the lights are off",
     false},
    {"music", "play some quiet music for the evening", "playing music", false},
    {"weather", "what is the weather like in boston tomorrow",
     "it will be sunny", false},
    {"timer-noisy", "set a timer for ten minutes", "your timer is set", true},
    {"lights-noisy", "turn off the lights in the kitchen", "the lights are off",
     true},
};

constexpr char kConfig[] = R"(models:
  asr: {provider: pocketsphinx}
  asr-replies: {provider: pocketsphinx, jsgf: replies.gram}
  rules:
    provider: rules
    otherwise: "sorry"
    rules:
      - {when: timer, say: "your timer is set"}
      - {when: lights, say: "the lights are off"}
      - {when: music, say: "playing music"}
      - {when: weather, say: "it will be sunny"}
  rules-wrong:
    provider: rules
    otherwise: "sorry"
    rules:
      - {when: timer, say: "your timer is set"}
      - {when: lights, say: "the lights are off"}
      - {when: music, say: "playing music"}
      - {when: weather, say: "your timer is set"}
  tts: {provider: espeak, voice: en-us, rate: 130, pitch: 40, range: 20}
  tts-mangled: {provider: espeak, voice: en-us, rate: 450, pitch: 99,
                range: 99, volume: 200}
suites:
  - voice.yaml
gate:
  min_n: 2
)";

constexpr char kSuite[] = R"(name: voice
modality: pipeline
description: voice requests, transcribed, answered by rules, spoken back
dataset: items.jsonl
metric: wer
stages:
  - {name: transcribe, model: asr, kind: asr, metric: wer, threshold: 0.25}
  - {name: reason, model: rules, kind: text, metric: normalized_match}
  - {name: synthesize, model: tts, kind: tts}
  - {name: verify, model: asr-replies, kind: asr, metric: wer, threshold: 0.34,
     verifies: synthesize}
)";

// The replies the assistant can give: the verifier's grammar.
constexpr char kGrammar[] = R"(#JSGF V1.0;
grammar replies;
public <reply> = your timer is set | the lights are off | playing music |
                 it will be sunny | sorry;
)";

void Put(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
  ASSERT_TRUE(f.good()) << p;
}

}  // namespace

VoiceProject WriteVoiceProject(const std::string& dir) {
  VoiceProject out;
  out.dir = dir;
  fs::create_directories(fs::path(dir) / "media");
  out.config = (fs::path(dir) / "mmgate.yaml").string();
  Put(out.config, kConfig);
  Put(fs::path(dir) / "voice.yaml", kSuite);
  Put(fs::path(dir) / "replies.gram", kGrammar);
  const demo::Voice slt{demo::TtsEngine::kFlite, "slt", "us"};
  std::string lines;
  for (const Request& r : kRequests) {
    auto audio = demo::Synthesize(slt, r.sentence, 7);
    EXPECT_TRUE(audio.ok()) << audio.status().message();
    if (!audio.ok()) return out;
    const std::string rel = fmt::format("media/{}.wav", r.id);
    const std::string path = (fs::path(dir) / rel).string();
    if (r.broken) {
      // Noise louder than the speech, then a GSM phone line: the words are
      // gone before the recogniser hears them.
      auto noisy = perturb::AddWhiteNoise(*audio, -6, 11);
      EXPECT_TRUE(noisy.ok());
      auto op = perturb::ParseAudioOp("codec:gsm8k");
      EXPECT_TRUE(op.ok());
      Status st = perturb::WriteAudioVariant(*noisy, *op, 3, path);
      EXPECT_TRUE(st.ok()) << st.message();
      ++out.broken_audio;
    } else {
      Status st = perturb::WriteWav16(*audio, path);
      EXPECT_TRUE(st.ok()) << st.message();
      ++(std::string(r.id) == "weather" ? out.wrong_rule : out.clean);
    }
    nlohmann::json item = {
        {"id", r.id},
        {"modality", "pipeline"},
        {"prompt", ""},
        {"media", {{{"type", "audio"}, {"path", rel}}}},
        {"reference", r.answer},
        {"gold",
         {{"transcribe", r.sentence},
          {"reason", r.answer},
          {"synthesize", r.answer}}},
        {"slices", {{"audio", r.broken ? "noise+gsm" : "clean"}}}};
    lines += item.dump() + "\n";
  }
  Put(fs::path(dir) / "items.jsonl", lines);
  return out;
}

}  // namespace mmgate::testing
