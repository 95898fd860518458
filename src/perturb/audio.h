// Audio degradations through real codecs (libsox: GSM 6.10, G.711 mu-law,
// MP3 via LAME; libopus for Opus), additive white noise at a target SNR from
// our own seeded generator, tape-speed change, telephone band-limiting and
// reverberation (libsox effects). Spec strings ("codec:gsm8k",
// "codec:mulaw8k", "codec:mp3-16k", "codec:opus-12k", "noise:snr10",
// "speed:1.1", "telephone:3400", "reverb:50") are the text the demo gold set
// records in its `perturbation` slice.
#ifndef MMGATE_PERTURB_AUDIO_H_
#define MMGATE_PERTURB_AUDIO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "media/audio.h"

namespace mmgate::perturb {

enum class Codec {
  kPcm16k,   // 16 kHz 16-bit PCM WAV
  kGsm8k,    // 8 kHz WAV with GSM 6.10 full-rate frames
  kMulaw8k,  // 8 kHz WAV with G.711 mu-law samples
  kMp3,      // MP3 (LAME, constant bitrate) at 16 kHz
  // Opus (libopus, VOIP mode, constant bitrate) at 16 kHz, decoded again and
  // written as 16-bit WAV: libsox cannot write Ogg Opus, so the model hears
  // exactly what an Opus decoder gives.
  kOpus,
};

struct CodecSpec {
  Codec codec = Codec::kPcm16k;
  int mp3_kbps = 16;  // kMp3 and kOpus: the bitrate
  // "pcm16k", "gsm8k", "mulaw8k", "mp3-<kbps>k", "opus-<kbps>k".
  std::string Name() const;
  std::string Extension() const;  // "wav" | "mp3"
  int SampleRate() const;         // rate of the encoded file
};
Result<CodecSpec> ParseCodec(std::string_view name);

enum class AudioOpKind {
  kNone,
  kCodec,
  kNoise,
  kSpeed,      // amount: playback speed factor (pitch moves with it)
  kTelephone,  // amount: upper band edge in Hz (the lower is 300 Hz)
  kReverb,     // amount: SoX reverberance in percent
};

struct AudioOp {
  AudioOpKind kind = AudioOpKind::kNone;
  CodecSpec codec;    // kCodec
  double snr_db = 0;  // kNoise
  double amount = 0;  // kSpeed, kTelephone, kReverb
  std::string Spec() const;
};
// "none", "codec:<codec name>", "noise:snr<dB>", "speed:<0.5..2>",
// "telephone:<1000..7000 Hz>", "reverb:<1..100>".
Result<AudioOp> ParseAudioOp(std::string_view spec);

// Resamples with SoX's high-quality `rate` effect.
Result<media::Audio> Resample(const media::Audio& audio, int rate);

// Adds white Gaussian noise scaled so that 10*log10(P_signal / P_noise) is
// `snr_db` over the whole clip; samples are rounded and clipped to 16 bits.
Result<media::Audio> AddWhiteNoise(const media::Audio& audio, double snr_db,
                                   uint64_t seed);

// Encodes `audio` through the codec (resampling to its rate first) and
// writes the codec's own file at `path`.
Status WriteEncoded(const media::Audio& audio, const CodecSpec& codec,
                    const std::string& path);

// Applies `op` and writes the result: codec ops write the codec's file,
// noise and none write 16-bit PCM WAV at 16 kHz. `path` should end with
// OutputExtension(op).
Status WriteAudioVariant(const media::Audio& audio, const AudioOp& op,
                         uint64_t seed, const std::string& path);
std::string OutputExtension(const AudioOp& op);

// 16-bit PCM mono WAV at the audio's own rate.
Status WriteWav16(const media::Audio& audio, const std::string& path);

// The signal effects behind kSpeed, kTelephone and kReverb, at the input's
// rate (speed: resampled back to it).
Result<media::Audio> ChangeSpeed(const media::Audio& audio, double factor);
Result<media::Audio> BandLimit(const media::Audio& audio, double low_hz,
                               double high_hz);
Result<media::Audio> Reverberate(const media::Audio& audio,
                                 double reverberance);
// Encodes with libopus and decodes again, at 16 kHz.
Result<media::Audio> OpusRoundTrip(const media::Audio& audio, int kbps);

// 10*log10(sum clean^2 / sum (noisy - clean)^2); both must be equally long.
Result<double> MeasureSnrDb(const media::Audio& clean,
                            const media::Audio& noisy);

}  // namespace mmgate::perturb

#endif  // MMGATE_PERTURB_AUDIO_H_
