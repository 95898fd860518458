// Clean source images of the demo's image suites, each with its question:
// generated from a seeded RNG, rendered with cairo, one source per call.
#ifndef MMGATE_DEMO_SOURCES_H_
#define MMGATE_DEMO_SOURCES_H_

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "perturb/image.h"
#include "perturb/random.h"

namespace mmgate::demo {

enum class Difficulty { kEasy, kMedium, kHard };
const char* DifficultyName(Difficulty d);

using Slices = std::vector<std::pair<std::string, std::string>>;

struct ImageSource {
  perturb::PixPtr image;
  std::string prompt;
  std::string reference;
  std::string metric;  // empty: the suite's default metric
  Slices slices;       // content strata: document type, chart labels, ...
  std::vector<std::string> evidence;
  Difficulty difficulty = Difficulty::kEasy;  // of the clean image
};

// `index` picks the kind (invoice/receipt/form, ...) in rotation so every
// kind is present even in a small build; the RNG picks the content.
Result<ImageSource> MakeDocument(perturb::Rng& rng, int index);
Result<ImageSource> MakeTable(perturb::Rng& rng, int index);
Result<ImageSource> MakeChart(perturb::Rng& rng, int index);
Result<ImageSource> MakeScreenshot(perturb::Rng& rng, int index);

// One question out of a source's candidates: (key or label, answer,
// evidence line).
struct Fact {
  std::string key;
  std::string value;
  std::string line;
};

}  // namespace mmgate::demo

#endif  // MMGATE_DEMO_SOURCES_H_
