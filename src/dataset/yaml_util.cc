#include "dataset/yaml_util.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "dataset/load.h"

namespace mmgate::dataset {
namespace {

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

bool IsDigits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = base == 16  ? std::isxdigit(static_cast<unsigned char>(c)) != 0
              : base == 8 ? (c >= '0' && c <= '7')
                          : (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// YAML 1.2 core schema integers: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+.
std::optional<nlohmann::json> ParseInt(std::string_view s) {
  int base = 10;
  bool negative = false;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    s.remove_prefix(2);
  } else if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (!IsDigits(s, base)) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] =
      std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if (!negative) {
    if (magnitude <=
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return nlohmann::json(static_cast<int64_t>(magnitude));
    }
    return nlohmann::json(magnitude);
  }
  constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
  if (magnitude > kMinMagnitude) return std::nullopt;
  return nlohmann::json(magnitude == kMinMagnitude
                            ? std::numeric_limits<int64_t>::min()
                            : -static_cast<int64_t>(magnitude));
}

// YAML 1.2 core schema floats:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and .inf/.nan forms.
std::optional<double> ParseFloat(std::string_view s) {
  std::string_view body = s;
  double sign = 1;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    sign = body[0] == '-' ? -1 : 1;
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    return sign * std::numeric_limits<double>::infinity();
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i;
    return i - start;
  };
  size_t int_digits = digits();
  size_t frac_digits = 0;
  if (i < body.size() && body[i] == '.') {
    ++i;
    frac_digits = digits();
  }
  if (int_digits == 0 && frac_digits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '-' || body[i] == '+')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  double value = 0;
  auto [end, ec] =
      std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size())
    return std::nullopt;
  return sign * value;
}

nlohmann::json PlainScalarToJson(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (auto i = ParseInt(s)) return *i;
  if (auto d = ParseFloat(s)) return *d;
  return s;
}

}  // namespace

const std::set<std::string>& BuiltinModalities() {
  static const std::set<std::string> kModalities = {
      "text", "image", "document", "chart", "table", "audio", "pipeline"};
  return kModalities;
}

nlohmann::json YamlToJson(const YAML::Node& node) {
  if (!node.IsDefined()) return nullptr;
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted and block scalars "!": they are strings as
      // written.
      if (node.Tag() == "!" || node.Tag() == kStrTag) return node.Scalar();
      return PlainScalarToJson(node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& child : node) out.push_back(YamlToJson(child));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) {
        std::string key =
            kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        out[key] = YamlToJson(kv.second);
      }
      return out;
    }
  }
  return nullptr;
}

namespace internal {
namespace {

// yaml-cpp shares an aliased node rather than copying it, so ten levels of
// `&a [*b, *b, ...]` load instantly but expand to 10^10 nodes for any walk
// (this one, YamlToJson, a dump). A config or suite is a few hundred nodes;
// counting every visit, aliases expanded, bounds all later walks too.
constexpr long kMaxYamlNodes = 250000;
// An alias inside its own anchor (`b: &b [*b]`) makes a cycle: the node count
// alone would still recurse 250,000 deep and overflow the stack first.
constexpr int kMaxYamlDepth = 200;

// Rejects duplicate mapping keys, and a document that expands to more than
// kMaxYamlNodes nodes.
class YamlChecker {
 public:
  explicit YamlChecker(const std::string& file) : file_(file) {}

  Status Check(const YAML::Node& node, int depth = 0) {
    if (depth > kMaxYamlDepth) {
      return ErrorAt(file_, node,
                     fmt::format("nested more than {} levels deep (an alias "
                                 "inside its own anchor?)",
                                 kMaxYamlDepth));
    }
    if (++visited_ > kMaxYamlNodes) {
      return ErrorAt(file_, node,
                     fmt::format("the document expands to more than {} nodes "
                                 "(aliases repeated inside aliases?)",
                                 kMaxYamlNodes));
    }
    if (node.IsSequence()) {
      for (const auto& child : node)
        MMGATE_RETURN_IF_ERROR(Check(child, depth + 1));
    } else if (node.IsMap()) {
      std::unordered_map<std::string, int> first_line;
      for (const auto& kv : node) {
        if (kv.first.IsScalar()) {
          int line = kv.first.Mark().line + 1;
          auto [it, inserted] = first_line.emplace(kv.first.Scalar(), line);
          if (!inserted) {
            return ErrorAt(file_, kv.first,
                           fmt::format("duplicate key '{}' (first on line {})",
                                       kv.first.Scalar(), it->second));
          }
        } else {
          MMGATE_RETURN_IF_ERROR(Check(kv.first, depth + 1));
        }
        MMGATE_RETURN_IF_ERROR(Check(kv.second, depth + 1));
      }
    }
    return Status::Ok();
  }

 private:
  const std::string& file_;
  long visited_ = 0;
};

}  // namespace

std::string Where(const std::string& file, const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().is_null()) return file;
  return fmt::format("{}:{}", file, node.Mark().line + 1);
}

Status ErrorAt(const std::string& file, const YAML::Node& node,
               std::string_view message) {
  return Status::Invalid(fmt::format("{}: {}", Where(file, node), message));
}

Result<YAML::Node> ParseYaml(const std::string& file, const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}:{}:{}: malformed YAML: {}", file,
                                       e.mark.line + 1, e.mark.column + 1,
                                       e.msg));
  }
  MMGATE_RETURN_IF_ERROR(YamlChecker(file).Check(root));
  return root;
}

std::optional<Field> FindField(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return std::nullopt;
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      return Field{kv.first, kv.second};
    }
  }
  return std::nullopt;
}

std::string_view NodeKind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

Result<std::string> FieldReader::RequiredString(std::string_view key) const {
  auto f = FindField(map_, key);
  if (!f) return Error(map_, fmt::format("missing required key '{}'", key));
  if (!f->value.IsScalar()) {
    return Error(f->key, fmt::format("'{}' must be a string, got {}", key,
                                     NodeKind(f->value)));
  }
  if (f->value.Scalar().empty()) {
    return Error(f->key, fmt::format("'{}' is empty", key));
  }
  return f->value.Scalar();
}

Result<std::string> FieldReader::OptionalString(std::string_view key,
                                                std::string fallback) const {
  auto f = FindField(map_, key);
  if (!f || f->value.IsNull()) return fallback;
  if (!f->value.IsScalar()) {
    return Error(f->key, fmt::format("'{}' must be a string, got {}", key,
                                     NodeKind(f->value)));
  }
  return f->value.Scalar();
}

Result<std::vector<std::string>> FieldReader::OptionalStringList(
    std::string_view key) const {
  std::vector<std::string> out;
  auto f = FindField(map_, key);
  if (!f || f->value.IsNull()) return out;
  if (!f->value.IsSequence()) {
    return Error(f->key, fmt::format("'{}' must be a list of strings, got {}",
                                     key, NodeKind(f->value)));
  }
  for (const auto& child : f->value) {
    if (!child.IsScalar() || child.Scalar().empty()) {
      return Error(child,
                   fmt::format("'{}' entries must be non-empty strings", key));
    }
    out.push_back(child.Scalar());
  }
  return out;
}

Status FieldReader::OnlyKeys(const std::vector<std::string_view>& known) const {
  for (const auto& kv : map_) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    bool found = false;
    for (auto k : known) found = found || k == key;
    if (!found) {
      return Error(kv.first, fmt::format("unknown key '{}' (known keys: {})",
                                         key, fmt::join(known, ", ")));
    }
  }
  return Status::Ok();
}

}  // namespace internal
}  // namespace mmgate::dataset
