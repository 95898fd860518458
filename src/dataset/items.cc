#include "dataset/items.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/files.h"
#include "common/json_input.h"

namespace mmgate::dataset::internal {
namespace {

namespace fs = std::filesystem;
// Ordered, so slices keep the order they are written in.
using OJson = nlohmann::ordered_json;

constexpr std::string_view kItemKeys[] = {
    "id",     "modality", "prompt", "media",    "reference",
    "metric", "expect",   "slices", "evidence", "group"};

bool IsItemKey(std::string_view key) {
  for (auto k : kItemKeys) {
    if (k == key) return true;
  }
  return false;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// The parser sees one line at a time, so its "line 1" is noise; the column
// and the reason are what help.
std::string CleanParseError(std::string message) {
  if (auto at = message.find("at line 1, column"); at != std::string::npos) {
    message.replace(at, 17, "at column");
  }
  return message;
}

// Absent and null both mean "not given", as generators often write nulls.
const OJson* Optional(const OJson& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

struct MediaInfo {
  std::string abs_path;
  std::string digest;  // sha256 of the file's bytes
  std::string error;   // empty when the file is usable
};

class ItemParser {
 public:
  ItemParser(const ItemsContext& ctx, fs::path dir)
      : ctx_(ctx), dir_(std::move(dir)) {}

  void ParseLine(int line_no, std::string_view line, Suite* suite,
                 Sha256* version);

 private:
  void AddProblem(Suite* suite, int line_no, const std::string& id,
                  const std::vector<std::string>& errors) const;
  // Checked and hashed once per distinct path: many items may share a file.
  const MediaInfo& Media(const std::string& rel);
  std::string CheckMedia(const std::string& rel, MediaInfo* info) const;
  bool MetricKnown(const std::string& name) const {
    return !ctx_.opt->metric_known || ctx_.opt->metric_known(name);
  }
  void ReadMedia(const OJson& media, Item* item,
                 std::vector<std::string>* digests,
                 std::vector<std::string>* errors);
  void ReadStringList(const OJson& list, std::string_view key,
                      std::vector<std::string>* out,
                      std::vector<std::string>* errors) const;

  const ItemsContext& ctx_;
  fs::path dir_;  // canonical folder of the dataset file
  std::unordered_map<std::string, int> first_line_;  // id -> line
  std::unordered_map<std::string, MediaInfo> media_;
};

void ItemParser::AddProblem(Suite* suite, int line_no, const std::string& id,
                            const std::vector<std::string>& errors) const {
  std::string where = fmt::format("{}:{}", ctx_.dataset_path, line_no);
  if (!id.empty()) where += fmt::format(": item '{}'", id);
  suite->problems.push_back(
      {line_no, id, fmt::format("{}: {}", where, fmt::join(errors, "; "))});
}

const MediaInfo& ItemParser::Media(const std::string& rel) {
  auto [it, inserted] = media_.try_emplace(rel);
  if (inserted) it->second.error = CheckMedia(rel, &it->second);
  return it->second;
}

std::string ItemParser::CheckMedia(const std::string& rel,
                                   MediaInfo* info) const {
  fs::path p(rel);
  if (p.has_root_directory() || p.has_root_name()) {
    return "absolute paths are not allowed: media paths are relative to the "
           "dataset file and stay inside its folder";
  }
  std::error_code ec;
  fs::path joined = dir_ / p;
  fs::path resolved = fs::weakly_canonical(joined, ec);
  if (ec) return "cannot resolve the path: " + ec.message();
  if (!PathIsWithin(resolved, dir_)) {
    if (!PathIsWithin(joined.lexically_normal(), dir_)) {
      return "the path leaves the dataset folder through '..'";
    }
    return fmt::format(
        "a symlink leads outside the dataset folder (resolves to {})",
        resolved.string());
  }
  fs::file_status st = fs::status(resolved, ec);
  if (!fs::exists(st)) {
    if (fs::is_symlink(fs::symlink_status(joined, ec))) {
      return "broken symlink (its target does not exist)";
    }
    return fmt::format("media file not found ({})", resolved.string());
  }
  if (fs::is_directory(st)) return "is a directory, not a media file";
  if (!fs::is_regular_file(st)) return "is not a regular file";
  uintmax_t size = fs::file_size(resolved, ec);
  if (ec) return "cannot read its size: " + ec.message();
  if (size == 0) return "empty media file (0 bytes)";
  Sha256 h;
  if (Status s = h.FeedFile(resolved.string()); !s.ok()) return s.message();
  info->digest = h.HexDigest();
  info->abs_path = resolved.string();
  return "";
}

void ItemParser::ReadMedia(const OJson& media, Item* item,
                           std::vector<std::string>* digests,
                           std::vector<std::string>* errors) {
  if (!media.is_array()) {
    errors->push_back(fmt::format(
        "'media' must be a list of {{\"type\", \"path\"}} objects, got {}",
        media.type_name()));
    return;
  }
  for (size_t i = 0; i < media.size(); ++i) {
    const OJson& m = media[i];
    if (!m.is_object()) {
      errors->push_back(
          fmt::format("media[{}] must be an object, got {}", i, m.type_name()));
      continue;
    }
    bool ok = true;
    for (const char* key : {"type", "path"}) {
      auto it = m.find(key);
      if (it == m.end() || !it->is_string() ||
          it->get_ref<const std::string&>().empty()) {
        errors->push_back(
            fmt::format("media[{}].{} must be a non-empty string", i, key));
        ok = false;
      }
    }
    if (!ok) continue;
    const std::string& path = m["path"].get_ref<const std::string&>();
    const MediaInfo& info = Media(path);
    if (!info.error.empty()) {
      errors->push_back(fmt::format("media[{}] '{}': {}", i, path, info.error));
      continue;
    }
    item->media.push_back({m["type"].get<std::string>(), path, info.abs_path});
    digests->push_back(info.digest);
  }
}

void ItemParser::ReadStringList(const OJson& list, std::string_view key,
                                std::vector<std::string>* out,
                                std::vector<std::string>* errors) const {
  if (!list.is_array()) {
    errors->push_back(fmt::format("'{}' must be a list of strings, got {}", key,
                                  list.type_name()));
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) {
      errors->push_back(fmt::format("'{}'[{}] must be a string, got {}", key, i,
                                    list[i].type_name()));
      continue;
    }
    out->push_back(list[i].get<std::string>());
  }
}

void ItemParser::ParseLine(int line_no, std::string_view line, Suite* suite,
                           Sha256* version) {
  if (ctx_.invalid_lines != nullptr && ctx_.invalid_lines->contains(line_no))
    return;
  auto parsed = ParseOrderedJsonInput(line);
  if (!parsed.ok()) {
    AddProblem(
        suite, line_no, "",
        {"malformed JSON: " + CleanParseError(parsed.status().message())});
    version->Feed(line);
    return;
  }
  OJson j = std::move(*parsed);
  if (!j.is_object()) {
    AddProblem(suite, line_no, "",
               {fmt::format("expected a JSON object, got {}", j.type_name())});
    version->Feed(line);
    return;
  }

  Item item;
  item.line = line_no;
  std::vector<std::string> errors;
  auto string_field = [&](const char* key, std::string* out) {
    const OJson* v = Optional(j, key);
    if (v == nullptr) return false;
    if (!v->is_string()) {
      errors.push_back(
          fmt::format("'{}' must be a string, got {}", key, v->type_name()));
      return false;
    }
    *out = v->get<std::string>();
    return true;
  };

  if (auto it = j.find("id"); it == j.end()) {
    errors.push_back("missing 'id'");
  } else if (!it->is_string()) {
    errors.push_back(
        fmt::format("'id' must be a string, got {}", it->type_name()));
  } else if (it->get_ref<const std::string&>().empty()) {
    errors.push_back("'id' is empty");
  } else {
    item.id = it->get<std::string>();
    if (ctx_.invalid_lines == nullptr) {
      auto [first, inserted] = first_line_.emplace(item.id, line_no);
      if (!inserted) {
        errors.push_back(
            fmt::format("duplicate id, first used on line {}", first->second));
      }
    }
  }

  std::string modality;
  if (Optional(j, "modality") == nullptr) {
    errors.push_back("missing 'modality'");
  } else if (string_field("modality", &modality)) {
    if (!ctx_.modalities->contains(modality)) {
      errors.push_back(
          fmt::format("unknown modality '{}' (known: {}; declare others under "
                      "'modalities:' in mmgate.yaml)",
                      modality, fmt::join(*ctx_.modalities, ", ")));
    } else if (modality != ctx_.suite_modality) {
      errors.push_back(
          fmt::format("modality '{}' does not match the suite's modality '{}'",
                      modality, ctx_.suite_modality));
    }
    item.modality = modality;
  }

  string_field("prompt", &item.prompt);

  std::vector<std::string> digests;
  if (const OJson* v = Optional(j, "media")) {
    ReadMedia(*v, &item, &digests, &errors);
  }

  if (string_field("expect", &item.expect) && item.expect != "answer" &&
      item.expect != "abstain") {
    errors.push_back(fmt::format(
        "'expect' must be \"answer\" or \"abstain\", got \"{}\"", item.expect));
  }

  if (const OJson* v = Optional(j, "reference")) {
    if (v->is_string()) {
      item.references.push_back(v->get<std::string>());
    } else if (v->is_array() && !v->empty()) {
      ReadStringList(*v, "reference", &item.references, &errors);
    } else if (v->is_array()) {
      errors.push_back("'reference' is an empty list");
    } else {
      errors.push_back(fmt::format(
          "'reference' must be a string or a list of strings, got {}",
          v->type_name()));
    }
  } else if (item.expect != "abstain") {
    errors.push_back(
        "missing 'reference' (required unless \"expect\" is \"abstain\")");
  }

  if (string_field("metric", &item.metric) && !MetricKnown(item.metric)) {
    errors.push_back(fmt::format("unknown metric '{}'", item.metric));
  }

  if (const OJson* v = Optional(j, "slices")) {
    if (!v->is_object()) {
      errors.push_back(
          fmt::format("'slices' must be an object, got {}", v->type_name()));
    } else {
      for (const auto& [key, value] : v->items()) {
        if (value.is_string()) {
          item.slices.emplace_back(key, value.get<std::string>());
        } else if (value.is_number()) {
          item.slices.emplace_back(key, value.dump());
        } else {
          errors.push_back(
              fmt::format("slice '{}' must be a string or a number, got {}",
                          key, value.type_name()));
        }
      }
    }
  }

  if (const OJson* v = Optional(j, "evidence")) {
    ReadStringList(*v, "evidence", &item.evidence, &errors);
  }

  if (string_field("group", &item.group) && item.group.empty()) {
    errors.push_back("'group' is empty");
  }
  if (item.group.empty()) item.group = item.id;

  if (!errors.empty()) {
    AddProblem(suite, line_no, item.id, errors);
    version->Feed(line);
    return;
  }

  for (const auto& [key, value] : j.items()) {
    if (!IsItemKey(key)) item.extra[key] = nlohmann::json(value);
  }

  // What decides an item's score: a change here must re-score it.
  Sha256 h;
  h.Feed(item.id).Feed(item.prompt).Feed(std::to_string(item.media.size()));
  for (size_t i = 0; i < item.media.size(); ++i) {
    h.Feed(item.media[i].type).Feed(digests[i]);
  }
  h.Feed(std::to_string(item.references.size()));
  for (const auto& r : item.references) h.Feed(r);
  h.Feed(item.expect)
      .Feed(item.metric.empty() ? ctx_.suite_metric : item.metric);
  h.Feed(std::to_string(item.evidence.size()));
  for (const auto& e : item.evidence) h.Feed(e);
  item.content_hash = h.HexDigest();

  // Strata and groups decide what is compared, so they version the suite.
  version->Feed(item.content_hash).Feed(item.group);
  version->Feed(std::to_string(item.slices.size()));
  for (const auto& [key, value] : item.slices) version->Feed(key).Feed(value);
  suite->items.push_back(std::move(item));
}

Result<fs::path> DatasetFolder(const ItemsContext& ctx) {
  std::error_code ec;
  fs::path dir = fs::canonical(fs::path(ctx.dataset_path).parent_path(), ec);
  if (ec) {
    return Status::IoError(fmt::format("cannot resolve the folder of {}: {}",
                                       ctx.dataset_path, ec.message()));
  }
  return dir;
}

// One physical line, starting at byte `offset`: blank ones are skipped, a
// trailing CR dropped.
void ParseOne(ItemParser* parser, int line_no, int64_t offset,
              std::string_view line, Suite* suite, Sha256* version) {
  if (IsBlank(line)) return;
  if (line.back() == '\r') line.remove_suffix(1);
  const size_t before = suite->items.size();
  parser->ParseLine(line_no, line, suite, version);
  if (suite->items.size() > before) suite->items.back().offset = offset;
}

}  // namespace

Status ParseItems(std::string_view text, const ItemsContext& ctx, Suite* suite,
                  Sha256* version) {
  auto dir = DatasetFolder(ctx);
  if (!dir.ok()) return dir.status();
  ItemParser parser(ctx, std::move(*dir));
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    const auto offset = static_cast<int64_t>(pos);
    pos = end + 1;
    ParseOne(&parser, ++line_no, offset, line, suite, version);
  }
  return Status::Ok();
}

Status ParseItemsFile(const ItemsContext& ctx, Suite* suite, Sha256* version,
                      Sha256* raw, const std::function<Status()>& after_line,
                      const FileWindow& window) {
  const std::string& path = ctx.dataset_path;
  std::error_code ec;
  // A directory opens and reads as empty, which would pass for an empty file.
  if (fs::is_directory(path, ec))
    return Status::Invalid(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  auto dir = DatasetFolder(ctx);
  if (!dir.ok()) return dir.status();
  ItemParser parser(ctx, std::move(*dir));
  if (window.offset > 0 && !in.seekg(window.offset))
    return Status::IoError(
        fmt::format("cannot seek to byte {} of {}", window.offset, path));
  std::string buf;
  int64_t offset = window.offset;
  for (int line_no = window.first_line;
       suite->items.size() < window.max_items && std::getline(in, buf);
       ++line_no) {
    if (raw != nullptr) raw->Feed(buf);
    std::string_view line = buf;
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    ParseOne(&parser, line_no, offset, line, suite, version);
    offset += static_cast<int64_t>(buf.size()) + 1;
    if (after_line) MMGATE_RETURN_IF_ERROR(after_line());
  }
  if (in.bad()) return Status::IoError("cannot read " + path);
  return Status::Ok();
}

}  // namespace mmgate::dataset::internal
