#include "score/code_grounding.h"

#include <set>
#include <unordered_set>

namespace mmgate::score {
namespace {

bool IdStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IdChar(char c) { return IdStart(c) || (c >= '0' && c <= '9'); }

// Keywords of Python, JavaScript/TypeScript, C/C++, Java, Go and shell, and
// builtins nearly every snippet uses.
const std::unordered_set<std::string>& Known() {
  static const auto* known = new std::unordered_set<std::string>{
      "and",        "as",        "assert",     "async",      "await",
      "break",      "case",      "catch",      "class",      "const",
      "continue",   "def",       "default",    "del",        "do",
      "elif",       "else",      "enum",       "except",     "export",
      "extends",    "false",     "False",      "finally",    "for",
      "from",       "func",      "function",   "global",     "go",
      "if",         "import",    "in",         "instanceof", "interface",
      "is",         "lambda",    "let",        "new",        "nil",
      "None",       "nonlocal",  "not",        "null",       "or",
      "package",    "pass",      "private",    "protected",  "public",
      "raise",      "return",    "static",     "struct",     "super",
      "switch",     "this",      "throw",      "throws",     "true",
      "True",       "try",       "type",       "typeof",     "undefined",
      "var",        "void",      "while",      "with",       "yield",
      "int",        "float",     "double",     "char",       "bool",
      "boolean",    "string",    "String",     "auto",       "unsigned",
      "long",       "short",     "std",        "self",       "print",
      "len",        "range",     "str",        "list",       "dict",
      "set",        "tuple",     "open",       "map",        "filter",
      "sorted",     "min",       "max",        "sum",        "abs",
      "isinstance", "Exception", "ValueError", "KeyError",   "TypeError",
      "Error",      "console",   "log",        "fi",         "then",
      "done",       "esac",      "echo",       "exit",       "local",
      "main",       "fmt",       "err",        "make",       "append",
      "json",       "os",        "sys",        "re",         "math",
      "time",       "Object",    "Array",      "Promise",    "Math",
      "JSON",       "println",   "printf",     "include",    "using",
      "namespace",  "template",  "typename",   "final",      "override",
      "virtual",    "sizeof",    "goto",       "volatile",   "extern",
      "register",   "signed",    "union",      "typedef",    "inline",
      "constexpr"};
  return *known;
}

// Every identifier-like word of free text.
void Words(std::string_view text, std::unordered_set<std::string>* out) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IdStart(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IdChar(text[j])) ++j;
    out->emplace(text.substr(i, j - i));
    i = j;
  }
}

}  // namespace

std::string CodeOf(std::string_view answer) {
  std::string code;
  size_t pos = 0;
  bool fenced = false;
  while (true) {
    const size_t open = answer.find("```", pos);
    if (open == std::string_view::npos) break;
    const size_t line = answer.find('\n', open);
    if (line == std::string_view::npos) break;
    const size_t close = answer.find("```", line);
    if (close == std::string_view::npos) break;
    code += std::string(answer.substr(line + 1, close - line - 1)) + "\n";
    fenced = true;
    pos = close + 3;
  }
  return fenced ? code : std::string(answer);
}

std::vector<std::string> InventedIdentifiers(
    std::string_view code, std::string_view prompt,
    const std::vector<std::string>& context,
    const std::vector<std::string>& allowed) {
  std::unordered_set<std::string> given;
  Words(prompt, &given);
  for (const std::string& c : context) Words(c, &given);
  given.insert(allowed.begin(), allowed.end());
  std::vector<std::string> out;
  std::set<std::string> seen;
  size_t i = 0;
  while (i < code.size()) {
    const char c = code[i];
    if (c == '"' || c == '\'' || c == '`') {  // skip a string literal
      size_t j = i + 1;
      while (j < code.size() && code[j] != c && code[j] != '\n') {
        if (code[j] == '\\') ++j;
        ++j;
      }
      i = j + 1;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < code.size() && code[i + 1] == '/')) {
      const size_t nl = code.find('\n', i);
      i = nl == std::string_view::npos ? code.size() : nl;
      continue;
    }
    if (!IdStart(c) || (i > 0 && IdChar(code[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < code.size() && IdChar(code[j])) ++j;
    std::string id(code.substr(i, j - i));
    i = j;
    if (id.size() < 2 || Known().count(id) || given.count(id)) continue;
    if (seen.insert(id).second) out.push_back(std::move(id));
  }
  return out;
}

}  // namespace mmgate::score
