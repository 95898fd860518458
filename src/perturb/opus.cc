// Opus round trip through libopus (the reference codec library).
#include <fmt/format.h>
#include <opus/opus.h>

#include <memory>

#include "perturb/audio.h"

namespace mmgate::perturb {
namespace {

struct EncoderDeleter {
  void operator()(OpusEncoder* e) const { opus_encoder_destroy(e); }
};
struct DecoderDeleter {
  void operator()(OpusDecoder* d) const { opus_decoder_destroy(d); }
};

constexpr int kRate = 16000;
constexpr int kFrame = kRate / 50;  // 20 ms, the usual VOIP frame

}  // namespace

Result<media::Audio> OpusRoundTrip(const media::Audio& audio, int kbps) {
  if (audio.sample_rate != kRate)
    return Status::Invalid("opus round trip expects 16 kHz audio");
  if (audio.samples.empty()) return Status::Invalid("audio has no samples");
  int err = OPUS_OK;
  std::unique_ptr<OpusEncoder, EncoderDeleter> enc(
      opus_encoder_create(kRate, 1, OPUS_APPLICATION_VOIP, &err));
  if (err != OPUS_OK)
    return Status::EngineError(
        fmt::format("opus encoder: {}", opus_strerror(err)));
  std::unique_ptr<OpusDecoder, DecoderDeleter> dec(
      opus_decoder_create(kRate, 1, &err));
  if (err != OPUS_OK)
    return Status::EngineError(
        fmt::format("opus decoder: {}", opus_strerror(err)));
  opus_encoder_ctl(enc.get(), OPUS_SET_BITRATE(kbps * 1000));
  opus_encoder_ctl(enc.get(), OPUS_SET_VBR(0));
  // Complexity and look-ahead are fixed, so the output is deterministic.
  opus_encoder_ctl(enc.get(), OPUS_SET_COMPLEXITY(10));
  opus_int32 lookahead = 0;
  opus_encoder_ctl(enc.get(), OPUS_GET_LOOKAHEAD(&lookahead));

  // Pad with the look-ahead plus a frame of silence so the tail is decoded,
  // then drop the look-ahead so the output lines up with the input.
  std::vector<opus_int16> in(audio.samples.begin(), audio.samples.end());
  in.resize(in.size() + static_cast<size_t>(lookahead) + kFrame, 0);
  in.resize((in.size() + kFrame - 1) / kFrame * kFrame, 0);
  std::vector<unsigned char> packet(4000);
  std::vector<opus_int16> frame(kFrame);
  media::Audio out;
  out.sample_rate = kRate;
  for (size_t pos = 0; pos < in.size(); pos += kFrame) {
    const opus_int32 bytes =
        opus_encode(enc.get(), in.data() + pos, kFrame, packet.data(),
                    static_cast<opus_int32>(packet.size()));
    if (bytes < 0)
      return Status::EngineError(
          fmt::format("opus_encode: {}", opus_strerror(bytes)));
    const int got =
        opus_decode(dec.get(), packet.data(), bytes, frame.data(), kFrame, 0);
    if (got < 0)
      return Status::EngineError(
          fmt::format("opus_decode: {}", opus_strerror(got)));
    out.samples.insert(out.samples.end(), frame.begin(), frame.begin() + got);
  }
  out.samples.erase(
      out.samples.begin(),
      out.samples.begin() +
          std::min<size_t>(static_cast<size_t>(lookahead), out.samples.size()));
  out.samples.resize(audio.samples.size());
  return out;
}

}  // namespace mmgate::perturb
