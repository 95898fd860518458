#include "perturb/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <vector>

#include "perturb/random.h"

namespace mmgate::perturb {
namespace {

bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// QWERTY neighbours of each lower-case letter.
constexpr std::array<const char*, 26> kNeighbours = {
    "qwsz",   "vghn", "xdfv",   "serfcx", "wsdr",   "drtgvc", "ftyhbv",
    "gyujnb", "ujko", "huikmn", "jiolm",  "kop",    "njk",    "bhjm",
    "iklp",   "ol",   "wa",     "edft",   "awedxz", "rfgy",   "yhji",
    "cfgb",   "qase", "zsdc",   "tghu",   "asx"};

std::string Typo(std::string word, Rng& rng) {
  const int n = static_cast<int>(word.size());
  const int i = rng.Uniform(0, n - 2);
  switch (rng.Uniform(0, 3)) {
    case 0:
      std::swap(word[static_cast<size_t>(i)], word[static_cast<size_t>(i + 1)]);
      break;
    case 1:
      word.erase(static_cast<size_t>(i), 1);
      break;
    case 2:
      word.insert(static_cast<size_t>(i), 1, word[static_cast<size_t>(i)]);
      break;
    default: {
      const char c = word[static_cast<size_t>(i)];
      const bool upper = c >= 'A' && c <= 'Z';
      const char* near = kNeighbours[static_cast<size_t>(
          std::tolower(static_cast<unsigned char>(c)) - 'a')];
      const std::string_view options(near);
      char r = options[static_cast<size_t>(
          rng.Uniform(0, static_cast<int>(options.size()) - 1))];
      word[static_cast<size_t>(i)] =
          upper ? static_cast<char>(std::toupper(r)) : r;
    }
  }
  return word;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    out.emplace_back(text.substr(start, nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

// Splits one line into sentences, each keeping its end mark and space.
std::vector<std::string> SplitSentences(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '.' || c == '?' || c == '!') &&
        (i + 1 == text.size() || text[i + 1] == ' ')) {
      size_t end = i + 1;
      while (end < text.size() && text[end] == ' ') ++end;
      out.emplace_back(text.substr(start, end - start));
      start = end;
      i = end - 1;
    }
  }
  if (start < text.size()) out.emplace_back(text.substr(start));
  return out;
}

std::string ClutterLine(Rng& rng) {
  static constexpr const char* kLevels[] = {"INFO", "WARN", "DEBUG", "ERROR"};
  static constexpr const char* kModules[] = {
      "http.server", "db.pool", "auth.session", "worker.queue", "cache.lru"};
  static constexpr const char* kMessages[] = {
      "request completed status=200 bytes={}", "retrying connection attempt={}",
      "slow query took {} ms", "session refreshed ttl={}s",
      "queue depth {} above soft limit"};
  switch (rng.Uniform(0, 3)) {
    case 0:
      return fmt::format(
          "    at com.example.service.Handler.process(Handler.java:{})",
          rng.Uniform(20, 900));
    case 1:
      return fmt::format("  File \"/srv/app/worker.py\", line {}, in run",
                         rng.Uniform(10, 500));
    case 2:
      return fmt::format("Traceback (most recent call last): exit code {}",
                         rng.Uniform(1, 137));
    default:
      return fmt::format(
          "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z {} [{}] {}", rng.Uniform(1, 12),
          rng.Uniform(1, 28), rng.Uniform(0, 23), rng.Uniform(0, 59),
          rng.Uniform(0, 59), rng.Pick(kLevels), rng.Pick(kModules),
          fmt::format(fmt::runtime(rng.Pick(kMessages)), rng.Uniform(1, 9999)));
  }
}

}  // namespace

std::string AddTypos(std::string_view text, double rate, uint64_t seed) {
  Rng rng(seed);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsAsciiAlpha(text[i])) {
      out += text[i++];
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsAsciiAlpha(text[j])) ++j;
    std::string word(text.substr(i, j - i));
    // One draw per word whatever its length, so words stay independent.
    const bool hit = rng.Chance(rate);
    out += (hit && word.size() >= 3) ? Typo(std::move(word), rng) : word;
    i = j;
  }
  return out;
}

std::string AddClutter(std::string_view text, int lines, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::string> out = SplitLines(text);
  for (int k = 0; k < lines; ++k) {
    const int at = rng.Uniform(0, static_cast<int>(out.size()));
    out.insert(out.begin() + at, ClutterLine(rng));
  }
  std::string joined;
  for (size_t k = 0; k < out.size(); ++k) joined += (k ? "\n" : "") + out[k];
  return joined;
}

std::string Reorder(std::string_view text, double share, uint64_t seed) {
  std::vector<std::string> units = SplitLines(text);
  const bool lines = units.size() > 1;
  if (!lines) units = SplitSentences(text);
  const int n = static_cast<int>(units.size());
  if (n < 2) return std::string(text);
  Rng rng(seed);
  const int moves = std::max(1, static_cast<int>(std::lround(share * n)));
  for (int k = 0; k < moves; ++k) {
    const int from = rng.Uniform(0, n - 1);
    int to = rng.Uniform(0, n - 2);
    if (to >= from) ++to;
    std::string unit = std::move(units[static_cast<size_t>(from)]);
    units.erase(units.begin() + from);
    units.insert(units.begin() + to, std::move(unit));
  }
  std::string joined;
  for (size_t k = 0; k < units.size(); ++k) {
    if (lines) {
      joined += (k ? "\n" : "") + units[k];
    } else {
      std::string u = units[k];
      while (!u.empty() && u.back() == ' ') u.pop_back();
      joined += (k ? " " : "") + u;
    }
  }
  return joined;
}

}  // namespace mmgate::perturb
