#include "mine/queue.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "common/base64.h"
#include "common/files.h"
#include "common/hash.h"

namespace mmgate::mine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Extension(const trace::TraceMedia& m) {
  if (!m.path.empty()) {
    std::string ext = fs::path(m.path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return ext.empty() ? ".bin" : ext;
  }
  static const std::map<std::string, std::string> kByMime = {
      {"image/png", ".png"},      {"image/jpeg", ".jpg"},
      {"image/webp", ".webp"},    {"image/gif", ".gif"},
      {"audio/wav", ".wav"},      {"audio/x-wav", ".wav"},
      {"audio/wave", ".wav"},     {"audio/mpeg", ".mp3"},
      {"audio/flac", ".flac"},    {"audio/ogg", ".ogg"},
      {"application/pdf", ".pdf"}};
  auto it = kByMime.find(m.mime);
  return it == kByMime.end() ? ".bin" : it->second;
}

Result<std::string> MediaBytes(const trace::TraceMedia& m) {
  if (!m.base64.empty()) return Base64Decode(m.base64);
  return ReadFile(m.abs_path);
}

std::string DefaultRunId(Clock* clock) {
  std::string t = trace::FormatRfc3339(clock->WallMillis());
  t.erase(std::remove_if(t.begin(), t.end(),
                         [](char c) { return c == '-' || c == ':'; }),
          t.end());
  return "mined-" + t;
}

// One mined trace as a suite item (DESIGN.md's item format): the reference
// is production's ground truth where the log had one, else empty until a
// person supplies it; the logged answer and the signals ride along.
struct MinedItem {
  json line;
  store::ItemRecord record;
  store::ResponseRecord response;
};

MinedItem ToItem(const MinedTrace& t, const std::string& log_name,
                 const std::vector<std::string>& paths, int64_t line) {
  const trace::TraceInputs& in = t.inputs;
  const std::string suite = SuiteName(in.modality);
  json media = json::array(), slices = json::object();
  for (size_t i = 0; i < in.media.size(); ++i)
    media.push_back({{"type", in.media[i].type}, {"path", paths[i]}});
  for (const auto& [k, v] : in.slices) slices[k] = v;
  MinedItem m;
  m.line = {{"id", t.record.trace_id},
            {"modality", in.modality},
            {"prompt", in.prompt},
            {"media", media},
            {"reference", in.ground_truth},
            {"slices", slices},
            {"logged_answer", t.record.decision},
            {"signals", t.fired},
            {"source",
             {{"log", log_name},
              {"trace", t.record.trace_id},
              {"time", trace::FormatRfc3339(t.record.created_ms)},
              {"model_version", t.record.model_version}}}};
  // What the page's labels are about: the input and the logged answer.
  Sha256 h;
  h.Feed(t.record.trace_id).Feed(in.prompt).Feed(std::to_string(paths.size()));
  for (size_t i = 0; i < in.media.size(); ++i)
    h.Feed(in.media[i].type).Feed(t.media_sha256[i]);
  h.Feed(in.ground_truth).Feed(t.record.decision);
  store::ItemRecord& r = m.record;
  r.suite = suite;
  r.item_id = t.record.trace_id;
  r.content_hash = h.HexDigest();
  r.modality = in.modality;
  r.metric = "judge";
  r.group = t.record.trace_id;
  r.expect = "answer";
  r.slices = in.slices;
  r.reference_json = json(in.ground_truth).dump();
  r.prompt = in.prompt;
  r.media_json = media.dump();
  r.line = line;
  m.response.suite = suite;
  m.response.item_id = r.item_id;
  m.response.content_hash = r.content_hash;
  m.response.answer = t.record.decision;
  m.response.model_version = t.record.model_version;
  m.response.created_ms = t.record.created_ms;
  return m;
}

// Copies each medium to media/SHA256.EXT (a name is its content, so one
// written earlier is the same bytes and stays); returns the relative paths.
Result<std::vector<std::string>> CopyMedia(const MinedTrace& t,
                                           const fs::path& out,
                                           int64_t* written) {
  std::vector<std::string> paths;
  for (size_t i = 0; i < t.inputs.media.size(); ++i) {
    const trace::TraceMedia& m = t.inputs.media[i];
    const std::string rel = "media/" + t.media_sha256[i] + Extension(m);
    paths.push_back(rel);
    std::error_code ec;
    if (fs::exists(out / rel, ec)) continue;
    auto bytes = MediaBytes(m);
    if (!bytes.ok())
      return Status::IoError(fmt::format("trace {}: media[{}]: {}",
                                         t.record.trace_id, i,
                                         bytes.status().message()));
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic((out / rel).string(), *bytes));
    ++*written;
  }
  return paths;
}

Status Check(const MineResult& mined, const QueueOptions& opt,
             store::Store* store, const std::string& run_id,
             std::set<std::string>* modalities) {
  for (const MinedTrace& t : mined.sample)
    modalities->insert(t.inputs.modality);
  for (const std::string& m : *modalities) {
    if (!opt.rubrics.contains(m))
      return Status::Invalid(fmt::format(
          "no rubric to grade mined {} items with: pass --rubric {}=FILE, or "
          "list a judge-scored {} suite in the config",
          m, m, m));
    const fs::path file = fs::path(opt.out_dir) / (SuiteName(m) + ".jsonl");
    std::error_code ec;
    if (!opt.force && fs::exists(file, ec))
      return Status::Invalid(file.string() +
                             " exists: choose another -o or add --force");
  }
  auto run = store->GetRun(run_id);
  if (!run.ok()) return run.status();
  if (*run)
    return Status::Invalid("run '" + run_id + "' exists in " +
                           store->Describe() + ": choose another --run-id");
  return Status::Ok();
}

json RunSpec(const QueueOptions& opt, const std::set<std::string>& modalities) {
  json suites = json::object();
  for (const std::string& m : modalities) {
    const judge::Rubric& r = opt.rubrics.at(m);
    auto text = ReadFile(r.path);
    suites[SuiteName(m)] = {{"modality", m},
                            {"dataset", SuiteName(m) + ".jsonl"},
                            {"rubric_path", r.path},
                            {"rubric_hash", r.hash},
                            {"rubric", text.ok() ? *text : ""}};
  }
  return {{"mined",
           {{"log", opt.log_file},
            {"out", fs::absolute(opt.out_dir).lexically_normal().string()},
            {"signals", opt.signals},
            {"max", opt.max},
            {"seed", opt.seed},
            {"suites", suites}}}};
}

}  // namespace

std::string SuiteName(const std::string& modality) {
  return "mined-" + modality;
}

Result<QueueSummary> WriteAndQueue(const MineResult& mined,
                                   const QueueOptions& opt,
                                   store::Store* store) {
  QueueSummary sum;
  sum.run_id = opt.run_id.empty() ? DefaultRunId(opt.clock) : opt.run_id;
  std::set<std::string> modalities;
  MMGATE_RETURN_IF_ERROR(Check(mined, opt, store, sum.run_id, &modalities));
  const fs::path out = fs::absolute(opt.out_dir).lexically_normal();
  std::error_code ec;
  fs::create_directories(out / "media", ec);
  if (ec)
    return Status::IoError("cannot create " + (out / "media").string() + ": " +
                           ec.message());
  store::RunRecord run;
  run.run_id = sum.run_id;
  run.model = "production";
  run.model_version = "log:" + fs::path(opt.log_file).filename().string();
  run.spec_json = RunSpec(opt, modalities).dump();
  run.config_path = opt.config_path;
  run.created_ms = opt.clock->WallMillis();
  MMGATE_RETURN_IF_ERROR(store->CreateRun(run));

  std::map<std::string, std::vector<MinedItem>> by_suite;
  for (const MinedTrace& t : mined.sample) {
    auto paths = CopyMedia(t, out, &sum.media_files);
    if (!paths.ok()) return paths.status();
    auto& items = by_suite[SuiteName(t.inputs.modality)];
    items.push_back(ToItem(t, fs::path(opt.log_file).filename().string(),
                           *paths, std::ssize(items) + 1));
  }
  for (const auto& [suite, items] : by_suite) {
    std::string text;
    Sha256 version;
    std::vector<store::ItemRecord> records;
    for (const MinedItem& m : items) {
      text += m.line.dump() + "\n";
      version.Feed(m.record.content_hash);
      records.push_back(m.record);
    }
    const fs::path file = out / (suite + ".jsonl");
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic(file.string(), text));
    sum.files.push_back(file.string());
    sum.per_suite[suite] = std::ssize(items);
    store::SuiteRecord s{
        suite,     items[0].record.modality, "judge",
        {"judge"}, version.HexDigest(),      std::ssize(items)};
    MMGATE_RETURN_IF_ERROR(store->PutSuite(sum.run_id, s, records));
    for (const MinedItem& m : items)
      MMGATE_RETURN_IF_ERROR(store->PutResult(sum.run_id, m.response, {}));
  }
  MMGATE_RETURN_IF_ERROR(store->SetRunStatus(
      sum.run_id, store::RunStatus::kFinished, opt.clock->WallMillis()));
  return sum;
}

}  // namespace mmgate::mine
