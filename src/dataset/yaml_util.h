// Reading YAML with errors that name the file and line: the helpers of the
// dataset box, shared with config/ (mmgate.yaml itself).
#ifndef MMGATE_DATASET_YAML_UTIL_H_
#define MMGATE_DATASET_YAML_UTIL_H_

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mmgate::dataset::internal {

// "file:line" for a node (1-based), or just "file" when the node has no mark.
std::string Where(const std::string& file, const YAML::Node& node);
Status ErrorAt(const std::string& file, const YAML::Node& node,
               std::string_view message);

// Parses YAML text; the error names file, line and column. Rejects duplicate
// mapping keys, which yaml-cpp accepts silently (the later one would be lost),
// and a document whose aliases expand to more nodes than any config has (an
// alias bomb), so every later walk of the returned node is bounded.
Result<YAML::Node> ParseYaml(const std::string& file, const std::string& text);

// A key of a mapping together with its value: errors about a value point at
// the key's line, because yaml-cpp marks an empty value at the next token.
struct Field {
  YAML::Node key;
  YAML::Node value;
};
std::optional<Field> FindField(const YAML::Node& map, std::string_view key);

// Typed reads of one field of a mapping, with errors naming file and line.
class FieldReader {
 public:
  FieldReader(std::string file, YAML::Node map)
      : file_(std::move(file)), map_(std::move(map)) {}

  // A scalar (a plain number is read as its text); missing or null fails.
  Result<std::string> RequiredString(std::string_view key) const;
  // Missing or null gives `fallback`.
  Result<std::string> OptionalString(std::string_view key,
                                     std::string fallback = "") const;
  Result<std::vector<std::string>> OptionalStringList(
      std::string_view key) const;
  // Fails with the list of known keys if the mapping has any other key.
  Status OnlyKeys(const std::vector<std::string_view>& known) const;

  Status Error(const YAML::Node& at, std::string_view message) const {
    return ErrorAt(file_, at, message);
  }
  const std::string& file() const { return file_; }
  const YAML::Node& map() const { return map_; }

 private:
  std::string file_;
  YAML::Node map_;
};

std::string_view NodeKind(const YAML::Node& node);

}  // namespace mmgate::dataset::internal

#endif  // MMGATE_DATASET_YAML_UTIL_H_
