// The `caps:` section: input caps per item modality, e.g.
//   caps:
//     image: {image_bytes: 5000000, image_pixels: 25000000}
//     audio: {audio_seconds: 30}
// Every key names a known modality (a misspelled one would cap nothing) and
// every value is a number above 0.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <string>

#include "config/sections.h"

namespace mmgate::config::internal {
namespace {

using dataset::internal::ErrorAt;
using dataset::internal::FieldReader;

constexpr const char* kCapKeys = "image_bytes, image_pixels, audio_seconds";

Status ReadOneCap(const std::string& file, const std::string& modality,
                  const YAML::Node& node, InputCaps* caps) {
  MMGATE_RETURN_IF_ERROR(
      FieldReader(file, node)
          .OnlyKeys({"image_bytes", "image_pixels", "audio_seconds"}));
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    double v = 0;
    if (!kv.second.IsScalar() || !YAML::convert<double>::decode(kv.second, v) ||
        !(v > 0) || !std::isfinite(v)) {
      return ErrorAt(
          file, kv.second,
          fmt::format("caps.{}.{}: must be a number above 0", modality, key));
    }
    if (key == "audio_seconds") {
      caps->audio_seconds = v;
      continue;
    }
    if (v != std::floor(v) || v > 9e18) {
      return ErrorAt(
          file, kv.second,
          fmt::format("caps.{}.{}: must be a whole number", modality, key));
    }
    (key == "image_bytes" ? caps->image_bytes : caps->image_pixels) =
        static_cast<int64_t>(v);
  }
  return Status::Ok();
}

}  // namespace

Status ReadCaps(Source* src, const std::optional<Field>& field, Config* cfg) {
  if (!field) return Status::Ok();
  const YAML::Node& node = field->value;
  if (!node.IsMap()) {
    return ErrorAt(src->file, field->key,
                   fmt::format("'caps' must map modalities to caps ({}), "
                               "e.g. image: {{image_bytes: 5000000}}",
                               kCapKeys));
  }
  const std::set<std::string> known = src->Modalities();
  for (const auto& kv : node) {
    const std::string modality = kv.first.Scalar();
    if (!known.contains(modality)) {
      return ErrorAt(src->file, kv.first,
                     fmt::format("caps: unknown modality '{}' (known: {}; "
                                 "declare others under 'modalities:')",
                                 modality, fmt::join(known, ", ")));
    }
    if (!kv.second.IsMap()) {
      return ErrorAt(
          src->file, kv.second,
          fmt::format("caps.{}: expected a mapping of {}", modality, kCapKeys));
    }
    MMGATE_RETURN_IF_ERROR(ReadOneCap(src->file, modality, kv.second,
                                      &cfg->project.caps[modality]));
  }
  return Status::Ok();
}

}  // namespace mmgate::config::internal
