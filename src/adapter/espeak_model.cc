// provider: espeak — text to speech through the eSpeak NG C API. The answer
// is the text spoken; the audio is the response's one output medium, a
// 16-bit mono WAV at the engine's rate (22,050 Hz).
#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "adapter/engines.h"
#include "adapter/params.h"
#include "common/hash.h"

namespace mmgate::adapter {
namespace {

// Owns a file descriptor.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

struct Voice {
  std::string name = "en-us";
  int rate = 175;    // words per minute (eSpeak NG clamps to 80..450)
  int pitch = 50;    // 0..99
  int range = 50;    // pitch range, 0..99 (0: monotone)
  int volume = 100;  // amplitude, 0..200 (above 100 may clip)
  uint32_t seed = 1;
};

int OnSamples(short* wav, int n, espeak_EVENT* events) {
  auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
  if (wav != nullptr && n > 0) out->insert(out->end(), wav, wav + n);
  return 0;  // continue
}

bool WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// The child's side: synthesise and send [rate][count][samples], or exit with
// a code naming the failing step.
[[noreturn]] void SpeakInChild(int fd, const Voice& v,
                               const std::string& text) {
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                     espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) _exit(2);
  espeak_SetSynthCallback(OnSamples);
  if (espeak_SetVoiceByName(v.name.c_str()) != EE_OK) _exit(3);
  espeak_SetParameter(espeakRATE, v.rate, 0);
  espeak_SetParameter(espeakPITCH, v.pitch, 0);
  espeak_SetParameter(espeakRANGE, v.range, 0);
  espeak_SetParameter(espeakVOLUME, v.volume, 0);
  std::srand(v.seed);
  std::vector<int16_t> samples;
  if (espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                   espeakCHARS_UTF8, nullptr, &samples) != EE_OK) {
    _exit(4);
  }
  espeak_Synchronize();
  const uint32_t header[2] = {static_cast<uint32_t>(rate),
                              static_cast<uint32_t>(samples.size())};
  const bool ok =
      WriteAll(fd, header, sizeof(header)) &&
      WriteAll(fd, samples.data(), samples.size() * sizeof(int16_t));
  _exit(ok ? 0 : 5);
}

std::string ReadAll(int fd) {
  std::string bytes;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  return bytes;
}

void PutLe(std::string* out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out->push_back(static_cast<char>(v >> (8 * i)));
}

// A RIFF WAV file of 16-bit mono PCM.
std::string WavBytes(int rate, const char* pcm, uint32_t pcm_bytes) {
  std::string w = "RIFF";
  PutLe(&w, 36 + pcm_bytes, 4);
  w += "WAVEfmt ";
  PutLe(&w, 16, 4);
  PutLe(&w, 1, 2);  // PCM
  PutLe(&w, 1, 2);  // mono
  PutLe(&w, static_cast<uint32_t>(rate), 4);
  PutLe(&w, static_cast<uint32_t>(rate) * 2, 4);
  PutLe(&w, 2, 2);
  PutLe(&w, 16, 2);
  w += "data";
  PutLe(&w, pcm_bytes, 4);
  w.append(pcm, pcm_bytes);
  return w;
}

// eSpeak NG runs in a short-lived child process per utterance: its waveform
// generator keeps static state (pitch-flutter and wave phase) that no API
// call resets, so in-process output would depend on everything spoken before
// it. A fresh process makes each utterance a function of voice, parameters,
// text and seed only, which the response cache and the tests rely on.
class EspeakModel final : public Model {
 public:
  EspeakModel(Voice voice, std::string version)
      : voice_(std::move(voice)), version_(std::move(version)) {}

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    if (request.prompt.empty()) {
      return Status::Invalid(fmt::format(
          "item {}: nothing to speak (empty text)", request.item_id));
    }
    int fds[2];
    if (pipe(fds) != 0)
      return Status::Internal(fmt::format("pipe: {}", std::strerror(errno)));
    Fd read_end{fds[0]}, write_end{fds[1]};
    const pid_t pid = fork();
    if (pid < 0)
      return Status::Internal(fmt::format("fork: {}", std::strerror(errno)));
    if (pid == 0) {
      close(read_end.fd);
      SpeakInChild(write_end.fd, voice_, request.prompt);
    }
    close(write_end.fd);
    write_end.fd = -1;
    const std::string bytes = ReadAll(read_end.fd);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    uint32_t header[2] = {0, 0};
    if (code != 0 || bytes.size() < sizeof(header)) {
      return Status::EngineError(
          fmt::format("item {}: eSpeak NG ({}) failed (exit {}: {})",
                      request.item_id, voice_.name, code,
                      code == 2   ? "no espeak-ng-data"
                      : code == 3 ? "unknown voice"
                                  : "synthesis failed"));
    }
    std::memcpy(header, bytes.data(), sizeof(header));
    const uint64_t pcm = uint64_t{header[1]} * sizeof(int16_t);
    if (bytes.size() != sizeof(header) + pcm || header[1] == 0) {
      return Status::EngineError(fmt::format(
          "item {}: eSpeak NG ({}): no audio", request.item_id, voice_.name));
    }
    ModelResponse response;
    response.answer = request.prompt;
    response.media.push_back(
        {"audio", "audio/wav",
         WavBytes(static_cast<int>(header[0]), bytes.data() + sizeof(header),
                  static_cast<uint32_t>(pcm))});
    return response;
  }

 private:
  Voice voice_;
  std::string version_;
};

}  // namespace

Result<std::unique_ptr<Model>> CreateEspeakModel(const ModelSpec& spec) {
  MMGATE_RETURN_IF_ERROR(
      CheckKeys(spec, {"voice", "rate", "pitch", "range", "volume", "seed"}));
  Voice v;
  Result<std::string> name = GetString(spec, "voice", v.name);
  if (!name.ok()) return name.status();
  v.name = *name;
  struct Bounded {
    const char* key;
    int* value;
    int lo, hi;
  };
  int seed = 1;
  for (const Bounded& b :
       {Bounded{"rate", &v.rate, 80, 450}, Bounded{"pitch", &v.pitch, 0, 99},
        Bounded{"range", &v.range, 0, 99}, Bounded{"volume", &v.volume, 0, 200},
        Bounded{"seed", &seed, 0, 1 << 30}}) {
    Result<int> got = GetInt(spec, b.key, *b.value);
    if (!got.ok()) return got.status();
    if (*got < b.lo || *got > b.hi) {
      return Status::Invalid(fmt::format("{}: '{}' must be in {}..{}, got {}",
                                         ModelLabel(spec), b.key, b.lo, b.hi,
                                         *got));
    }
    *b.value = *got;
  }
  v.seed = static_cast<uint32_t>(seed);
  const char* path = nullptr;
  const char* version = espeak_Info(&path);
  nlohmann::json config = {{"voice", v.name},    {"rate", v.rate},
                           {"pitch", v.pitch},   {"range", v.range},
                           {"volume", v.volume}, {"seed", v.seed}};
  return std::unique_ptr<Model>(new EspeakModel(
      v, fmt::format("espeak-ng {} cfg:{}", version ? version : "unknown",
                     ConfigHash(config))));
}

}  // namespace mmgate::adapter
