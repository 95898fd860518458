#include "perturb/audio.h"

#include <fmt/format.h>
#include <sox.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <vector>

#include "media/sox.h"
#include "perturb/random.h"

namespace mmgate::perturb {
namespace {

constexpr sox_encodinginfo_t kPcm16 = {
    SOX_ENCODING_SIGN2, 16,       0, sox_option_default, sox_option_default,
    sox_option_default, sox_false};

// The process shares one libSoX session with media/ (sox_init may run only
// once), and its lock: libSoX's globals are not thread-safe.
Status SoxInitOnce() { return media::InitSox(); }
using media::SoxMutex;

Status SoxError(const std::string& what) {
  std::string msg = "libsox: " + what;
  std::string detail = media::TakeSoxMessage();
  if (!detail.empty()) msg += ": " + detail;
  return Status::EngineError(msg);
}

// Feeds our samples into an effects chain.
struct Source {
  const std::vector<int16_t>* samples;
  size_t pos;
};

int SourceDrain(sox_effect_t* effp, sox_sample_t* obuf, size_t* osamp) {
  Source* src = *static_cast<Source**>(effp->priv);
  const size_t n = std::min(*osamp, src->samples->size() - src->pos);
  for (size_t i = 0; i < n; ++i) {
    obuf[i] = static_cast<sox_sample_t>((*src->samples)[src->pos + i]) * 65536;
  }
  src->pos += n;
  *osamp = n;
  return n == 0 ? SOX_EOF : SOX_SUCCESS;
}

// Collects the chain's output as 16-bit samples.
int SinkFlow(sox_effect_t* effp, const sox_sample_t* ibuf, sox_sample_t*,
             size_t* isamp, size_t* osamp) {
  auto* out = *static_cast<std::vector<int16_t>**>(effp->priv);
  for (size_t i = 0; i < *isamp; ++i) {
    const int64_t v = (static_cast<int64_t>(ibuf[i]) + 32768) >> 16;
    out->push_back(static_cast<int16_t>(std::clamp<int64_t>(v, -32768, 32767)));
  }
  *osamp = 0;
  return SOX_SUCCESS;
}

sox_effect_handler_t kSourceHandler = {
    "mmgate_source", nullptr,     SOX_EFF_MCHAN, nullptr, nullptr,
    nullptr,         SourceDrain, nullptr,       nullptr, sizeof(Source*)};
sox_effect_handler_t kSinkHandler = {
    "mmgate_sink", nullptr, SOX_EFF_MCHAN, nullptr, nullptr,
    SinkFlow,      nullptr, nullptr,       nullptr, sizeof(void*)};

using media::SoxEffectPtr;

// Adds one effect; sox_add_effect copies it, so ours is freed on return.
Status AddEffect(sox_effects_chain_t* chain, SoxEffectPtr e,
                 sox_signalinfo_t* interm, const sox_signalinfo_t* out,
                 const char* name) {
  const int rc = sox_add_effect(chain, e.get(), interm, out);
  if (rc != SOX_SUCCESS)
    return SoxError(fmt::format("cannot add effect {}", name));
  return Status::Ok();
}

// One libSoX effect with its command-line arguments.
struct Effect {
  const char* name;
  std::vector<std::string> args;
};

// Runs source -> effects -> [rate] -> sink-or-file. Exactly one of `collect`
// and `file` is set. Callers hold SoxMutex.
Status RunChain(const media::Audio& in, int out_rate,
                const std::vector<Effect>& effects,
                std::vector<int16_t>* collect, sox_format_t* file) {
  sox_signalinfo_t in_sig = {static_cast<double>(in.sample_rate), 1, 16,
                             in.samples.size(), nullptr};
  sox_encodinginfo_t enc = kPcm16;
  media::SoxChainPtr chain(
      sox_create_effects_chain(&enc, file != nullptr ? &file->encoding : &enc));
  if (!chain) return SoxError("cannot create an effects chain");

  sox_signalinfo_t interm = in_sig;
  sox_signalinfo_t out_sig = in_sig;
  out_sig.rate = out_rate;
  out_sig.length = 0;

  Source src{&in.samples, 0};
  SoxEffectPtr e(sox_create_effect(&kSourceHandler));
  *static_cast<Source**>(e->priv) = &src;
  MMGATE_RETURN_IF_ERROR(
      AddEffect(chain.get(), std::move(e), &interm, &in_sig, "source"));

  for (const Effect& fx : effects) {
    const sox_effect_handler_t* handler = sox_find_effect(fx.name);
    if (handler == nullptr)
      return SoxError(fmt::format("no effect {}", fx.name));
    e.reset(sox_create_effect(handler));
    std::vector<char*> argv;
    for (const std::string& a : fx.args)
      argv.push_back(const_cast<char*>(a.c_str()));
    if (sox_effect_options(e.get(), static_cast<int>(argv.size()),
                           argv.data()) != SOX_SUCCESS) {
      return SoxError(fmt::format("{} options", fx.name));
    }
    sox_signalinfo_t same = interm;
    MMGATE_RETURN_IF_ERROR(
        AddEffect(chain.get(), std::move(e), &interm, &same, fx.name));
  }

  if (out_rate != static_cast<int>(interm.rate)) {
    e.reset(sox_create_effect(sox_find_effect("rate")));
    if (sox_effect_options(e.get(), 0, nullptr) != SOX_SUCCESS) {
      return SoxError("rate options");
    }
    MMGATE_RETURN_IF_ERROR(
        AddEffect(chain.get(), std::move(e), &interm, &out_sig, "rate"));
  }

  if (file != nullptr) {
    e.reset(sox_create_effect(sox_find_effect("output")));
    char* args[] = {reinterpret_cast<char*>(file)};
    if (sox_effect_options(e.get(), 1, args) != SOX_SUCCESS) {
      return SoxError("output options");
    }
    MMGATE_RETURN_IF_ERROR(
        AddEffect(chain.get(), std::move(e), &interm, &file->signal, "output"));
  } else {
    e.reset(sox_create_effect(&kSinkHandler));
    *static_cast<std::vector<int16_t>**>(e->priv) = collect;
    MMGATE_RETURN_IF_ERROR(
        AddEffect(chain.get(), std::move(e), &interm, &out_sig, "sink"));
  }
  const int rc = sox_flow_effects(chain.get(), nullptr, nullptr);
  if (rc != SOX_SUCCESS && rc != SOX_EOF)
    return SoxError("effects flow failed");
  return Status::Ok();
}

Status CheckAudio(const media::Audio& a) {
  if (a.sample_rate <= 0) return Status::Invalid("audio has no sample rate");
  if (a.samples.empty()) return Status::Invalid("audio has no samples");
  return Status::Ok();
}

// Writes `audio` at `rate` with `enc` through a temporary file beside
// `path`, so a failed write never leaves a partial file under the final name.
Status WriteThroughSox(const media::Audio& audio, int rate,
                       const sox_encodinginfo_t& enc, const char* type,
                       const std::string& path) {
  MMGATE_RETURN_IF_ERROR(CheckAudio(audio));
  MMGATE_RETURN_IF_ERROR(SoxInitOnce());
  sox_signalinfo_t sig = {static_cast<double>(rate), 1, 16, 0, nullptr};
  const std::string tmp = path + ".partial";
  std::lock_guard<std::mutex> lock(SoxMutex());
  {
    media::SoxFormatPtr out(
        sox_open_write(tmp.c_str(), &sig, &enc, type, nullptr, nullptr));
    if (!out) return SoxError(fmt::format("cannot open {} for writing", path));
    MMGATE_RETURN_IF_ERROR(
        RunChain(audio, rate, {}, nullptr, out.get()).WithContext(path));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return Status::IoError(fmt::format("rename {}: {}", path, ec.message()));
  return Status::Ok();
}

}  // namespace

std::string CodecSpec::Name() const {
  switch (codec) {
    case Codec::kPcm16k:
      return "pcm16k";
    case Codec::kGsm8k:
      return "gsm8k";
    case Codec::kMulaw8k:
      return "mulaw8k";
    case Codec::kMp3:
      return fmt::format("mp3-{}k", mp3_kbps);
    case Codec::kOpus:
      return fmt::format("opus-{}k", mp3_kbps);
  }
  return "pcm16k";
}

std::string CodecSpec::Extension() const {
  return codec == Codec::kMp3 ? "mp3" : "wav";
}

int CodecSpec::SampleRate() const {
  return (codec == Codec::kGsm8k || codec == Codec::kMulaw8k) ? 8000 : 16000;
}

Result<CodecSpec> ParseCodec(std::string_view name) {
  if (name == "pcm16k") return CodecSpec{Codec::kPcm16k};
  if (name == "gsm8k") return CodecSpec{Codec::kGsm8k};
  if (name == "mulaw8k") return CodecSpec{Codec::kMulaw8k};
  if (name.starts_with("opus-") && name.ends_with("k")) {
    const std::string_view num = name.substr(5, name.size() - 6);
    int kbps = 0;
    const auto [end, ec] =
        std::from_chars(num.data(), num.data() + num.size(), kbps);
    if (ec == std::errc() && end == num.data() + num.size() && kbps >= 6 &&
        kbps <= 128) {
      return CodecSpec{Codec::kOpus, kbps};
    }
  }
  if (name.starts_with("mp3-") && name.ends_with("k")) {
    const std::string_view num = name.substr(4, name.size() - 5);
    int kbps = 0;
    const auto [end, ec] =
        std::from_chars(num.data(), num.data() + num.size(), kbps);
    // LAME's MPEG-2 layer III bitrates at 16 kHz.
    static constexpr int kRates[] = {8,  16, 24, 32,  40,  48,  56,
                                     64, 80, 96, 112, 128, 144, 160};
    if (ec == std::errc() && end == num.data() + num.size() &&
        std::find(std::begin(kRates), std::end(kRates), kbps) !=
            std::end(kRates)) {
      return CodecSpec{Codec::kMp3, kbps};
    }
  }
  return Status::Invalid(fmt::format(
      "codec '{}': expected pcm16k, gsm8k, mulaw8k, mp3-<kbps>k (8-160) or "
      "opus-<kbps>k (6-128)",
      name));
}

std::string AudioOp::Spec() const {
  switch (kind) {
    case AudioOpKind::kNone:
      return "none";
    case AudioOpKind::kCodec:
      return "codec:" + codec.Name();
    case AudioOpKind::kNoise:
      return fmt::format("noise:snr{:g}", snr_db);
    case AudioOpKind::kSpeed:
      return fmt::format("speed:{:g}", amount);
    case AudioOpKind::kTelephone:
      return fmt::format("telephone:{:g}", amount);
    case AudioOpKind::kReverb:
      return fmt::format("reverb:{:g}", amount);
  }
  return "none";
}

Result<AudioOp> ParseAudioOp(std::string_view spec) {
  AudioOp op;
  if (spec == "none") return op;
  if (spec.starts_with("codec:")) {
    auto codec = ParseCodec(spec.substr(6));
    if (!codec.ok()) return codec.status().WithContext("audio perturbation");
    op.kind = AudioOpKind::kCodec;
    op.codec = *codec;
    return op;
  }
  if (spec.starts_with("noise:snr")) {
    const std::string_view num = spec.substr(9);
    const auto [end, ec] =
        std::from_chars(num.data(), num.data() + num.size(), op.snr_db);
    if (ec == std::errc() && end == num.data() + num.size() &&
        op.snr_db >= -20 && op.snr_db <= 80) {
      op.kind = AudioOpKind::kNoise;
      return op;
    }
  }
  struct Amount {
    const char* prefix;
    AudioOpKind kind;
    double lo, hi;
  };
  static constexpr Amount kAmounts[] = {
      {"speed:", AudioOpKind::kSpeed, 0.5, 2},
      {"telephone:", AudioOpKind::kTelephone, 1000, 7000},
      {"reverb:", AudioOpKind::kReverb, 1, 100}};
  for (const Amount& a : kAmounts) {
    if (!spec.starts_with(a.prefix)) continue;
    const std::string_view num = spec.substr(std::string_view(a.prefix).size());
    const auto [end, ec] =
        std::from_chars(num.data(), num.data() + num.size(), op.amount);
    if (ec == std::errc() && end == num.data() + num.size() &&
        op.amount >= a.lo && op.amount <= a.hi) {
      op.kind = a.kind;
      return op;
    }
  }
  return Status::Invalid(fmt::format(
      "audio perturbation '{}': expected none, codec:<codec>, noise:snr<dB> "
      "(-20..80), speed:<0.5..2>, telephone:<1000..7000> or reverb:<1..100>",
      spec));
}

Result<media::Audio> Resample(const media::Audio& audio, int rate) {
  MMGATE_RETURN_IF_ERROR(CheckAudio(audio));
  if (rate <= 0)
    return Status::Invalid(fmt::format("bad sample rate {}", rate));
  if (rate == audio.sample_rate) return audio;
  MMGATE_RETURN_IF_ERROR(SoxInitOnce());
  media::Audio out;
  out.sample_rate = rate;
  std::lock_guard<std::mutex> lock(SoxMutex());
  MMGATE_RETURN_IF_ERROR(RunChain(audio, rate, {}, &out.samples, nullptr));
  return out;
}

Result<media::Audio> AddWhiteNoise(const media::Audio& audio, double snr_db,
                                   uint64_t seed) {
  MMGATE_RETURN_IF_ERROR(CheckAudio(audio));
  double power = 0;
  for (int16_t s : audio.samples) power += static_cast<double>(s) * s;
  power /= static_cast<double>(audio.samples.size());
  if (power <= 0) return Status::Invalid("cannot set an SNR on silent audio");
  const double sigma = std::sqrt(power / std::pow(10.0, snr_db / 10.0));
  Rng rng(seed);
  media::Audio out;
  out.sample_rate = audio.sample_rate;
  out.samples.reserve(audio.samples.size());
  for (int16_t s : audio.samples) {
    const double v = std::round(s + sigma * rng.Gaussian());
    out.samples.push_back(
        static_cast<int16_t>(std::clamp(v, -32768.0, 32767.0)));
  }
  return out;
}

Status WriteEncoded(const media::Audio& audio, const CodecSpec& codec,
                    const std::string& path) {
  sox_encodinginfo_t enc = kPcm16;
  const char* type = "wav";
  switch (codec.codec) {
    case Codec::kPcm16k:
      break;
    case Codec::kGsm8k:
      enc.encoding = SOX_ENCODING_GSM;
      enc.bits_per_sample = 0;
      break;
    case Codec::kMulaw8k:
      enc.encoding = SOX_ENCODING_ULAW;
      enc.bits_per_sample = 8;
      break;
    case Codec::kOpus: {
      auto at16k = Resample(audio, 16000);
      if (!at16k.ok()) return at16k.status();
      auto decoded = OpusRoundTrip(*at16k, codec.mp3_kbps);
      if (!decoded.ok()) return decoded.status().WithContext(path);
      return WriteWav16(*decoded, path);
    }
    case Codec::kMp3:
      enc.encoding = SOX_ENCODING_MP3;
      enc.bits_per_sample = 0;
      enc.compression = codec.mp3_kbps;  // a whole number: CBR at that rate
      type = "mp3";
      break;
  }
  return WriteThroughSox(audio, codec.SampleRate(), enc, type, path);
}

Status WriteWav16(const media::Audio& audio, const std::string& path) {
  return WriteThroughSox(audio, audio.sample_rate, kPcm16, "wav", path);
}

// Runs `effects` over the audio at its own rate.
Result<media::Audio> ApplyEffects(const media::Audio& audio,
                                  const std::vector<Effect>& effects) {
  MMGATE_RETURN_IF_ERROR(CheckAudio(audio));
  MMGATE_RETURN_IF_ERROR(SoxInitOnce());
  media::Audio out;
  out.sample_rate = audio.sample_rate;
  std::lock_guard<std::mutex> lock(SoxMutex());
  MMGATE_RETURN_IF_ERROR(
      RunChain(audio, audio.sample_rate, effects, &out.samples, nullptr));
  return out;
}

Result<media::Audio> ChangeSpeed(const media::Audio& audio, double factor) {
  if (factor < 0.5 || factor > 2)
    return Status::Invalid(
        fmt::format("speed factor {} outside 0.5..2", factor));
  // Playing the samples at factor times their rate, then resampling back, is
  // a tape-speed change: tempo and pitch move together.
  media::Audio faster = audio;
  faster.sample_rate =
      static_cast<int>(std::lround(audio.sample_rate * factor));
  return Resample(faster, audio.sample_rate);
}

Result<media::Audio> BandLimit(const media::Audio& audio, double low_hz,
                               double high_hz) {
  if (low_hz <= 0 || high_hz <= low_hz || high_hz >= audio.sample_rate / 2.0)
    return Status::Invalid(
        fmt::format("band {}-{} Hz does not fit a {} Hz signal", low_hz,
                    high_hz, audio.sample_rate));
  return ApplyEffects(audio,
                      {{"sinc", {fmt::format("{:g}-{:g}", low_hz, high_hz)}}});
}

Result<media::Audio> Reverberate(const media::Audio& audio,
                                 double reverberance) {
  if (reverberance < 1 || reverberance > 100)
    return Status::Invalid(
        fmt::format("reverberance {} outside 1..100", reverberance));
  return ApplyEffects(audio, {{"reverb", {fmt::format("{:g}", reverberance)}}});
}

std::string OutputExtension(const AudioOp& op) {
  return op.kind == AudioOpKind::kCodec ? op.codec.Extension() : "wav";
}

Status WriteAudioVariant(const media::Audio& audio, const AudioOp& op,
                         uint64_t seed, const std::string& path) {
  switch (op.kind) {
    case AudioOpKind::kCodec:
      return WriteEncoded(audio, op.codec, path);
    case AudioOpKind::kNoise: {
      auto at16k = Resample(audio, 16000);
      if (!at16k.ok()) return at16k.status();
      auto noisy = AddWhiteNoise(*at16k, op.snr_db, seed);
      if (!noisy.ok()) return noisy.status();
      return WriteWav16(*noisy, path);
    }
    case AudioOpKind::kSpeed:
    case AudioOpKind::kTelephone:
    case AudioOpKind::kReverb: {
      auto at16k = Resample(audio, 16000);
      if (!at16k.ok()) return at16k.status();
      auto changed = op.kind == AudioOpKind::kSpeed
                         ? ChangeSpeed(*at16k, op.amount)
                     : op.kind == AudioOpKind::kTelephone
                         ? BandLimit(*at16k, 300, op.amount)
                         : Reverberate(*at16k, op.amount);
      if (!changed.ok()) return changed.status();
      return WriteWav16(*changed, path);
    }
    case AudioOpKind::kNone:
      return WriteEncoded(audio, CodecSpec{Codec::kPcm16k}, path);
  }
  return Status::Internal("unhandled audio op");
}

Result<double> MeasureSnrDb(const media::Audio& clean,
                            const media::Audio& noisy) {
  if (clean.samples.size() != noisy.samples.size() || clean.samples.empty()) {
    return Status::Invalid("SNR needs two equally long, non-empty signals");
  }
  double ps = 0, pn = 0;
  for (size_t i = 0; i < clean.samples.size(); ++i) {
    const double c = clean.samples[i];
    const double d = noisy.samples[i] - c;
    ps += c * c;
    pn += d * d;
  }
  if (pn == 0) return Status::Invalid("signals are identical: infinite SNR");
  return 10.0 * std::log10(ps / pn);
}

}  // namespace mmgate::perturb
