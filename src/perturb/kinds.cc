#include "perturb/kinds.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace mmgate::perturb {
namespace {

using M = Medium;
using S = Severity;

std::optional<double> Number(std::string_view text) {
  double v = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return v;
}

}  // namespace

std::string_view MediumName(Medium m) {
  switch (m) {
    case Medium::kImage:
      return "image";
    case Medium::kAudio:
      return "audio";
    case Medium::kText:
      return "text";
  }
  return "text";
}

const std::vector<KindInfo>& AllKinds() {
  static const auto* kinds = new std::vector<KindInfo>{
      {"rotate", M::kImage, "degrees clockwise", 0.1, 45, false,
       S::kHigherWorse, ""},
      {"blur", M::kImage, "Gaussian sigma in pixels", 0.1, 10, false,
       S::kHigherWorse, ""},
      {"jpeg", M::kImage, "JPEG quality", 1, 95, true, S::kLowerWorse, ""},
      {"dpi", M::kImage, "target scan resolution (downscale)", 20, 600, true,
       S::kLowerWorse, ""},
      {"noise", M::kImage, "Gaussian noise stddev (0-255 scale)", 1, 128, false,
       S::kHigherWorse, ""},
      {"crop", M::kImage, "percent of width and height cut", 1, 60, false,
       S::kHigherWorse, ""},
      {"contrast", M::kImage, "contrast factor", 0.05, 0.95, false,
       S::kLowerWorse, ""},
      {"gsm", M::kAudio, "GSM 6.10 at 8 kHz", 0, 0, false, S::kHigherWorse,
       "8k"},
      {"mulaw", M::kAudio, "G.711 mu-law at 8 kHz", 0, 0, false,
       S::kHigherWorse, "8k"},
      {"mp3", M::kAudio, "MP3 bitrate in kbit/s", 8, 160, true, S::kLowerWorse,
       ""},
      {"opus", M::kAudio, "Opus bitrate in kbit/s", 6, 128, true,
       S::kLowerWorse, ""},
      {"snr", M::kAudio, "white-noise SNR in dB", -10, 60, false,
       S::kLowerWorse, ""},
      {"speed", M::kAudio, "playback speed factor", 0.5, 2, false,
       S::kAwayFromOne, ""},
      {"telephone", M::kAudio, "upper band edge in Hz (300 Hz lower)", 1000,
       7000, true, S::kLowerWorse, ""},
      {"reverb", M::kAudio, "reverberance percent", 1, 100, false,
       S::kHigherWorse, ""},
      {"typos", M::kText, "share of words with a typo", 0.01, 1, false,
       S::kHigherWorse, ""},
      {"clutter", M::kText, "log or stack-trace lines added", 1, 100, true,
       S::kHigherWorse, ""},
      {"reorder", M::kText, "share of lines moved", 0.05, 1, false,
       S::kHigherWorse, ""},
  };
  return *kinds;
}

const KindInfo* FindKind(std::string_view name) {
  for (const KindInfo& k : AllKinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string Variant::Spec() const {
  return fmt::format("{}:{}", kind->name, level_text);
}

Result<std::vector<Variant>> ParseKindArg(std::string_view arg) {
  const size_t colon = arg.find(':');
  const std::string_view name = arg.substr(0, colon);
  const KindInfo* kind = FindKind(name);
  if (kind == nullptr) {
    std::string known;
    for (const KindInfo& k : AllKinds())
      known += (known.empty() ? "" : ", ") + std::string(k.name);
    return Status::Invalid(
        fmt::format("unknown perturbation kind '{}' (kinds: {})", name, known));
  }
  std::vector<Variant> out;
  if (!kind->fixed_level.empty()) {
    if (colon != std::string_view::npos &&
        arg.substr(colon + 1) != kind->fixed_level) {
      return Status::Invalid(fmt::format(
          "perturbation '{}': {} takes no level ({})", arg, name, kind->unit));
    }
    out.push_back({kind, 0, std::string(kind->fixed_level)});
    return out;
  }
  if (colon == std::string_view::npos || colon + 1 == arg.size()) {
    return Status::Invalid(fmt::format(
        "perturbation '{}': give levels, e.g. {}:{:g},{:g} ({}, {:g}..{:g})",
        arg, name, kind->lo, kind->hi, kind->unit, kind->lo, kind->hi));
  }
  std::string_view rest = arg.substr(colon + 1);
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view text = rest.substr(0, comma);
    const std::optional<double> v = Number(text);
    if (!v || *v < kind->lo || *v > kind->hi ||
        (kind->integer && *v != std::floor(*v))) {
      return Status::Invalid(fmt::format(
          "perturbation '{}': level '{}' out of range for {} ({}: "
          "{}{:g}..{:g})",
          arg, text, name, kind->unit, kind->integer ? "whole numbers " : "",
          kind->lo, kind->hi));
    }
    out.push_back({kind, *v, fmt::format("{:g}", *v)});
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

std::optional<SeverityPoint> SplitPerturbation(std::string_view value) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  SeverityPoint p{std::string(value.substr(0, colon)),
                  std::string(value.substr(colon + 1)), std::nullopt};
  // Audio op specs (audio.h: "codec:gsm8k", "codec:mp3-24k", "noise:snr10")
  // read as the kinds they are, so their curves order by severity too.
  auto strip = [&](std::string_view prefix, std::string_view suffix) {
    std::string_view l = p.level;
    if (!l.starts_with(prefix) || !l.ends_with(suffix) ||
        l.size() <= prefix.size() + suffix.size())
      return false;
    p.level = std::string(
        l.substr(prefix.size(), l.size() - prefix.size() - suffix.size()));
    return true;
  };
  if (p.kind == "codec") {
    for (const char* fixed : {"gsm", "mulaw"}) {
      if (p.level == std::string(fixed) + "8k") {
        p.kind = fixed;
        p.level = "8k";
      }
    }
    if (strip("mp3-", "k")) p.kind = "mp3";
    if (strip("opus-", "k")) p.kind = "opus";
  } else if (p.kind == "noise" && strip("snr", "")) {
    p.kind = "snr";
  }
  const KindInfo* kind = FindKind(p.kind);
  const std::optional<double> v = Number(p.level);
  if (kind != nullptr && !kind->fixed_level.empty()) {
    p.rank = 1;
  } else if (v) {
    const Severity s = kind ? kind->severity : Severity::kHigherWorse;
    p.rank = s == Severity::kHigherWorse  ? *v
             : s == Severity::kLowerWorse ? -*v
                                          : std::abs(std::log(*v));
  }
  return p;
}

}  // namespace mmgate::perturb
