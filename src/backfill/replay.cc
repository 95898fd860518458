#include "backfill/replay.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "backfill/selection.h"
#include "common/base64.h"
#include "common/hash.h"
#include "runner/plan.h"
#include "trace/trace.h"

namespace mmgate::backfill {
namespace {

namespace fs = std::filesystem;

std::string Extension(const std::string& mime) {
  const size_t slash = mime.find('/');
  std::string ext = slash == std::string::npos ? "bin" : mime.substr(slash + 1);
  for (char& c : ext)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return ext;
}

// Writes inline media under dir as <sha256>.<ext> (kept if already there).
Result<std::string> Materialize(const trace::TraceMedia& m,
                                const std::string& dir) {
  auto bytes = Base64Decode(m.base64);
  if (!bytes.ok()) return bytes.status().WithContext("inline media");
  const fs::path path =
      fs::path(dir) / (Sha256Hex(*bytes) + "." + Extension(m.mime));
  std::error_code ec;
  if (fs::exists(path, ec)) return path.string();
  fs::create_directories(dir, ec);
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!out) return Status::IoError(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IoError(path.string() + ": " + ec.message());
  return path.string();
}

}  // namespace

Result<Item> TraceItem(const store::TraceRecord& t,
                       const std::string& media_dir, int64_t period_weeks,
                       Skipped* skip) {
  auto in = trace::ParseInputs(t);
  if (!in.ok()) {
    *skip = {t.trace_id, "bad_trace", in.status().message()};
    return in.status();
  }
  const std::string why = trace::NotReplayableReason(*in);
  if (!why.empty()) {
    *skip = {t.trace_id, "not_replayable",
             "trace " + t.trace_id + ": " + why + " (not replayable)"};
    return Status::NotFound(skip->reason);
  }
  Item it;
  it.id = t.trace_id;
  it.modality = in->modality;
  it.prompt = in->prompt;
  std::vector<std::pair<std::string, std::string>> hashed;
  for (const trace::TraceMedia& m : in->media) {
    MediaRef ref{m.type, m.path, m.abs_path};
    if (!m.base64.empty()) {
      auto p = Materialize(m, media_dir);
      if (!p.ok()) {
        *skip = {t.trace_id, "bad_trace",
                 "trace " + t.trace_id + ": " + p.status().message()};
        return p.status();
      }
      ref.abs_path = *p;
      ref.path = fs::path(*p).filename().string();
    }
    hashed.push_back({ref.type, ref.abs_path});
    it.media.push_back(std::move(ref));
  }
  auto hash = trace::RequestHash(it.modality, it.prompt, hashed);
  if (!hash.ok()) {
    *skip = {t.trace_id, "not_replayable",
             "trace " + t.trace_id + ": " + hash.status().message()};
    return hash.status();
  }
  if (!t.request_hash.empty() && t.request_hash != *hash) {
    *skip = {t.trace_id, "request_mismatch",
             fmt::format("trace {}: the replayed request hashes to {}, not "
                         "the recorded {} (inputs changed since production)",
                         t.trace_id, *hash, t.request_hash)};
    return Status::Invalid(skip->reason);
  }
  it.references = {t.decision};
  it.metric = "exact";
  it.slices.emplace_back("category", t.category);
  it.slices.emplace_back("modality", in->modality);
  it.slices.emplace_back(kPeriodSlice, std::to_string(period_weeks));
  for (auto& s : in->slices) it.slices.push_back(std::move(s));
  it.group = it.id;
  it.content_hash = Sha256Hex(t.trace_id + "\n" + *hash + "\n" + t.decision);
  return it;
}

Suite EmptySuite() {
  Suite s;
  s.name = kSuiteName;
  s.modality = "trace";
  s.description = "production traces replayed through a candidate";
  s.metric = "exact";
  return s;
}

Result<ReplaySuite> BuildSuite(const std::vector<store::TraceRecord>& traces,
                               const std::string& media_dir,
                               int64_t period_weeks) {
  ReplaySuite r;
  Suite& s = r.suite;
  s = EmptySuite();
  Sha256 version;
  version.Feed("backfill");
  int line = 0;
  for (const store::TraceRecord& t : traces) {
    ++line;
    Skipped skip;
    auto it = TraceItem(t, media_dir, period_weeks, &skip);
    if (!it.ok()) {
      s.problems.push_back({line, t.trace_id, skip.reason});
      r.skipped.push_back(std::move(skip));
      version.Feed("skip:" + t.trace_id);
      continue;
    }
    it->line = line;
    version.Feed(it->content_hash);
    s.items.push_back(std::move(*it));
  }
  s.version_hash = version.HexDigest();
  return r;
}

ProjectConfig WithSuite(const ProjectConfig& project, const Suite& suite) {
  ProjectConfig p;
  p.path = project.path;
  p.base_dir = project.base_dir;
  p.models = project.models;
  p.baseline = project.baseline;
  p.candidate = project.candidate;
  p.prices = project.prices;
  p.suites = {suite};
  return p;
}

namespace {

// Creates run `run_id` with the selection in its spec_json, before the
// runner starts it (the runner then resumes it, checking model and version
// as for any run). Returns whether it created it; a model that is not there
// or cannot be made is left for the runner to report.
Result<bool> CreateWithSelection(const ProjectConfig& project,
                                 const std::string& candidate,
                                 const std::string& run_id,
                                 const nlohmann::json& selection,
                                 store::Store* store, Clock* clock,
                                 const runner::ModelMaker& make_model) {
  auto existing = store->GetRun(run_id);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return false;
  auto spec = project.models.find(candidate);
  if (spec == project.models.end()) return false;
  auto model = make_model(spec->second);
  if (!model.ok()) return false;
  ModelSpec recorded = spec->second;
  recorded.params[kSelectionKey] = selection;
  auto started = runner::StartRun(run_id, candidate, (*model)->Version(),
                                  recorded, project.path, store, clock);
  if (!started.ok()) return started.status();
  return true;
}

}  // namespace

Result<runner::RunSummary> Replay(const ProjectConfig& project,
                                  const std::string& candidate,
                                  const Suite& suite,
                                  const ReplayOptions& options,
                                  store::Store* store, Clock* clock,
                                  const runner::ModelMaker& make_model) {
  const ProjectConfig p = WithSuite(project, suite);
  runner::RunOptions ro;
  ro.run_id = options.run_id;
  if (ro.run_id.empty()) {
    auto id = runner::FreshRunId("backfill-" + candidate, clock, store);
    if (!id.ok()) return id.status();
    ro.run_id = *id;
  }
  ro.suites = {kSuiteName};
  ro.workers = options.workers;
  ro.progress = options.progress;
  ro.stop = options.stop;
  bool created = false;
  if (!options.selection.is_null()) {
    auto c = CreateWithSelection(project, candidate, ro.run_id,
                                 options.selection, store, clock, make_model);
    if (!c.ok()) return c.status();
    created = *c;
  }
  auto summary = runner::Run(p, candidate, ro, store, clock, make_model);
  if (summary.ok() && created) summary->resumed = false;
  return summary;
}

Result<runner::RunEstimate> EstimateReplay(
    const ProjectConfig& project, const std::string& candidate,
    const Suite& suite, const std::string& run_id, store::Store* store,
    const runner::ModelMaker& make_model) {
  runner::RunOptions ro;
  ro.run_id = run_id;
  ro.suites = {kSuiteName};
  return runner::EstimateRun(WithSuite(project, suite), candidate, ro, store,
                             make_model);
}

}  // namespace mmgate::backfill
