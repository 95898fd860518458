#include "media/espeak.h"

#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mmgate::media {
namespace {

// Owns a file descriptor.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
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

// The child's side: synthesise and send [rate][count][samples], or exit
// with a code naming the failing step.
[[noreturn]] void SpeakInChild(int fd, const EspeakVoice& v,
                               const std::string& text) {
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                     espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) _exit(2);
  espeak_SetSynthCallback(OnSamples);
  if (espeak_SetVoiceByName(v.name.c_str()) != EE_OK) _exit(3);
  if (v.rate) espeak_SetParameter(espeakRATE, *v.rate, 0);
  if (v.pitch) espeak_SetParameter(espeakPITCH, *v.pitch, 0);
  if (v.range) espeak_SetParameter(espeakRANGE, *v.range, 0);
  if (v.volume) espeak_SetParameter(espeakVOLUME, *v.volume, 0);
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

}  // namespace

Result<Audio> SynthesizeEspeak(const EspeakVoice& voice,
                               const std::string& text) {
  int fds[2];
  if (pipe(fds) != 0)
    return Status::Internal(fmt::format("pipe: {}", std::strerror(errno)));
  Fd read_end{fds[0]}, write_end{fds[1]};
  const pid_t pid = fork();
  if (pid < 0)
    return Status::Internal(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    close(read_end.fd);
    SpeakInChild(write_end.fd, voice, text);
  }
  close(write_end.fd);
  write_end.fd = -1;
  const std::string bytes = ReadAll(read_end.fd);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  if (code == 2) {
    return Status::EngineError(
        "eSpeak NG initialisation failed (Debian espeak-ng-data)");
  }
  if (code == 3) {
    return Status::EngineError(
        fmt::format("eSpeak NG has no voice '{}'", voice.name));
  }
  uint32_t header[2] = {0, 0};
  if (code != 0 || bytes.size() < sizeof(header)) {
    return Status::EngineError(fmt::format(
        "eSpeak NG ({}) failed on \"{}\" (exit {})", voice.name, text, code));
  }
  std::memcpy(header, bytes.data(), sizeof(header));
  if (bytes.size() != sizeof(header) + uint64_t{header[1]} * sizeof(int16_t)) {
    return Status::EngineError(
        fmt::format("eSpeak NG ({}): short output", voice.name));
  }
  Audio a;
  a.sample_rate = static_cast<int>(header[0]);
  a.samples.resize(header[1]);
  std::memcpy(a.samples.data(), bytes.data() + sizeof(header),
              header[1] * sizeof(int16_t));
  return a;
}

}  // namespace mmgate::media
