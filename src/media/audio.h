#ifndef MMGATE_MEDIA_AUDIO_H_
#define MMGATE_MEDIA_AUDIO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace mmgate::media {

struct Audio {
  int sample_rate = 16000;
  std::vector<int16_t> samples;  // mono
};

// `rate` for ReadAudioMono: keep the file's own sample rate.
inline constexpr int kFileRate = 0;

// Decodes any format libsox reads (wav, flac, mp3, gsm, raw with .raw = 16 kHz
// s16le mono...), downmixes to mono and resamples to `rate` (kFileRate: the
// file's own). An empty or undecodable file is kCorrupt naming the path.
Result<Audio> ReadAudioMono(const std::string& path, int rate = 16000);

// The first `max_samples` samples (all by default) as a mono 16-bit PCM WAV
// file in memory: the one format every browser and provider plays.
std::string EncodeWav16(const Audio& audio,
                        size_t max_samples = static_cast<size_t>(-1));

}  // namespace mmgate::media

#endif  // MMGATE_MEDIA_AUDIO_H_
