#include "perturb/suite.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "common/files.h"
#include "media/audio.h"
#include "perturb/audio.h"
#include "perturb/image.h"
#include "perturb/random.h"
#include "perturb/text.h"

namespace mmgate::perturb {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// The audio op behind an audio kind.
Result<AudioOp> AudioOpFor(const Variant& v) {
  const std::string_view k = v.kind->name;
  std::string spec;
  if (k == "gsm") spec = "codec:gsm8k";
  if (k == "mulaw") spec = "codec:mulaw8k";
  if (k == "mp3") spec = fmt::format("codec:mp3-{}k", v.level_text);
  if (k == "opus") spec = fmt::format("codec:opus-{}k", v.level_text);
  if (k == "snr") spec = fmt::format("noise:snr{}", v.level_text);
  if (k == "speed" || k == "telephone" || k == "reverb") spec = v.Spec();
  return ParseAudioOp(spec);
}

const MediaRef* MediumOf(const Item& item, Medium m) {
  for (const MediaRef& ref : item.media) {
    if (ref.type == MediumName(m)) return &ref;
  }
  return nullptr;
}

std::string Extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  return ext.empty() ? "" : ext.substr(1);
}

// File-name-safe variant tag: "rotate-2.5" for "rotate:2.5".
std::string Tag(const Variant& v) {
  std::string tag = v.Spec();
  for (char& c : tag) {
    if (c == ':') c = '-';
  }
  return tag;
}

Status CheckInputs(const Suite& suite, const PerturbOptions& opt) {
  if (!suite.problems.empty()) {
    const ItemProblem& p = suite.problems.front();
    return Status::Invalid(
        fmt::format("suite {}: item {} (line {}) is invalid: {}", suite.name,
                    p.item_id.empty() ? "?" : p.item_id, p.line, p.message));
  }
  if (opt.variants.empty())
    return Status::Invalid("no perturbation kinds given");
  std::set<std::string> ids;
  for (const Item& item : suite.items) {
    for (const auto& [key, value] : item.slices) {
      if (key == "perturbation" && value != "none") {
        return Status::Invalid(fmt::format(
            "item {}: already perturbed ({}); perturb clean items only",
            item.id, value));
      }
    }
    for (const Variant& v : opt.variants) {
      if (v.kind->medium == Medium::kText) continue;
      if (MediumOf(item, v.kind->medium) == nullptr) {
        std::string has;
        for (const MediaRef& m : item.media)
          has += (has.empty() ? "" : ", ") + m.type;
        return Status::Invalid(fmt::format(
            "item {}: {} is an {} perturbation but the item has no {} "
            "(media: {})",
            item.id, v.Spec(), MediumName(v.kind->medium),
            MediumName(v.kind->medium), has.empty() ? "none" : has));
      }
    }
  }
  return Status::Ok();
}

// The source line of each item as written, keys in file order.
Result<std::vector<Json>> RawItems(const Suite& suite) {
  auto text = ReadFile(suite.dataset_path);
  if (!text.ok()) return text.status();
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text->size()) {
    size_t nl = text->find('\n', start);
    if (nl == std::string::npos) nl = text->size();
    lines.push_back(text->substr(start, nl - start));
    start = nl + 1;
  }
  std::vector<Json> out;
  for (const Item& item : suite.items) {
    if (item.line < 1 || static_cast<size_t>(item.line) > lines.size())
      return Status::Internal(
          fmt::format("item {}: no line {}", item.id, item.line));
    out.push_back(Json::parse(lines[static_cast<size_t>(item.line - 1)]));
  }
  return out;
}

// Tags the line with its perturbation and its source's group (the source's
// own id when the source named none).
void SetPerturbation(Json* j, const std::string& value,
                     const std::string& group) {
  if (!j->contains("slices") || !(*j)["slices"].is_object())
    (*j)["slices"] = Json::object();
  (*j)["slices"]["perturbation"] = value;
  (*j)["group"] = group;
}

// Writes one variant's media (or a copy of the clean file) and points the
// item's matching media entry at it.
Status WriteMedia(const Item& item, const Variant* v, const std::string& id,
                  uint64_t seed, const fs::path& out, Json* j) {
  for (size_t k = 0; k < item.media.size(); ++k) {
    const MediaRef& ref = item.media[k];
    std::string rel;
    const bool image =
        v && v->kind->medium == Medium::kImage && ref.type == "image";
    const bool audio =
        v && v->kind->medium == Medium::kAudio && ref.type == "audio";
    const std::string base =
        item.media.size() > 1 ? fmt::format("{}-{}", id, k) : id;
    if (image) {
      auto op = ParseImageOp(v->Spec());
      if (!op.ok()) return op.status();
      auto pix = ReadImage(ref.abs_path);
      if (!pix.ok()) return pix.status();
      auto encoded = EncodeVariant(**pix, *op, seed);
      if (!encoded.ok()) return encoded.status();
      rel = fmt::format("media/{}.{}", base, encoded->extension);
      MMGATE_RETURN_IF_ERROR(
          WriteImageFile((out / rel).string(), encoded->bytes));
    } else if (audio) {
      auto op = AudioOpFor(*v);
      if (!op.ok()) return op.status();
      auto decoded = media::ReadAudioMono(ref.abs_path, media::kFileRate);
      if (!decoded.ok()) return decoded.status();
      rel = fmt::format("media/{}.{}", base, OutputExtension(*op));
      MMGATE_RETURN_IF_ERROR(
          WriteAudioVariant(*decoded, *op, seed, (out / rel).string()));
    } else {
      auto bytes = ReadFile(ref.abs_path);
      if (!bytes.ok()) return bytes.status();
      const std::string ext = Extension(ref.abs_path);
      rel = fmt::format("media/{}{}{}", base, ext.empty() ? "" : ".", ext);
      MMGATE_RETURN_IF_ERROR(WriteFileAtomic((out / rel).string(), *bytes));
    }
    (*j)["media"][k]["path"] = rel;
  }
  return Status::Ok();
}

std::string PerturbText(const std::string& prompt, const Variant& v,
                        uint64_t seed) {
  if (v.kind->name == "typos") return AddTypos(prompt, v.level, seed);
  if (v.kind->name == "clutter")
    return AddClutter(prompt, static_cast<int>(v.level), seed);
  return Reorder(prompt, v.level, seed);
}

Status WriteSuiteYaml(const Suite& suite, const PerturbOptions& opt,
                      const std::string& name, const std::string& path) {
  YAML::Node node = YAML::LoadFile(suite.path);
  node["name"] = name;
  node["dataset"] = "items.jsonl";
  std::string kinds;
  for (const Variant& v : opt.variants) kinds += " " + v.Spec();
  YAML::Emitter e;
  e << YAML::Comment(
           fmt::format("Written by `mmgate perturb` from suite {} (seed {}):{}",
                       suite.name, opt.seed, kinds))
    << YAML::Newline << node;
  return WriteFileAtomic(path, std::string(e.c_str()) + "\n");
}

}  // namespace

Result<PerturbSummary> PerturbSuite(const Suite& suite,
                                    const PerturbOptions& opt) {
  MMGATE_RETURN_IF_ERROR(CheckInputs(suite, opt));
  auto raw = RawItems(suite);
  if (!raw.ok()) return raw.status();
  const fs::path out(opt.out_dir);
  std::error_code ec;
  fs::remove_all(out / "media", ec);
  if (!ec) fs::create_directories(out / "media", ec);
  if (ec)
    return Status::IoError(
        fmt::format("prepare {}: {}", (out / "media").string(), ec.message()));
  PerturbSummary summary;
  summary.suite_name = opt.name.empty() ? suite.name + "-perturbed" : opt.name;
  std::string jsonl;
  for (size_t i = 0; i < suite.items.size(); ++i) {
    const Item& item = suite.items[i];
    Json clean = (*raw)[i];
    SetPerturbation(&clean, "none", item.group);
    MMGATE_RETURN_IF_ERROR(WriteMedia(item, nullptr, item.id, 0, out, &clean)
                               .WithContext("item " + item.id));
    jsonl += clean.dump() + "\n";
    ++summary.clean_items;
    for (const Variant& v : opt.variants) {
      const std::string id = item.id + "~" + Tag(v);
      const uint64_t seed = DeriveSeed(opt.seed, id);
      Json j = (*raw)[i];
      j["id"] = id;
      SetPerturbation(&j, v.Spec(), item.group);
      if (v.kind->medium == Medium::kText) {
        j["prompt"] = PerturbText(item.prompt, v, seed);
      }
      MMGATE_RETURN_IF_ERROR(WriteMedia(item, &v, id, seed, out, &j)
                                 .WithContext("item " + item.id));
      jsonl += j.dump() + "\n";
      ++summary.variant_items;
    }
  }
  summary.dataset_file = (out / "items.jsonl").string();
  summary.suite_file = (out / (summary.suite_name + ".yaml")).string();
  MMGATE_RETURN_IF_ERROR(WriteFileAtomic(summary.dataset_file, jsonl));
  MMGATE_RETURN_IF_ERROR(
      WriteSuiteYaml(suite, opt, summary.suite_name, summary.suite_file));
  return summary;
}

}  // namespace mmgate::perturb
