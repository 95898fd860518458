#include "score/trn.h"

#include <fmt/format.h>

#include <cstring>

#include "common/files.h"

namespace mmgate::score {

Result<TrnLine> SplitTrnLine(std::string_view line) {
  while (!line.empty() && IsTrnSpace(line.back())) line.remove_suffix(1);
  const auto* paren =
      static_cast<const char*>(memrchr(line.data(), '(', line.size()));
  const size_t open = paren == nullptr
                          ? std::string_view::npos
                          : static_cast<size_t>(paren - line.data());
  if (line.empty() || line.back() != ')' || open == std::string_view::npos) {
    return Status::Invalid(
        "line does not end with an utterance id in parentheses, e.g. "
        "'words words (spk1_utt1)'");
  }
  TrnLine out;
  out.id = line.substr(open + 1, line.size() - open - 2);
  out.words = line.substr(0, open);
  if (out.id.empty()) return Status::Invalid("empty utterance id '()'");
  for (char c : out.id) {
    if (IsTrnSpace(c)) return Status::Invalid("utterance id contains a space");
  }
  return out;
}

Result<std::vector<TrnUtterance>> ParseTrn(std::string_view text,
                                           std::string_view source) {
  std::vector<TrnUtterance> out;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    bool blank = true;
    for (char c : line) blank = blank && IsTrnSpace(c);
    if (blank) continue;
    Result<TrnLine> parts = SplitTrnLine(line);
    if (!parts.ok())
      return parts.status().WithContext(fmt::format("{}:{}", source, line_no));
    TrnUtterance u;
    u.id = std::string(parts->id);
    u.line = line_no;
    const std::string_view words = parts->words;
    size_t i = 0;
    while (i < words.size()) {
      while (i < words.size() && IsTrnSpace(words[i])) ++i;
      const size_t w = i;
      while (i < words.size() && !IsTrnSpace(words[i])) ++i;
      if (i > w) u.words.emplace_back(words.substr(w, i - w));
    }
    for (const std::string& w : u.words) {
      if (w == "{") {
        return Status::Invalid(fmt::format(
            "{}:{}: sclite alternations '{{ a / b }}' are not supported",
            source, line_no));
      }
    }
    out.push_back(std::move(u));
  }
  return out;
}

Result<std::vector<TrnUtterance>> ReadTrn(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseTrn(*text, path);
}

std::string FormatTrn(std::span<const TrnUtterance> utterances) {
  std::string out;
  for (const TrnUtterance& u : utterances) {
    for (const std::string& w : u.words) {
      out += w;
      out.push_back(' ');
    }
    out += "(" + u.id + ")\n";
  }
  return out;
}

Status WriteTrn(const std::string& path,
                std::span<const TrnUtterance> utterances) {
  return WriteFileAtomic(path, FormatTrn(utterances));
}

std::string_view TrnSpeaker(std::string_view id) {
  const size_t cut = id.find_first_of("_-");
  return cut == std::string_view::npos ? std::string_view() : id.substr(0, cut);
}

}  // namespace mmgate::score
