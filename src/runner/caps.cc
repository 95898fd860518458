#include "runner/caps.h"

#include <fmt/format.h>
#include <leptonica/allheaders.h>

#include <algorithm>
#include <filesystem>

#include "media/audio.h"
#include "media/image.h"

namespace mmgate::runner {
namespace {

std::string ImageViolation(const MediaRef& m, const InputCaps& caps) {
  if (caps.image_bytes > 0) {
    std::error_code ec;
    auto bytes =
        static_cast<int64_t>(std::filesystem::file_size(m.abs_path, ec));
    if (ec)
      return fmt::format("image {} cannot be measured: {}", m.path,
                         ec.message());
    if (bytes > caps.image_bytes)
      return fmt::format("image {} is {} bytes, over the image_bytes cap of {}",
                         m.path, bytes, caps.image_bytes);
  }
  if (caps.image_pixels > 0) {
    auto pix = media::ReadImage(m.abs_path);
    if (!pix.ok())
      return fmt::format("image {} cannot be measured: {}", m.path,
                         pix.status().message());
    const int w = pixGetWidth(pix->get()), h = pixGetHeight(pix->get());
    const int64_t px = static_cast<int64_t>(w) * h;
    if (px > caps.image_pixels)
      return fmt::format(
          "image {} is {}x{} = {} pixels, over the image_pixels cap of {}",
          m.path, w, h, px, caps.image_pixels);
  }
  return {};
}

std::string AudioViolation(const MediaRef& m, const InputCaps& caps) {
  auto audio = media::ReadAudioMono(m.abs_path, media::kFileRate);
  if (!audio.ok())
    return fmt::format("audio {} cannot be measured: {}", m.path,
                       audio.status().message());
  const double secs = static_cast<double>(audio->samples.size()) /
                      std::max(1, audio->sample_rate);
  if (secs > caps.audio_seconds)
    return fmt::format(
        "audio {} is {:.1f} s, over the audio_seconds cap of {:g}", m.path,
        secs, caps.audio_seconds);
  return {};
}

}  // namespace

InputCaps CapsFor(const std::map<std::string, InputCaps>& caps,
                  const std::string& modality, const InputCaps& overrides) {
  InputCaps out;
  if (auto it = caps.find(modality); it != caps.end()) out = it->second;
  if (overrides.image_bytes > 0) out.image_bytes = overrides.image_bytes;
  if (overrides.image_pixels > 0) out.image_pixels = overrides.image_pixels;
  if (overrides.audio_seconds > 0) out.audio_seconds = overrides.audio_seconds;
  return out;
}

std::string CapViolation(const Item& item, const InputCaps& caps) {
  for (const MediaRef& m : item.media) {
    std::string why;
    if (m.type == "image" && (caps.image_bytes > 0 || caps.image_pixels > 0))
      why = ImageViolation(m, caps);
    else if (m.type == "audio" && caps.audio_seconds > 0)
      why = AudioViolation(m, caps);
    if (!why.empty()) return fmt::format("item {}: {}", item.id, why);
  }
  return {};
}

}  // namespace mmgate::runner
