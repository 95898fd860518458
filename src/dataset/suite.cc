#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "common/files.h"
#include "common/hash.h"
#include "dataset/items.h"
#include "dataset/load.h"
#include "dataset/suite_build.h"
#include "dataset/yaml_util.h"

namespace mmgate::dataset {
namespace fs = std::filesystem;

namespace internal {
namespace {

// A mapping field converted to JSON; absent or null gives an empty object.
Result<nlohmann::json> OptionalMapping(const FieldReader& r,
                                       std::string_view key) {
  auto f = FindField(r.map(), key);
  if (!f || f->value.IsNull()) return nlohmann::json::object();
  if (!f->value.IsMap()) {
    return r.Error(f->key, fmt::format("'{}' must be a mapping, got {}", key,
                                       NodeKind(f->value)));
  }
  return YamlToJson(f->value);
}

bool MetricKnown(const LoadOptions& opt, const std::string& name) {
  return !opt.metric_known || opt.metric_known(name);
}

bool UsesJudgeMetric(const Suite& s) {
  return s.metric == "judge" ||
         std::find(s.extra_metrics.begin(), s.extra_metrics.end(), "judge") !=
             s.extra_metrics.end();
}

// `judge: {model: NAME, rubric: FILE, mode: score|pairwise}`; the model is
// checked against mmgate.yaml's models and the rubric read by config/.
Result<std::optional<JudgeSpec>> ReadJudge(const FieldReader& r,
                                           const SuiteSource& source,
                                           const Suite& suite) {
  auto f = FindField(r.map(), "judge");
  if (!f || f->value.IsNull()) {
    if (UsesJudgeMetric(suite))
      return r.Error(r.map(),
                     "metric 'judge' needs a 'judge: {model: NAME, rubric: "
                     "FILE}' in the suite");
    return std::optional<JudgeSpec>();
  }
  if (!f->value.IsMap())
    return r.Error(f->key,
                   "'judge' must be a mapping {model: NAME, rubric: FILE, "
                   "mode: score|pairwise}");
  FieldReader jr(r.file(), f->value);
  MMGATE_RETURN_IF_ERROR(jr.OnlyKeys({"model", "rubric", "mode"}));
  JudgeSpec spec;
  spec.where = Where(r.file(), f->key);
  auto model = jr.RequiredString("model");
  if (!model.ok()) return model.status();
  spec.model = *model;
  auto rubric = jr.RequiredString("rubric");
  if (!rubric.ok()) return rubric.status();
  fs::path path(*rubric);
  if (path.is_relative()) path = fs::path(source.base_dir) / path;
  spec.rubric_path = fs::absolute(path).lexically_normal().string();
  auto mode = jr.OptionalString("mode", "score");
  if (!mode.ok()) return mode.status();
  if (*mode != "score" && *mode != "pairwise")
    return jr.Error(
        FindField(f->value, "mode")->key,
        fmt::format("judge mode '{}': use score or pairwise", *mode));
  spec.mode = *mode;
  if (!UsesJudgeMetric(suite))
    return r.Error(f->key,
                   "a suite with a 'judge' must score with it: set 'metric: "
                   "judge' (or list judge under 'metrics')");
  return std::optional<JudgeSpec>(std::move(spec));
}

// The modalities items may name: the built-in ones and the options' extras.
std::set<std::string> ModalitiesOf(const LoadOptions& opt) {
  std::set<std::string> modalities = BuiltinModalities();
  modalities.insert(opt.extra_modalities.begin(), opt.extra_modalities.end());
  return modalities;
}

// The options a streamed suite was loaded with, to read its dataset again.
Result<const LoadOptions*> StreamOptions(const Suite& suite) {
  if (!suite.load_options)
    return Status::Internal("suite " + suite.name +
                            ": streamed without options");
  return &*suite.load_options;
}

}  // namespace

ItemsContext MakeContext(const Suite& suite,
                         const std::set<std::string>& modalities,
                         const LoadOptions& opt) {
  ItemsContext ctx;
  ctx.dataset_path = suite.dataset_path;
  ctx.suite_modality = suite.modality;
  ctx.suite_metric = suite.metric;
  ctx.modalities = &modalities;
  ctx.opt = &opt;
  return ctx;
}

Result<Suite> BuildSuite(const YAML::Node& node, const SuiteSource& source,
                         const LoadOptions& opt) {
  if (!node.IsMap()) {
    return ErrorAt(
        source.file, node,
        fmt::format("a suite must be a YAML mapping, got {}", NodeKind(node)));
  }
  FieldReader r(source.file, node);
  MMGATE_RETURN_IF_ERROR(
      r.OnlyKeys({"name", "modality", "description", "dataset", "metric",
                  "metrics", "params", "rubric", "gate", "judge", "stages"}));
  Suite suite;
  suite.path = fs::absolute(source.file).lexically_normal().string();

  auto name = r.RequiredString("name");
  if (!name.ok()) return name.status();
  suite.name = *name;

  const std::set<std::string> modalities = internal::ModalitiesOf(opt);
  auto modality = r.RequiredString("modality");
  if (!modality.ok()) return modality.status();
  if (!modalities.contains(*modality)) {
    return r.Error(FindField(node, "modality")->key,
                   fmt::format("unknown modality '{}' (known: {}; declare "
                               "others under 'modalities:' in mmgate.yaml)",
                               *modality, fmt::join(modalities, ", ")));
  }
  suite.modality = *modality;

  auto description = r.OptionalString("description");
  if (!description.ok()) return description.status();
  suite.description = *description;

  auto metric = r.RequiredString("metric");
  if (!metric.ok()) return metric.status();
  if (!MetricKnown(opt, *metric)) {
    return r.Error(FindField(node, "metric")->key,
                   fmt::format("unknown metric '{}'", *metric));
  }
  suite.metric = *metric;

  auto metrics = r.OptionalStringList("metrics");
  if (!metrics.ok()) return metrics.status();
  for (const auto& m : *metrics) {
    if (!MetricKnown(opt, m)) {
      return r.Error(FindField(node, "metrics")->key,
                     fmt::format("unknown metric '{}' in 'metrics'", m));
    }
  }
  suite.extra_metrics = *metrics;

  auto params = OptionalMapping(r, "params");
  if (!params.ok()) return params.status();
  suite.params = *params;
  auto gate = OptionalMapping(r, "gate");
  if (!gate.ok()) return gate.status();
  suite.gate = *gate;

  if (auto f = FindField(node, "rubric"); f && !f->value.IsNull()) {
    if (!f->value.IsMap()) {
      return r.Error(f->key,
                     "'rubric' must map failure-mode names to their "
                     "descriptions");
    }
    for (const auto& kv : f->value) {
      if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
        return r.Error(kv.first, "a rubric entry must be 'name: description'");
      }
      suite.rubric[kv.first.Scalar()] = kv.second.Scalar();
    }
  }

  auto stages = ReadStages(r, suite.modality);
  if (!stages.ok()) return stages.status();
  suite.stages = std::move(*stages);

  auto judge = ReadJudge(r, source, suite);
  if (!judge.ok()) return judge.status();
  suite.judge = *judge;

  auto dataset = r.RequiredString("dataset");
  if (!dataset.ok()) return dataset.status();
  fs::path dataset_path(*dataset);
  if (dataset_path.is_relative()) {
    dataset_path = fs::path(source.base_dir) / dataset_path;
  }
  suite.dataset_path = fs::absolute(dataset_path).lexically_normal().string();
  if (!opt.read_items) return suite;
  Sha256 version, raw;
  version.Feed(source.text);
  suite.streamed = opt.stream_items && suite.stages.empty();
  if (suite.streamed) suite.load_options = std::make_shared<LoadOptions>(opt);
  size_t kept = 0;
  Status read = ParseItemsFile(
      MakeContext(suite, modalities, opt), &suite, &version, &raw, [&] {
        if (suite.items.size() == kept) return Status::Ok();
        ++suite.item_count;
        if (!suite.items.back().metric.empty())
          suite.item_metrics.insert(suite.items.back().metric);
        if (suite.streamed) {
          suite.items.clear();
        } else {
          kept = suite.items.size();
        }
        return Status::Ok();
      });
  if (!read.ok()) {
    return r.Error(FindField(node, "dataset")->key,
                   fmt::format("suite '{}': cannot read its dataset: {}",
                               suite.name, read.message()));
  }
  // An empty file would run, compare and pass on nothing at all.
  if (suite.item_count == 0 && suite.problems.empty()) {
    return r.Error(FindField(node, "dataset")->key,
                   fmt::format("suite '{}': its dataset {} has no items (one "
                               "JSON object per line)",
                               suite.name, suite.dataset_path));
  }
  suite.version_hash = version.HexDigest();
  if (suite.streamed) suite.dataset_digest = raw.HexDigest();
  return suite;
}

Result<SuiteDocument> ReadSuiteFile(const std::string& suite_yaml_path) {
  auto text = ReadFile(suite_yaml_path);
  if (!text.ok()) {
    return Status::IoError("cannot read suite file: " +
                           text.status().message());
  }
  auto root = ParseYaml(suite_yaml_path, *text);
  if (!root.ok()) return root.status();
  fs::path base = fs::path(suite_yaml_path).parent_path();
  if (base.empty()) base = ".";
  return SuiteDocument{*root, {suite_yaml_path, base.string(), *text}};
}

}  // namespace internal

Status ReadItemBatches(const Suite& suite, size_t batch_size,
                       const std::function<Status(std::vector<Item>&)>& each) {
  batch_size = std::max<size_t>(batch_size, 1);
  if (suite.source)
    return suite.source(batch_size,
                        [&](ItemBatch& batch) { return each(batch.items); });
  if (!suite.streamed) {
    for (size_t i = 0; i < suite.items.size(); i += batch_size) {
      const size_t end = std::min(suite.items.size(), i + batch_size);
      std::vector<Item> batch(suite.items.begin() + i,
                              suite.items.begin() + end);
      MMGATE_RETURN_IF_ERROR(each(batch));
    }
    return Status::Ok();
  }
  auto options = internal::StreamOptions(suite);
  if (!options.ok()) return options.status();
  const LoadOptions& opt = **options;
  const std::set<std::string> modalities = internal::ModalitiesOf(opt);
  // The load's invalid lines are skipped rather than found again: finding a
  // repeated id would take a map of every id, ~70 bytes an item.
  std::set<int> invalid;
  for (const ItemProblem& p : suite.problems) invalid.insert(p.line);
  internal::ItemsContext context =
      internal::MakeContext(suite, modalities, opt);
  context.invalid_lines = &invalid;
  int64_t read = 0;
  Suite scratch;  // collects one batch; problems were reported at load
  Sha256 version, raw;
  MMGATE_RETURN_IF_ERROR(internal::ParseItemsFile(
      context, &scratch, &version, &raw, [&]() -> Status {
        scratch.problems.clear();
        if (scratch.items.size() < batch_size) return Status::Ok();
        read += static_cast<int64_t>(scratch.items.size());
        Status st = each(scratch.items);
        scratch.items.clear();
        return st;
      }));
  read += static_cast<int64_t>(scratch.items.size());
  if (!scratch.items.empty()) MMGATE_RETURN_IF_ERROR(each(scratch.items));
  if (raw.HexDigest() != suite.dataset_digest || read != suite.item_count)
    return Status::Invalid(fmt::format(
        "suite '{}': its dataset {} changed while the run read it; run again",
        suite.name, suite.dataset_path));
  return Status::Ok();
}

ItemPlace PlaceOf(int64_t index, const Item& item) {
  return ItemPlace{index, item.offset, item.line, item.id};
}

Status ReadItemsAt(const Suite& suite, const ItemPlace& first, size_t count,
                   std::vector<Item>* out) {
  out->clear();
  if (!suite.streamed) {
    const auto begin = static_cast<size_t>(std::max<int64_t>(first.index, 0));
    for (size_t i = begin; i < suite.items.size() && out->size() < count; ++i)
      out->push_back(suite.items[i]);
  } else {
    auto options = internal::StreamOptions(suite);
    if (!options.ok()) return options.status();
    const LoadOptions& opt = **options;
    const std::set<std::string> modalities = internal::ModalitiesOf(opt);
    // Lines invalid in the whole file stay out: read from the middle, a
    // repeated id looks new.
    std::set<int> invalid;
    for (const ItemProblem& p : suite.problems) invalid.insert(p.line);
    Suite scratch;
    Sha256 version;
    internal::FileWindow window{first.offset, first.line, count};
    MMGATE_RETURN_IF_ERROR(internal::ParseItemsFile(
        internal::MakeContext(suite, modalities, opt), &scratch, &version,
        nullptr,
        [&]() -> Status {
          scratch.problems.clear();
          if (!scratch.items.empty() &&
              invalid.count(scratch.items.back().line))
            scratch.items.pop_back();
          return Status::Ok();
        },
        window));
    *out = std::move(scratch.items);
  }
  if (out->empty() || out->front().id != first.id ||
      out->front().line != first.line)
    return Status::Invalid(fmt::format(
        "suite '{}': its dataset {} no longer holds item '{}' at line {}; it "
        "changed while the run read it: run again",
        suite.name, suite.dataset_path, first.id, first.line));
  return Status::Ok();
}

Status KeepFirstItems(Suite* suite, size_t limit) {
  if (suite->streamed) {
    if (suite->item_count <= static_cast<int64_t>(limit)) return Status::Ok();
    std::vector<Item> kept;
    kept.reserve(limit);
    // Stops the read once the items are in (not an error of the read).
    bool enough = false;
    Status read = ReadItemBatches(
        *suite, std::min<size_t>(limit, 4096), [&](std::vector<Item>& batch) {
          for (Item& it : batch) {
            if (kept.size() == limit) break;
            kept.push_back(std::move(it));
          }
          enough = kept.size() == limit;
          return enough ? Status::Internal("enough") : Status::Ok();
        });
    if (!enough) return read;
    suite->items = std::move(kept);
    suite->streamed = false;
    suite->item_count = static_cast<int64_t>(limit);
  }
  if (suite->items.size() <= limit) return Status::Ok();
  suite->items.resize(limit);
  suite->item_count = static_cast<int64_t>(limit);
  const int last = suite->items.back().line;
  std::erase_if(suite->problems,
                [&](const ItemProblem& p) { return p.line > last; });
  return Status::Ok();
}

Result<Suite> LoadSuite(const std::string& suite_yaml_path,
                        const LoadOptions& opt) {
  auto doc = internal::ReadSuiteFile(suite_yaml_path);
  if (!doc.ok()) return doc.status();
  return internal::BuildSuite(doc->root, doc->source, opt);
}

}  // namespace mmgate::dataset
