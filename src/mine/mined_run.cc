#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "mine/queue.h"

namespace mmgate::mine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// An item as the page shows it, from its stored row; media must stay inside
// the mining output folder.
Result<Item> ToItem(const store::ItemRecord& r, const fs::path& out) {
  Item it;
  it.id = r.item_id;
  it.modality = r.modality;
  it.prompt = r.prompt;
  it.slices = r.slices;
  it.group = r.group;
  it.content_hash = r.content_hash;
  it.line = static_cast<int>(r.line);
  json ref = json::parse(r.reference_json, nullptr, false);
  if (ref.is_string() && !ref.get<std::string>().empty())
    it.references.push_back(ref.get<std::string>());
  json media = json::parse(r.media_json, nullptr, false);
  if (!media.is_array())
    return Status::Corrupt(r.suite + "/" + r.item_id + ": stored media");
  for (const json& m : media) {
    const std::string path = m.value("path", "");
    const fs::path abs = (out / path).lexically_normal();
    if (path.empty() || !PathIsWithin(abs, out))
      return Status::Corrupt(fmt::format("{}/{}: medium '{}' is outside {}",
                                         r.suite, r.item_id, path,
                                         out.string()));
    it.media.push_back({m.value("type", ""), path, abs.string()});
  }
  return it;
}

}  // namespace

Result<std::optional<MinedRun>> LoadMinedRun(store::Store* store,
                                             const std::string& run_id) {
  auto run = store->GetRun(run_id);
  if (!run.ok()) return run.status();
  if (!*run) return std::optional<MinedRun>();
  json spec = json::parse((*run)->spec_json, nullptr, false);
  if (!spec.is_object() || !spec.contains("mined"))
    return std::optional<MinedRun>();
  const json& m = spec["mined"];
  MinedRun out;
  out.run_id = run_id;
  const fs::path folder =
      fs::path(m.value("out", std::string())).lexically_normal();
  std::map<std::string, MinedSuite*> by_name;
  const json suites = m.value("suites", json::object());
  for (const auto& [name, s] : suites.items()) {
    auto rubric = judge::ParseRubric(s.value("rubric_path", name),
                                     s.value("rubric", std::string()));
    if (!rubric.ok())
      return Status::Corrupt(fmt::format("run {}: suite {}: rubric: {}", run_id,
                                         name, rubric.status().message()));
    MinedSuite& ms = out.suites.emplace_back();
    ms.suite.name = name;
    ms.suite.modality = s.value("modality", "");
    ms.suite.metric = "judge";
    ms.suite.dataset_path =
        (folder / s.value("dataset", name + ".jsonl")).string();
    ms.rubric = std::move(*rubric);
    by_name[name] = &ms;
  }
  auto results = store->LoadResults(run_id);
  if (!results.ok()) return results.status();
  for (const store::ItemResult& r : *results) {
    auto s = by_name.find(r.item.suite);
    if (s == by_name.end() || !r.response || !r.response->answer) continue;
    auto it = ToItem(r.item, folder);
    if (!it.ok()) return it.status();
    s->second->suite.items.push_back(std::move(*it));
    out.answers[{r.item.suite, r.item.item_id}] = *r.response->answer;
  }
  return std::optional<MinedRun>(std::move(out));
}

}  // namespace mmgate::mine
