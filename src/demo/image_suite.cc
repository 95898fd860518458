#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <utility>
#include <vector>

#include "common/files.h"
#include "demo/suites.h"
#include "perturb/image.h"

namespace mmgate::demo {
namespace {

// One degradation level of one family, with the slice values it sets.
struct Variant {
  const char* spec;  // perturb/ op spec, also the `perturbation` slice
  const char* tag;   // id suffix
  const char* rotation;
  const char* dpi;
  const char* blur;
  const char* jpeg;
  bool strong;  // the harder level of its family: one difficulty step up
};

constexpr Variant kClean = {"none", "clean", "0", "200", "0", "none", false};

// Mild levels first, then strong ones, so neighbours in this list always
// come from different families.
constexpr std::array<Variant, 8> kVariants = {{
    {"rotate:3", "rot3", "3", "200", "0", "none", false},
    {"dpi:100", "dpi100", "0", "100", "0", "none", false},
    {"blur:1", "blur1", "0", "200", "1", "none", false},
    {"jpeg:30", "jpeg30", "0", "200", "0", "30", false},
    {"rotate:8", "rot8", "8", "200", "0", "none", true},
    {"dpi:70", "dpi70", "0", "70", "0", "none", true},
    {"blur:2", "blur2", "0", "200", "2", "none", true},
    {"jpeg:10", "jpeg10", "0", "200", "0", "10", true},
}};

Difficulty StepUp(Difficulty d) {
  return d == Difficulty::kEasy ? Difficulty::kMedium : Difficulty::kHard;
}

// The two variants of every source slot of a full build: neighbouring
// entries (k, k+1) in rotation, so every level appears about equally often,
// then shuffled by the suite's own stream so that the degradation does not
// move in step with the content kind (which follows the source index).
std::vector<std::pair<size_t, size_t>> VariantPlan(uint64_t seed,
                                                   const std::string& suite) {
  std::vector<std::pair<size_t, size_t>> plan;
  for (int i = 0; i < kImageSourcesFull; ++i) {
    const size_t k = static_cast<size_t>(i) % kVariants.size();
    plan.emplace_back(k, (k + 1) % kVariants.size());
  }
  perturb::Rng rng(perturb::DeriveSeed(seed, suite + "/variants"));
  for (int i = kImageSourcesFull - 1; i > 0; --i) {
    std::swap(plan[static_cast<size_t>(i)],
              plan[static_cast<size_t>(rng.Uniform(0, i))]);
  }
  return plan;
}

}  // namespace

std::string ItemLine(const ItemRecord& r) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["modality"] = r.modality;
  j["prompt"] = r.prompt;
  j["media"] = nlohmann::ordered_json::array(
      {nlohmann::ordered_json{{"type", r.media_type}, {"path", r.media_path}}});
  j["reference"] = r.reference;
  j["metric"] = r.metric;
  j["expect"] = r.expect;
  nlohmann::ordered_json slices = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.slices) slices[k] = v;
  j["slices"] = std::move(slices);
  if (!r.evidence.empty()) j["evidence"] = r.evidence;
  j["group"] = r.group;
  for (const auto& [k, v] : r.extra.items()) j[k] = v;
  return j.dump();
}

Result<std::vector<std::string>> BuildImageSuite(const ImageSuiteSpec& spec,
                                                 const std::string& data_dir,
                                                 uint64_t seed) {
  namespace fs = std::filesystem;
  // One content stream per suite: the small build is a prefix of the full one.
  perturb::Rng rng(perturb::DeriveSeed(seed, spec.name));
  if (spec.sources > kImageSourcesFull) {
    return Status::Invalid(fmt::format("suite {}: at most {} sources",
                                       spec.name, kImageSourcesFull));
  }
  const auto plan = VariantPlan(seed, spec.name);
  std::vector<std::string> lines;
  for (int i = 0; i < spec.sources; ++i) {
    const std::string group = fmt::format("{}-{:03}", spec.prefix, i);
    auto source = spec.make(rng, i);
    if (!source.ok()) return source.status().WithContext(group);
    const auto [v1, v2] = plan[static_cast<size_t>(i)];
    for (const Variant* v : {&kClean, &kVariants[v1], &kVariants[v2]}) {
      const std::string id = group + "-" + v->tag;
      auto op = perturb::ParseImageOp(v->spec);
      if (!op.ok()) return op.status().WithContext(id);
      auto encoded = perturb::EncodeVariant(*source->image, *op,
                                            perturb::DeriveSeed(seed, id));
      if (!encoded.ok()) return encoded.status().WithContext(id);
      const std::string rel =
          fmt::format("media/{}.{}", id, encoded->extension);
      MMGATE_RETURN_IF_ERROR(perturb::WriteImageFile(
          (fs::path(data_dir) / rel).string(), encoded->bytes));

      ItemRecord r;
      r.id = id;
      r.modality = spec.modality;
      r.prompt = source->prompt;
      r.media_type = "image";
      r.media_path = rel;
      r.reference = source->reference;
      r.metric = source->metric.empty() ? spec.metric : source->metric;
      r.slices = source->slices;
      const Difficulty d =
          v->strong ? StepUp(source->difficulty) : source->difficulty;
      r.slices.insert(r.slices.end(), {{"perturbation", v->spec},
                                       {"rotation", v->rotation},
                                       {"dpi", v->dpi},
                                       {"blur", v->blur},
                                       {"jpeg", v->jpeg},
                                       {"difficulty", DifficultyName(d)}});
      r.evidence = source->evidence;
      r.group = group;
      lines.push_back(ItemLine(r));
    }
  }
  return lines;
}

}  // namespace mmgate::demo
