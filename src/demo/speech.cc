#include "demo/speech.h"

#include <espeak-ng/speak_lib.h>
#include <flite/flite.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

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

int EspeakCallback(short* wav, int n, espeak_EVENT* events) {
  auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
  if (wav != nullptr && n > 0) out->insert(out->end(), wav, wav + n);
  return 0;  // continue
}

// Owns a file descriptor.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

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

// The child's side: synthesise and send [rate][count][samples], or exit
// with a code naming the failing step.
[[noreturn]] void EspeakChild(int fd, const char* voice,
                              const std::string& text, uint32_t seed) {
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                     espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) _exit(2);
  espeak_SetSynthCallback(EspeakCallback);
  if (espeak_SetVoiceByName(voice) != EE_OK) _exit(3);
  std::srand(seed);
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

// eSpeak NG runs in a short-lived child process per utterance: its waveform
// generator keeps static state (the pitch-flutter phase, the wave phase)
// that no API call resets, so in-process output would depend on everything
// spoken before. A fresh process makes each utterance a function of voice,
// text and seed only. The parent never loads the engine.
Result<media::Audio> SynthesizeEspeak(const char* voice,
                                      const std::string& text, uint32_t seed) {
  int fds[2];
  if (pipe(fds) != 0)
    return Status::Internal(fmt::format("pipe: {}", std::strerror(errno)));
  Fd read_end{fds[0]}, write_end{fds[1]};
  const pid_t pid = fork();
  if (pid < 0)
    return Status::Internal(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    close(read_end.fd);
    EspeakChild(write_end.fd, voice, text, seed);
  }
  close(write_end.fd);
  write_end.fd = -1;
  std::string bytes;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(read_end.fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  if (code == 2) {
    return Status::EngineError(
        "eSpeak NG initialisation failed (Debian espeak-ng-data)");
  }
  if (code == 3)
    return Status::EngineError(
        fmt::format("eSpeak NG has no voice '{}'", voice));
  uint32_t header[2] = {0, 0};
  if (code != 0 || bytes.size() < sizeof(header)) {
    return Status::EngineError(fmt::format(
        "eSpeak NG ({}) failed on \"{}\" (exit {})", voice, text, code));
  }
  std::memcpy(header, bytes.data(), sizeof(header));
  if (bytes.size() != sizeof(header) + header[1] * sizeof(int16_t)) {
    return Status::EngineError(
        fmt::format("eSpeak NG ({}): short output", voice));
  }
  media::Audio a;
  a.sample_rate = static_cast<int>(header[0]);
  a.samples.resize(header[1]);
  std::memcpy(a.samples.data(), bytes.data() + sizeof(header),
              header[1] * sizeof(int16_t));
  return a;
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
  Result<media::Audio> a = voice.engine == TtsEngine::kEspeak
                               ? SynthesizeEspeak(voice.name, text, seed)
                               : SynthesizeFlite(voice.name, text, seed);
  if (a.ok() && a->samples.empty()) {
    return Status::EngineError(
        fmt::format("{} produced no audio for \"{}\"", VoiceId(voice), text));
  }
  return a;
}

}  // namespace mmgate::demo
