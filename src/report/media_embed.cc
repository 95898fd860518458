#include "report/media_embed.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "common/base64.h"
#include "media/audio.h"
#include "media/image.h"
#include "report/html.h"

namespace mmgate::report {
namespace {

using nlohmann::json;

// Leptonica allocates encoded images; this frees them.
struct LeptBytes {
  l_uint8* data = nullptr;
  size_t size = 0;
  ~LeptBytes() { lept_free(data); }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data), size};
  }
};

// A thumbnail as PNG or JPEG, whichever is smaller (PNG wins on charts and
// text, JPEG on photographs).
Result<std::string> Thumbnail(const std::string& path, int px) {
  auto pix = media::ReadImage(path);
  if (!pix.ok()) return pix.status();
  media::PixPtr rgb(pixConvertTo32(pix->get()));
  if (!rgb) return Status::Corrupt(path + ": cannot convert to RGB");
  int longest = std::max(pixGetWidth(rgb.get()), pixGetHeight(rgb.get()));
  float f = std::min(1.0f, static_cast<float>(px) / longest);
  media::PixPtr small(f < 1 ? pixScale(rgb.get(), f, f) : pixClone(rgb.get()));
  if (!small) return Status::Corrupt(path + ": cannot scale");
  LeptBytes png, jpeg;
  bool png_ok = pixWriteMem(&png.data, &png.size, small.get(), IFF_PNG) == 0;
  bool jpeg_ok =
      pixWriteMemJpeg(&jpeg.data, &jpeg.size, small.get(), 85, 0) == 0;
  if (!png_ok && !jpeg_ok) return Status::Corrupt(path + ": cannot encode");
  if (png_ok && (!jpeg_ok || png.size <= jpeg.size))
    return "data:image/png;base64," + Base64Encode(png.view());
  return "data:image/jpeg;base64," + Base64Encode(jpeg.view());
}

// Mono 16-bit PCM WAV, which every browser plays.
Result<std::string> AudioClip(const std::string& path, int rate,
                              double max_seconds) {
  auto audio = media::ReadAudioMono(path, rate);
  if (!audio.ok()) return audio.status();
  std::string wav =
      media::EncodeWav16(*audio, static_cast<size_t>(max_seconds * rate));
  return "data:audio/wav;base64," + Base64Encode(wav);
}

}  // namespace

json MediaEmbedder::Embed(const std::string& suite, const json& media) {
  json out = json::array();
  if (!media.is_array()) return out;
  auto dir = opt_.dataset_dirs.find(suite);
  for (const json& m : media) {
    if (!m.is_object()) continue;
    std::string type = m.value("type", "");
    std::string path = m.value("path", "");
    json j = {{"type", type}, {"path", path}};
    if (dir == opt_.dataset_dirs.end()) {
      j["note"] = "dataset folder unknown";
    } else {
      j.update(EmbedOne(dir->second, type, path));
    }
    out.push_back(std::move(j));
  }
  return out;
}

json MediaEmbedder::EmbedOne(const std::string& dir, const std::string& type,
                             const std::string& path) {
  namespace fs = std::filesystem;
  if (used_ >= opt_.media_budget_bytes)
    return {{"note", "not embedded: the report's media budget is spent"}};
  // The path came from the database: it must stay inside the dataset folder.
  fs::path rel = fs::path(path).lexically_normal();
  if (rel.is_absolute() || rel.empty() || *rel.begin() == "..")
    return {{"note", "path outside the dataset folder"}};
  std::string file = (fs::path(dir) / rel).string();
  Result<std::string> src = Status::Invalid("no preview for media type");
  if (type == "image") {
    src = Thumbnail(file, opt_.thumbnail_px);
  } else if (type == "audio") {
    src = AudioClip(file, opt_.audio_rate, opt_.audio_max_seconds);
  }
  if (!src.ok()) return {{"note", src.status().message()}};
  used_ += src->size();
  return {{"src", std::move(*src)}};
}

}  // namespace mmgate::report
