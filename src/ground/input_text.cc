#include "ground/input_text.h"

#include <fmt/format.h>

#include <filesystem>

#include "adapter/engines.h"
#include "common/files.h"
#include "common/hash.h"

namespace mmgate::ground {
namespace {

// The recognisers' configurations are part of the cache key, so a change of
// engine settings never serves a stale text.
constexpr const char* kOcrTag = "tesseract-psm3";
constexpr const char* kAsrTag = "pocketsphinx-default";

}  // namespace

InputTextCache::InputTextCache(std::string cache_dir)
    : cache_dir_(std::move(cache_dir)) {}

InputTextCache::~InputTextCache() = default;

Result<std::string> InputTextCache::Recognize(const MediaRef& ref,
                                              const Item& item) {
  const bool image = ref.type == "image";
  if (!image && ref.type != "audio") {
    return Status::Invalid(
        fmt::format("grounding: no recognizer for media type '{}'", ref.type));
  }
  auto bytes = ReadFile(ref.abs_path);
  if (!bytes.ok()) return bytes.status();
  const std::string key = Sha256Hex(*bytes) + "." + (image ? kOcrTag : kAsrTag);
  if (auto it = memory_.find(key); it != memory_.end()) return it->second;
  const std::string disk =
      cache_dir_.empty()
          ? ""
          : (std::filesystem::path(cache_dir_) / (key + ".txt")).string();
  std::error_code ec;
  if (!disk.empty() && std::filesystem::exists(disk, ec)) {
    auto text = ReadFile(disk);
    if (text.ok()) return memory_[key] = *text;
  }
  std::unique_ptr<Model>& engine = image ? ocr_ : asr_;
  if (!engine) {
    ModelSpec spec;
    spec.name = image ? kOcrTag : kAsrTag;
    spec.provider = image ? "tesseract" : "pocketsphinx";
    if (image) spec.params = {{"psm", 3}};
    auto made = image ? adapter::CreateTesseractModel(spec)
                      : adapter::CreatePocketSphinxModel(spec);
    if (!made.ok()) return made.status().WithContext("grounding recognizer");
    engine = std::move(*made);
  }
  // An empty prompt asks the OCR engine for the page text, not a rule.
  ModelRequest req{item.id, image ? "image" : "audio", "", {ref}};
  auto answer = engine->Answer(req);
  if (!answer.ok()) return answer.status().WithContext("grounding recognizer");
  ++recognized_;
  if (!disk.empty()) {
    std::filesystem::create_directories(cache_dir_, ec);
    // A cache write failure only costs speed next time.
    (void)WriteFileAtomic(disk, answer->answer);
  }
  return memory_[key] = answer->answer;
}

Result<std::string> InputTextCache::TextOf(const Item& item) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const MediaRef& ref : item.media) {
    auto text = Recognize(ref, item);
    if (!text.ok()) return text.status().WithContext("item " + item.id);
    if (!out.empty()) out += "\n";
    out += *text;
  }
  return out;
}

}  // namespace mmgate::ground
