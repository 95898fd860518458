#include "media/audio.h"

#include <sox.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "media/sox.h"

namespace mmgate::media {
namespace {

// State shared with the two custom effects at the ends of the chain.
struct FlowState {
  sox_format_t* in = nullptr;
  uint64_t samples_read = 0;  // across all channels, before any effect
  bool read_error = false;
  std::vector<int16_t>* out = nullptr;
  uint64_t clips = 0;
};

FlowState* StateOf(sox_effect_t* effp) {
  return *static_cast<FlowState**>(effp->priv);
}

// Source effect: pulls samples straight from the file so that we can count
// them (a short count reveals a truncated file).
int SourceDrain(sox_effect_t* effp, sox_sample_t* obuf, size_t* osamp) {
  FlowState* st = StateOf(effp);
  *osamp -= *osamp % effp->out_signal.channels;
  size_t n = sox_read(st->in, obuf, *osamp);
  if (n == 0 && st->in->sox_errno != SOX_SUCCESS) st->read_error = true;
  st->samples_read += n;
  *osamp = n;
  return n == 0 ? SOX_EOF : SOX_SUCCESS;
}

// Sink effect: converts to 16-bit and appends to the result.
int SinkFlow(sox_effect_t* effp, const sox_sample_t* ibuf, sox_sample_t*,
             size_t* isamp, size_t* osamp) {
  FlowState* st = StateOf(effp);
  SOX_SAMPLE_LOCALS;
  for (size_t i = 0; i < *isamp; ++i) {
    st->out->push_back(SOX_SAMPLE_TO_SIGNED_16BIT(ibuf[i], st->clips));
  }
  *osamp = 0;
  return SOX_SUCCESS;
}

const sox_effect_handler_t* SourceHandler() {
  static const sox_effect_handler_t handler = {
      "mmgate_source", nullptr,     SOX_EFF_MCHAN, nullptr, nullptr,
      nullptr,         SourceDrain, nullptr,       nullptr, sizeof(FlowState*)};
  return &handler;
}

const sox_effect_handler_t* SinkHandler() {
  static const sox_effect_handler_t handler = {
      "mmgate_sink", nullptr, SOX_EFF_MCHAN, nullptr, nullptr,
      SinkFlow,      nullptr, nullptr,       nullptr, sizeof(FlowState*)};
  return &handler;
}

Status AddEffect(sox_effects_chain_t* chain, SoxEffectPtr effect,
                 sox_signalinfo_t* interm, const sox_signalinfo_t* out,
                 const std::string& path) {
  if (!effect) return Status::Internal(path + ": cannot create sox effect");
  if (sox_add_effect(chain, effect.get(), interm, out) != SOX_SUCCESS) {
    return Status::Internal(path + ": cannot add sox effect " +
                            effect->handler.name + ": " + TakeSoxMessage());
  }
  return Status::Ok();
}

SoxEffectPtr MakeCustom(const sox_effect_handler_t* handler, FlowState* state) {
  SoxEffectPtr e(sox_create_effect(handler));
  if (e) *static_cast<FlowState**>(e->priv) = state;
  return e;
}

SoxEffectPtr MakeBuiltin(const char* name) {
  const sox_effect_handler_t* handler = sox_find_effect(name);
  if (handler == nullptr) return nullptr;
  SoxEffectPtr e(sox_create_effect(handler));
  if (e && sox_effect_options(e.get(), 0, nullptr) != SOX_SUCCESS) {
    return nullptr;
  }
  return e;
}

bool HasRawExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".raw";
}

// Opens `path`; .raw files carry no header, so their layout is the
// pocketsphinx test-data convention: 16 kHz, signed 16-bit, mono, little
// endian.
SoxFormatPtr OpenForRead(const std::string& path) {
  if (!HasRawExtension(path)) {
    return SoxFormatPtr(sox_open_read(path.c_str(), nullptr, nullptr, nullptr));
  }
  sox_signalinfo_t signal = {16000, 1, 16, 0, nullptr};
  sox_encodinginfo_t encoding;
  sox_init_encodinginfo(&encoding);
  encoding.encoding = SOX_ENCODING_SIGN2;
  encoding.bits_per_sample = 16;
  encoding.reverse_bytes =
      std::endian::native == std::endian::big ? sox_option_yes : sox_option_no;
  return SoxFormatPtr(sox_open_read(path.c_str(), &signal, &encoding, "raw"));
}

Result<Audio> DecodeLocked(const std::string& path, int rate) {
  TakeSoxMessage();  // drop anything left from an earlier call
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound(path + ": no such audio file");
  }
  if (std::filesystem::file_size(path, ec) == 0) {
    return Status::Corrupt(path + ": empty audio file");
  }
  SoxFormatPtr in = OpenForRead(path);
  if (!in) {
    return Status::Corrupt(path + ": not a readable audio file (" +
                           TakeSoxMessage() + ")");
  }
  if (in->signal.channels == 0 || in->signal.rate <= 0) {
    return Status::Corrupt(path + ": audio header has no channels or rate");
  }

  if (rate == kFileRate) rate = static_cast<int>(std::lround(in->signal.rate));
  Audio audio;
  audio.sample_rate = rate;
  FlowState state;
  state.in = in.get();
  state.out = &audio.samples;

  sox_signalinfo_t out_signal = in->signal;
  out_signal.channels = 1;
  out_signal.rate = rate;
  out_signal.precision = 16;
  out_signal.length = 0;
  sox_encodinginfo_t out_encoding;
  sox_init_encodinginfo(&out_encoding);
  out_encoding.encoding = SOX_ENCODING_SIGN2;
  out_encoding.bits_per_sample = 16;

  SoxChainPtr chain(sox_create_effects_chain(&in->encoding, &out_encoding));
  if (!chain) return Status::Internal(path + ": cannot create sox chain");
  sox_signalinfo_t interm = in->signal;
  MMGATE_RETURN_IF_ERROR(AddEffect(chain.get(),
                                   MakeCustom(SourceHandler(), &state), &interm,
                                   &in->signal, path));
  if (interm.channels != 1) {
    MMGATE_RETURN_IF_ERROR(AddEffect(chain.get(), MakeBuiltin("channels"),
                                     &interm, &out_signal, path));
  }
  if (interm.rate != rate) {
    MMGATE_RETURN_IF_ERROR(AddEffect(chain.get(), MakeBuiltin("rate"), &interm,
                                     &out_signal, path));
  }
  MMGATE_RETURN_IF_ERROR(AddEffect(chain.get(),
                                   MakeCustom(SinkHandler(), &state), &interm,
                                   &out_signal, path));
  sox_flow_effects(chain.get(), nullptr, nullptr);

  if (state.read_error) {
    return Status::Corrupt(path + ": read error after " +
                           std::to_string(state.samples_read) + " samples (" +
                           in->sox_errstr + ")");
  }
  if (state.samples_read == 0 || audio.samples.empty()) {
    return Status::Corrupt(path + ": no audio samples");
  }
  // The header's length is exact for PCM-like formats and an estimate for
  // MP3, which can be off by a frame or two; a real truncation loses far more.
  uint64_t expected = in->signal.length;
  if (expected != SOX_UNKNOWN_LEN && expected > 0 &&
      state.samples_read + expected / 50 + 4608 < expected) {
    return Status::Corrupt(
        path + ": truncated audio: " + std::to_string(state.samples_read) +
        " of " + std::to_string(expected) + " samples");
  }
  return audio;
}

}  // namespace

Result<Audio> ReadAudioMono(const std::string& path, int rate) {
  if (rate < 0) {
    return Status::Invalid(path + ": sample rate must be positive, got " +
                           std::to_string(rate));
  }
  MMGATE_RETURN_IF_ERROR(InitSox());
  std::lock_guard<std::mutex> lock(SoxMutex());
  return DecodeLocked(path, rate);
}

namespace {

void PutLe(std::string* out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out->push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

std::string EncodeWav16(const Audio& audio, size_t max_samples) {
  size_t n = std::min(audio.samples.size(), max_samples);
  uint32_t rate = static_cast<uint32_t>(audio.sample_rate);
  uint32_t data_bytes = static_cast<uint32_t>(2 * n);
  std::string wav = "RIFF";
  wav.reserve(44 + data_bytes);
  PutLe(&wav, 36 + data_bytes, 4);
  wav += "WAVEfmt ";
  PutLe(&wav, 16, 4);
  PutLe(&wav, 1, 2);  // PCM
  PutLe(&wav, 1, 2);  // mono
  PutLe(&wav, rate, 4);
  PutLe(&wav, 2 * rate, 4);
  PutLe(&wav, 2, 2);
  PutLe(&wav, 16, 2);
  wav += "data";
  PutLe(&wav, data_bytes, 4);
  for (size_t i = 0; i < n; ++i)
    PutLe(&wav, static_cast<uint16_t>(audio.samples[i]), 2);
  return wav;
}

}  // namespace mmgate::media
