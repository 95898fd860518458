// The demo's robustness and behaviour suites (suites.h).
#include <fmt/format.h>

#include <filesystem>

#include "demo/suites.h"
#include "perturb/image.h"
#include "score/text_metrics.h"

namespace mmgate::demo {
namespace {

namespace fs = std::filesystem;

// Levels of the robustness curves, least severe first.
constexpr const char* kCurveLevels[] = {"rotate:3", "rotate:6", "rotate:12",
                                        "blur:1",   "blur:2",   "blur:3"};

// Writes one image (clean or through `spec`) and returns its relative path.
Result<std::string> WriteImage(const ImageSource& src, const std::string& spec,
                               const std::string& id,
                               const std::string& data_dir, uint64_t seed) {
  auto op = perturb::ParseImageOp(spec);
  if (!op.ok()) return op.status().WithContext(id);
  auto encoded =
      perturb::EncodeVariant(*src.image, *op, perturb::DeriveSeed(seed, id));
  if (!encoded.ok()) return encoded.status().WithContext(id);
  const std::string rel = fmt::format("media/{}.{}", id, encoded->extension);
  MMGATE_RETURN_IF_ERROR(perturb::WriteImageFile(
      (fs::path(data_dir) / rel).string(), encoded->bytes));
  return rel;
}

ItemRecord DocItem(const std::string& id, const std::string& rel,
                   const std::string& prompt, const std::string& reference,
                   const std::string& metric, const std::string& group) {
  ItemRecord r;
  r.id = id;
  r.modality = "document";
  r.prompt = prompt;
  r.media_type = "image";
  r.media_path = rel;
  r.reference = reference;
  r.metric = metric;
  r.group = group;
  return r;
}

// Unanswerable questions about an invoice, receipt or form, by the kind of
// hallucination an answer to them would be.
struct Trap {
  const char* type;
  const char* prompt;
};
constexpr Trap kTraps[] = {
    {"object", "What is the IBAN?"},
    {"action", "What is the date the payment was received?"},
    {"relation", "What is the amount printed two lines below the last line?"},
};

}  // namespace

Result<std::vector<std::string>> BuildRobustnessSuite(
    const std::string& data_dir, uint64_t seed, bool small) {
  perturb::Rng rng(perturb::DeriveSeed(seed, "robustness"));
  std::vector<std::string> lines;
  const int sources = small ? 1 : 4;
  for (int i = 0; i < sources; ++i) {
    const std::string group = fmt::format("robust-{:03}", i);
    auto src = MakeDocument(rng, i);
    if (!src.ok()) return src.status().WithContext(group);
    std::vector<std::string> specs = {"none"};
    specs.insert(specs.end(), std::begin(kCurveLevels), std::end(kCurveLevels));
    for (const std::string& spec : specs) {
      std::string tag = spec == "none" ? "clean" : spec;
      for (char& c : tag) {
        if (c == ':') c = '-';
      }
      const std::string id = group + "-" + tag;
      auto rel = WriteImage(*src, spec, id, data_dir, seed);
      if (!rel.ok()) return rel.status();
      ItemRecord r =
          DocItem(id, *rel, src->prompt, src->reference, "anls", group);
      r.slices = src->slices;
      r.slices.push_back({"perturbation", spec});
      r.evidence = src->evidence;
      lines.push_back(ItemLine(r));
    }
  }
  return lines;
}

Result<std::vector<std::string>> BuildBehaviourSuite(
    const std::string& data_dir, uint64_t seed, bool small) {
  perturb::Rng rng(perturb::DeriveSeed(seed, "behaviour"));
  std::vector<std::string> lines;
  const int per_kind = small ? 1 : 3;
  int next = 0;  // source index: the kind (invoice, receipt, form) rotates
  auto source = [&]() { return MakeDocument(rng, next++); };
  auto item = [&](const std::string& id, const ImageSource& src,
                  const std::string& prompt, const std::string& reference,
                  const std::string& metric) -> Result<ItemRecord> {
    auto rel = WriteImage(src, "none", id, data_dir, seed);
    if (!rel.ok()) return rel.status();
    ItemRecord r = DocItem(id, *rel, prompt, reference, metric, id);
    r.slices = src.slices;
    return r;
  };

  // Abstention: the right answer is "cannot determine from the image".
  for (int i = 0; i < per_kind; ++i) {
    for (const Trap& t : kTraps) {
      const std::string id = fmt::format("abstain-{}-{}", t.type, i);
      auto src = source();
      if (!src.ok()) return src.status().WithContext(id);
      auto r = item(id, *src, t.prompt, "cannot determine", "abstention");
      if (!r.ok()) return r.status();
      r->expect = "abstain";
      r->slices.push_back({"behaviour", "abstention"});
      r->slices.push_back({"hallucination_type", t.type});
      lines.push_back(ItemLine(*r));
    }
  }
  // Answerable controls: refusing them is over-refusal.
  for (int i = 0; i < per_kind; ++i) {
    const std::string id = fmt::format("answerable-{}", i);
    auto src = source();
    if (!src.ok()) return src.status().WithContext(id);
    auto r = item(id, *src, src->prompt, src->reference, "abstention");
    if (!r.ok()) return r.status();
    r->slices.push_back({"behaviour", "answerable"});
    lines.push_back(ItemLine(*r));
  }
  // Grounding: the answer must quote the line it read.
  for (int i = 0; i < per_kind; ++i) {
    const std::string id = fmt::format("grounded-{}", i);
    auto src = source();
    if (!src.ok()) return src.status().WithContext(id);
    auto r = item(id, *src, src->prompt + "\nQuote the line you read it from.",
                  src->reference, "grounding");
    if (!r.ok()) return r.status();
    r->slices.push_back({"behaviour", "grounding"});
    r->evidence = src->evidence;
    lines.push_back(ItemLine(*r));
  }
  // Conflict: a covering note contradicts the document; the image wins.
  for (int i = 0; i < per_kind; ++i) {
    const std::string id = fmt::format("conflict-{}", i);
    Result<ImageSource> src = source();
    // Only amounts make a number to contradict: draw until one comes up
    // (every receipt asks for one within a few draws).
    for (int tries = 0;
         src.ok() && !score::ParseNumber(src->reference) && tries < 30;
         ++tries) {
      src = source();
    }
    if (!src.ok()) return src.status().WithContext(id);
    const auto value = score::ParseNumber(src->reference);
    if (!value) return Status::Internal(id + ": no numeric question drawn");
    const std::string other = fmt::format("{:.2f}", value->value * 1.25 + 3);
    auto r = item(
        id, *src,
        src->prompt + fmt::format("\nThe covering note says it is {}.", other),
        src->reference, "conflict");
    if (!r.ok()) return r.status();
    r->slices.push_back({"behaviour", "conflict"});
    r->extra["conflict"] = {{"image", src->reference}, {"text", other}};
    lines.push_back(ItemLine(*r));
  }
  return lines;
}

}  // namespace mmgate::demo
