#include "demo/voice_pipeline.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "demo/speech.h"
#include "perturb/audio.h"

namespace mmgate::demo {
namespace {

namespace fs = std::filesystem;

struct Request {
  const char* id;
  const char* sentence;  // one of the speech suite's sentences
  const char* when;      // the rule's keywords
  const char* reply;
};

constexpr Request kRequests[] = {
    {"timer", "set a timer for ten minutes", "timer", "your timer is set"},
    {"lights", "turn off the lights in the kitchen", "lights",
     "the lights are off"},
    {"music", "play some quiet music for the evening", "music",
     "playing music"},
    {"weather", "what is the weather like in boston tomorrow", "weather",
     "it will be sunny"},
    {"news", "read me the latest news headlines", "news",
     "here are the headlines"},
    {"joke", "tell me a joke about cats", "joke", "cats are funny"},
    {"car", "where did i park the car", "car", "your car is outside"},
    {"door", "lock the front door and close the garage", "door",
     "the door is locked"},
};

// The baseline's and the candidate's rules: the candidate lost the weather
// and news rules (they fall through to "sorry").
std::string Rules(bool candidate) {
  std::string out = "    otherwise: \"sorry\"\n    rules:\n";
  for (const Request& r : kRequests) {
    const std::string id = r.id;
    if (candidate && (id == "weather" || id == "news")) continue;
    out += fmt::format("      - {{when: {}, say: \"{}\"}}\n", r.when, r.reply);
  }
  return out;
}

std::string Config() {
  return fmt::format(
      R"(# Written by `mmgate demo`: the voice pipeline (docs/pipeline.md).
models:
  asr: {{provider: pocketsphinx}}
  asr-replies: {{provider: pocketsphinx, jsgf: replies.gram}}
  tts: {{provider: espeak, voice: en-us, rate: 130, pitch: 40, range: 20}}
  rules:
    provider: rules
{}  rules-v2:
    provider: rules
{}baseline: rules
candidate: rules-v2
suites:
  - voice.yaml
gate:
  min_n: 10
)",
      Rules(false), Rules(true));
}

constexpr char kSuite[] = R"(# Written by `mmgate demo`.
name: voice
modality: pipeline
description: spoken requests, transcribed, answered by rules, spoken back
dataset: data/items.jsonl
metric: wer
stages:
  - {name: transcribe, model: asr, kind: asr, metric: wer, threshold: 0.25}
  - {name: reason, model: rules, kind: text, metric: normalized_match}
  - {name: synthesize, model: tts, kind: tts}
  - {name: verify, model: asr-replies, kind: asr, metric: wer,
     threshold: 0.34, verifies: synthesize}
)";

std::string Grammar() {
  std::string g = "#JSGF V1.0;\ngrammar replies;\npublic <reply> = sorry";
  for (const Request& r : kRequests) g += std::string(" |\n  ") + r.reply;
  return g + ";\n";
}

}  // namespace

Result<VoicePipeline> BuildVoicePipeline(const std::string& dir, uint64_t seed,
                                         bool small) {
  VoicePipeline out;
  out.config = (fs::path(dir) / "mmgate.yaml").string();
  const fs::path data = fs::path(dir) / "data";
  std::error_code ec;
  fs::remove_all(data, ec);
  fs::create_directories(data / "media", ec);
  if (ec) {
    return Status::IoError(
        fmt::format("cannot create {}: {}", data.string(), ec.message()));
  }
  MMGATE_RETURN_IF_ERROR(WriteFileAtomic(out.config, Config()));
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((fs::path(dir) / "voice.yaml").string(), kSuite));
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((fs::path(dir) / "replies.gram").string(), Grammar()));
  // Flite voices the recogniser hears well, and one phone line per request.
  const Voice voices[] = {{TtsEngine::kFlite, "slt", "us"},
                          {TtsEngine::kFlite, "rms", "us"}};
  auto gsm = perturb::ParseAudioOp("codec:gsm8k");
  if (!gsm.ok()) return gsm.status();
  std::string lines;
  // A small build keeps one request the candidate still answers and the two
  // it lost, so the regression shows there too.
  for (size_t i = 0; i < std::size(kRequests); ++i) {
    if (small && i != 0 && i != 3 && i != 4) continue;
    const Request& r = kRequests[i];
    for (int v = 0; v < 3; ++v) {
      const Voice& voice = voices[v % 2];
      auto audio = Synthesize(voice, r.sentence,
                              static_cast<uint32_t>(seed + i * 3 + v));
      if (!audio.ok()) return audio.status();
      const bool phone = v == 2;
      const std::string id =
          fmt::format("{}-{}{}", r.id, voice.name, phone ? "-gsm" : "");
      const std::string rel = fmt::format("media/{}.wav", id);
      const std::string path = (data / rel).string();
      Status st = phone ? perturb::WriteAudioVariant(*audio, *gsm, seed, path)
                        : perturb::WriteWav16(*audio, path);
      MMGATE_RETURN_IF_ERROR(st);
      nlohmann::ordered_json item = {
          {"id", id},
          {"modality", "pipeline"},
          {"prompt", ""},
          {"media", {{{"type", "audio"}, {"path", rel}}}},
          {"reference", r.reply},
          {"slices",
           {{"voice", VoiceId(voice)}, {"line", phone ? "gsm8k" : "clean"}}},
          {"group", r.id},
          {"gold",
           {{"transcribe", r.sentence},
            {"reason", r.reply},
            {"synthesize", r.reply}}}};
      lines += item.dump() + "\n";
      ++out.items;
    }
  }
  MMGATE_RETURN_IF_ERROR(
      WriteFileAtomic((data / "items.jsonl").string(), lines));
  return out;
}

}  // namespace mmgate::demo
