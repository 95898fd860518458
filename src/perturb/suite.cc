#include "perturb/suite.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "common/files.h"
#include "common/json_input.h"
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

// The name becomes a file name in the output folder, so "../evil" or "a/b"
// would write outside it.
Status CheckName(const std::string& name) {
  const bool plain =
      !name.starts_with('.') &&
      std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
      });
  if (plain) return Status::Ok();
  return Status::Invalid(fmt::format(
      "--name '{}': must be a plain name (letters, digits, '-', '_', '.'; not "
      "starting with '.'), not a path",
      name));
}

fs::path Normal(const fs::path& p) {
  std::error_code ec;
  fs::path n = fs::weakly_canonical(fs::absolute(p), ec);
  return (ec ? fs::absolute(p).lexically_normal() : n).lexically_normal();
}

// Writing media/ and items.jsonl into the folder that holds the suite would
// overwrite its gold set, and writing into a folder of other files would mix
// them with the new suite: the first is refused, the second needs --force.
Status CheckOutDir(const Suite& suite, const PerturbOptions& opt) {
  const fs::path out = Normal(opt.out_dir);
  std::vector<fs::path> sources = {fs::path(suite.path).parent_path(),
                                   fs::path(suite.dataset_path).parent_path()};
  for (const Item& item : suite.items) {
    for (const MediaRef& ref : item.media)
      sources.push_back(fs::path(ref.abs_path).parent_path());
  }
  for (const fs::path& source : sources) {
    if (PathIsWithin(Normal(source), out)) {
      return Status::Invalid(fmt::format(
          "-o {}: is or contains the source suite's folder {}; write the "
          "perturbed suite to a new folder",
          opt.out_dir, Normal(source).string()));
    }
  }
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    return Status::Invalid(
        fmt::format("-o {}: exists and is not a folder", opt.out_dir));
  }
  if (fs::is_directory(out, ec) && !fs::is_empty(out, ec) && !opt.force) {
    return Status::Invalid(fmt::format(
        "-o {}: folder is not empty; choose a new folder, or add --force to "
        "write into it (files of the same names are replaced, no other file "
        "is touched)",
        opt.out_dir));
  }
  return Status::Ok();
}

Status CheckInputs(const Suite& suite, const PerturbOptions& opt) {
  MMGATE_RETURN_IF_ERROR(CheckName(opt.name));
  MMGATE_RETURN_IF_ERROR(CheckOutDir(suite, opt));
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
    // The loader parsed this line already, but the file may have changed
    // since; a line that no longer parses is an error, not an exception.
    auto j = ParseOrderedJsonInput(lines[static_cast<size_t>(item.line - 1)]);
    if (!j.ok()) {
      return j.status().WithContext(fmt::format(
          "{}:{}: item '{}'", suite.dataset_path, item.line, item.id));
    }
    out.push_back(std::move(*j));
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

// Written from the loaded suite, not its file: a suite written inline in
// mmgate.yaml has the whole config as its file.
Status WriteSuiteYaml(const Suite& suite, const PerturbOptions& opt,
                      const std::string& name, const std::string& path) {
  YAML::Node node;
  node["name"] = name;
  node["modality"] = suite.modality;
  if (!suite.description.empty()) node["description"] = suite.description;
  node["dataset"] = "items.jsonl";
  node["metric"] = suite.metric;
  for (const std::string& m : suite.extra_metrics) node["metrics"].push_back(m);
  // JSON is YAML: the parsed mappings read back as they were written.
  if (!suite.params.empty()) node["params"] = YAML::Load(suite.params.dump());
  for (const auto& [mode, text] : suite.rubric) node["rubric"][mode] = text;
  if (!suite.gate.empty()) node["gate"] = YAML::Load(suite.gate.dump());
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
  fs::create_directories(out / "media", ec);
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
