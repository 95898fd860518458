// The perturbation kinds `mmgate perturb` offers, their level ranges and
// which way severity grows. Pure data and parsing (no signal libraries), so
// the gate can order degradation curves by severity without linking codecs.
//
// A variant is named `kind:level` ("rotate:5", "snr:10", "gsm:8k"); that
// text is the item's `slices.perturbation`, and clean items carry "none".
#ifndef MMGATE_PERTURB_KINDS_H_
#define MMGATE_PERTURB_KINDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mmgate::perturb {

enum class Medium { kImage, kAudio, kText };
std::string_view MediumName(Medium m);  // "image" | "audio" | "text"

// How a larger level reads: more severe (rotate), less severe (jpeg quality),
// or more severe the further it is from 1 (speed).
enum class Severity { kHigherWorse, kLowerWorse, kAwayFromOne };

struct KindInfo {
  std::string_view name;
  Medium medium;
  std::string_view unit;  // what the level means, for help and errors
  double lo, hi;          // inclusive level range
  bool integer;
  Severity severity;
  std::string_view fixed_level;  // non-empty: the kind takes no level
};

const std::vector<KindInfo>& AllKinds();
const KindInfo* FindKind(std::string_view name);

// One variant to make: a kind at one level.
struct Variant {
  const KindInfo* kind = nullptr;
  double level = 0;
  std::string level_text;    // canonical: "5", "0.5", "8k"
  std::string Spec() const;  // "rotate:5"
};

// Parses one command-line argument, "rotate:2,5,10", "gsm" or "snr:10":
// unknown kinds and levels out of range are errors naming the kind's range.
Result<std::vector<Variant>> ParseKindArg(std::string_view arg);

// A slice value "kind:level" split for curves: the kind, the level text, and
// a severity rank (larger = more severe) when the kind is known or the level
// is a number. "none" and values without a colon give nullopt.
struct SeverityPoint {
  std::string kind;
  std::string level;
  std::optional<double> rank;
};
std::optional<SeverityPoint> SplitPerturbation(std::string_view value);

}  // namespace mmgate::perturb

#endif  // MMGATE_PERTURB_KINDS_H_
