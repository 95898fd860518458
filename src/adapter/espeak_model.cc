// provider: espeak — text to speech through the eSpeak NG C API. The answer
// is the text spoken; the audio is the response's one output medium, a
// 16-bit mono WAV at the engine's rate (22,050 Hz).
#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>

#include "adapter/engines.h"
#include "adapter/params.h"
#include "common/hash.h"
#include "media/audio.h"
#include "media/espeak.h"

namespace mmgate::adapter {
namespace {

// Speech in a child process per utterance (media/espeak.h says why).
class EspeakModel final : public Model {
 public:
  EspeakModel(media::EspeakVoice voice, std::string version)
      : voice_(std::move(voice)), version_(std::move(version)) {}

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    if (request.prompt.empty()) {
      return Status::Invalid(fmt::format(
          "item {}: nothing to speak (empty text)", request.item_id));
    }
    auto audio = media::SynthesizeEspeak(voice_, request.prompt);
    if (!audio.ok())
      return audio.status().WithContext("item " + request.item_id);
    if (audio->samples.empty()) {
      return Status::EngineError(fmt::format(
          "item {}: eSpeak NG ({}): no audio", request.item_id, voice_.name));
    }
    ModelResponse response;
    response.answer = request.prompt;
    response.media.push_back(
        {"audio", "audio/wav", media::EncodeWav16(*audio)});
    return response;
  }

 private:
  media::EspeakVoice voice_;
  std::string version_;
};

}  // namespace

Result<std::unique_ptr<Model>> CreateEspeakModel(const ModelSpec& spec) {
  MMGATE_RETURN_IF_ERROR(
      CheckKeys(spec, {"voice", "rate", "pitch", "range", "volume", "seed"}));
  media::EspeakVoice v;
  Result<std::string> name = GetString(spec, "voice", v.name);
  if (!name.ok()) return name.status();
  v.name = *name;
  struct Bounded {
    const char* key;
    int value, lo, hi;
  };
  // eSpeak NG's own defaults, set explicitly so the version hash names them.
  Bounded params[] = {{"rate", 175, 80, 450},
                      {"pitch", 50, 0, 99},
                      {"range", 50, 0, 99},
                      {"volume", 100, 0, 200},
                      {"seed", 1, 0, 1 << 30}};
  for (Bounded& b : params) {
    Result<int> got = GetInt(spec, b.key, b.value);
    if (!got.ok()) return got.status();
    if (*got < b.lo || *got > b.hi) {
      return Status::Invalid(fmt::format("{}: '{}' must be in {}..{}, got {}",
                                         ModelLabel(spec), b.key, b.lo, b.hi,
                                         *got));
    }
    b.value = *got;
  }
  v.rate = params[0].value;
  v.pitch = params[1].value;
  v.range = params[2].value;
  v.volume = params[3].value;
  v.seed = static_cast<uint32_t>(params[4].value);
  const char* path = nullptr;
  const char* version = espeak_Info(&path);
  nlohmann::json config = {{"voice", v.name},     {"rate", *v.rate},
                           {"pitch", *v.pitch},   {"range", *v.range},
                           {"volume", *v.volume}, {"seed", v.seed}};
  return std::unique_ptr<Model>(new EspeakModel(
      v, fmt::format("espeak-ng {} cfg:{}", version ? version : "unknown",
                     ConfigHash(config))));
}

}  // namespace mmgate::adapter
