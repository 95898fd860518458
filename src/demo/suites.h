// Building one suite's items and media (internal to the demo box).
#ifndef MMGATE_DEMO_SUITES_H_
#define MMGATE_DEMO_SUITES_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "demo/sources.h"
#include "perturb/random.h"

namespace mmgate::demo {

// One item line, keys in DESIGN.md order.
struct ItemRecord {
  std::string id;
  std::string modality;
  std::string prompt;
  std::string media_type;  // "image" | "audio"
  std::string media_path;  // relative to the JSONL file
  std::string reference;
  std::string metric;
  Slices slices;
  std::vector<std::string> evidence;
  std::string group;
  std::string expect = "answer";  // or "abstain"
  nlohmann::ordered_json extra =
      nlohmann::ordered_json::object();  // "conflict"...
};
std::string ItemLine(const ItemRecord& r);

using SourceMaker = std::function<Result<ImageSource>(perturb::Rng&, int)>;

struct ImageSuiteSpec {
  std::string name;      // "documents"
  std::string prefix;    // id prefix, "doc"
  std::string modality;  // "document"
  std::string metric;    // the suite's default metric
  SourceMaker make;
  int sources = 0;
};

// Sources per image suite in a full build (each gives three items) and in a
// small one.
inline constexpr int kImageSourcesFull = 17;
inline constexpr int kImageSourcesSmall = 2;

// Renders each source, writes it clean and as two degraded variants into
// `data_dir`/media and returns the item lines.
Result<std::vector<std::string>> BuildImageSuite(const ImageSuiteSpec& spec,
                                                 const std::string& data_dir,
                                                 uint64_t seed);

// Documents, each clean and at three levels of rotation and of blur: the
// degradation curves of the demo.
Result<std::vector<std::string>> BuildRobustnessSuite(
    const std::string& data_dir, uint64_t seed, bool small);

// Real renders asking what they cannot answer (expect: abstain, tagged with
// a hallucination type), answerable controls, questions that must quote
// their evidence (grounding) and questions whose caption contradicts the
// image (conflict, policy image_wins).
Result<std::vector<std::string>> BuildBehaviourSuite(
    const std::string& data_dir, uint64_t seed, bool small);

// Synthetic sentences in every demo voice plus the human recordings, each
// clean and with a codec and a noise variant.
Result<std::vector<std::string>> BuildSpeechSuite(const std::string& data_dir,
                                                  uint64_t seed, bool small);

}  // namespace mmgate::demo

#endif  // MMGATE_DEMO_SUITES_H_
