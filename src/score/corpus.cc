#include "score/corpus.h"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <thread>

#include "score/interner.h"
#include "score/trn.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

// One parsed trn file. Token ids are word ids of this file's own vocabulary
// (remapped to the reference's afterwards) or code points.
struct LoadedTrn {
  struct Utt {
    std::string_view id;        // as compared (folded unless case-sensitive)
    std::string_view shown_id;  // as written
    uint32_t begin = 0;
    uint32_t end = 0;
    int line = 0;
  };
  std::string text;
  std::string folded_ids;  // reserved once: views into it stay valid
  std::vector<Utt> utts;
  std::vector<uint32_t> tokens;
  Interner vocab{4096};
  Status status;
};

// Byte classes for the tokenizer: sclite's word separators, and ASCII
// upper-case letters (folded unless case-sensitive).
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (char c : {' ', '\t', '\r', '\v', '\f'})
    t[static_cast<unsigned char>(c)] = 1;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 2;
  return t;
}();

void FoldAscii(char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (kByteClass[static_cast<unsigned char>(p[i])] == 2)
      p[i] = static_cast<char>(p[i] + 32);
  }
}

Status LineError(std::string_view name, int line, const std::string& message) {
  return Status::Invalid(fmt::format("{}:{}: {}", name, line, message));
}

void Load(LoadedTrn* f, std::string_view name, const CorpusOptions& options) {
  const bool fold = !options.case_sensitive;
  std::string& text = f->text;
  if (fold) f->folded_ids.reserve(text.size());
  f->tokens.reserve(text.size() / 4);
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    const char* nl = static_cast<const char*>(
        std::memchr(text.data() + start, '\n', text.size() - start));
    const size_t end = nl ? static_cast<size_t>(nl - text.data()) : text.size();
    const std::string_view line(text.data() + start, end - start);
    const size_t line_start = start;
    start = end + 1;
    ++line_no;
    bool blank = true;
    for (char c : line) {
      if (!IsTrnSpace(c)) {
        blank = false;
        break;
      }
    }
    if (blank) continue;
    Result<TrnLine> parts = SplitTrnLine(line);
    if (!parts.ok()) {
      f->status = LineError(name, line_no, parts.status().message());
      return;
    }
    LoadedTrn::Utt u;
    u.line = line_no;
    u.shown_id = parts->id;
    u.id = parts->id;
    if (fold) {
      const size_t at = f->folded_ids.size();
      f->folded_ids.append(parts->id);
      FoldAscii(f->folded_ids.data() + at, parts->id.size());
      u.id = std::string_view(f->folded_ids).substr(at, parts->id.size());
    }
    char* words = text.data() + line_start;
    const size_t words_len = parts->words.size();
    u.begin = static_cast<uint32_t>(f->tokens.size());
    size_t i = 0;
    while (i < words_len) {
      while (i < words_len &&
             kByteClass[static_cast<unsigned char>(words[i])] == 1)
        ++i;
      const size_t w = i;
      for (; i < words_len; ++i) {
        const uint8_t cls = kByteClass[static_cast<unsigned char>(words[i])];
        if (cls == 1) break;
        if (cls == 2 && fold) words[i] = static_cast<char>(words[i] + 32);
      }
      if (i == w) break;
      const std::string_view word(words + w, i - w);
      if (word == "{") {
        f->status = LineError(
            name, line_no, "sclite alternations '{ a / b }' are not supported");
        return;
      }
      if (options.unit == TrnUnit::kWord) {
        f->tokens.push_back(f->vocab.Intern(word));
      } else {
        size_t k = 0;
        while (k < word.size()) f->tokens.push_back(DecodeNext(word, &k));
      }
    }
    u.end = static_cast<uint32_t>(f->tokens.size());
    f->utts.push_back(u);
  }
}

Result<std::string> ReadWhole(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"),
                                             &std::fclose);
  if (!file) {
    return Status::IoError(
        fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  std::string out;
  // Straight into one buffer of the file's size when it has one (not a pipe).
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(file.get());
    std::rewind(file.get());
    if (size > 0) {
      out.resize(static_cast<size_t>(size));
      out.resize(std::fread(out.data(), 1, out.size(), file.get()));
    }
  }
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0)
    out.append(buffer, n);
  if (std::ferror(file.get())) return Status::IoError("cannot read " + path);
  return out;
}

struct UttScore {
  EditCounts counts;
  int64_t min_edit_errors = 0;
};

// Threads for `tokens` of work (an estimate is enough).
int ThreadCount(const CorpusOptions& options, size_t tokens) {
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::thread::hardware_concurrency());
  // Starting a thread costs more than aligning a few hundred short utterances.
  if (tokens < 2000) threads = 1;
  return std::max(threads, 1);
}

}  // namespace

Result<CorpusResult> ScoreTrnTexts(std::string ref_text,
                                   std::string_view ref_name,
                                   std::string hyp_text,
                                   std::string_view hyp_name,
                                   const CorpusOptions& options) {
  LoadedTrn ref;
  LoadedTrn hyp;
  ref.text = std::move(ref_text);
  hyp.text = std::move(hyp_text);
  // A token takes about six bytes of a trn file.
  if (ThreadCount(options, ref.text.size() / 6) > 1) {
    std::thread other([&] { Load(&hyp, hyp_name, options); });
    Load(&ref, ref_name, options);
    other.join();
  } else {
    Load(&ref, ref_name, options);
    Load(&hyp, hyp_name, options);
  }
  MMGATE_RETURN_IF_ERROR(ref.status);
  MMGATE_RETURN_IF_ERROR(hyp.status);

  if (options.unit == TrnUnit::kWord) {
    // Put both files' words in the reference's id space; words only the
    // hypothesis has get fresh ids.
    std::vector<uint32_t> remap(hyp.vocab.size());
    auto next = static_cast<uint32_t>(ref.vocab.size());
    for (uint32_t k = 0; k < remap.size(); ++k) {
      const uint32_t id = ref.vocab.Find(hyp.vocab.key(k));
      remap[k] = id == Interner::kNotFound ? next++ : id;
    }
    for (uint32_t& t : hyp.tokens) t = remap[t];
  }

  Interner ids(ref.utts.size());
  for (size_t i = 0; i < ref.utts.size(); ++i) {
    const uint32_t id = ids.Intern(ref.utts[i].id);
    if (id != i) {
      return LineError(ref_name, ref.utts[i].line,
                       fmt::format("utterance id '{}' repeats line {}",
                                   ref.utts[i].shown_id, ref.utts[id].line));
    }
  }
  std::vector<int32_t> hyp_of(ref.utts.size(), -1);
  for (size_t j = 0; j < hyp.utts.size(); ++j) {
    const uint32_t k = ids.Find(hyp.utts[j].id);
    if (k == Interner::kNotFound) {
      return LineError(hyp_name, hyp.utts[j].line,
                       fmt::format("utterance '{}' is not in {}",
                                   hyp.utts[j].shown_id, ref_name));
    }
    if (hyp_of[k] >= 0) {
      return LineError(
          hyp_name, hyp.utts[j].line,
          fmt::format("utterance id '{}' repeats line {}", hyp.utts[j].shown_id,
                      hyp.utts[hyp_of[k]].line));
    }
    hyp_of[k] = static_cast<int32_t>(j);
  }

  std::vector<UttScore> scores(ref.utts.size());
  constexpr size_t kChunk = 512;
  std::atomic<size_t> next_chunk{0};
  auto work = [&] {
    Aligner aligner;
    while (true) {
      const size_t first = next_chunk.fetch_add(kChunk);
      if (first >= ref.utts.size()) return;
      const size_t last = std::min(first + kChunk, ref.utts.size());
      for (size_t i = first; i < last; ++i) {
        if (hyp_of[i] < 0) continue;
        const LoadedTrn::Utt& r = ref.utts[i];
        const LoadedTrn::Utt& h = hyp.utts[hyp_of[i]];
        const AlignmentResult a = aligner.Align(
            std::span(ref.tokens).subspan(r.begin, r.end - r.begin),
            std::span(hyp.tokens).subspan(h.begin, h.end - h.begin));
        scores[i] = {a.sclite, a.min_edit_errors};
      }
    }
  };
  const int threads = ThreadCount(options, ref.tokens.size());
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  CorpusResult result;
  Interner speakers(64);
  for (size_t i = 0; i < ref.utts.size(); ++i) {
    const LoadedTrn::Utt& r = ref.utts[i];
    const int64_t length = r.end - r.begin;
    if (hyp_of[i] < 0) {
      result.missing_ids.emplace_back(r.shown_id);
      result.missing_ref_tokens += length;
      continue;
    }
    const UttScore& s = scores[i];
    const bool wrong = s.counts.errors() > 0;
    ++result.utterances;
    result.ref_tokens += length;
    result.counts += s.counts;
    result.utterances_with_errors += wrong;
    result.min_edit_errors += s.min_edit_errors;
    result.utterances_above_min_edit += s.counts.errors() > s.min_edit_errors;
    const uint32_t spk = speakers.Intern(TrnSpeaker(r.id));
    if (spk == result.speakers.size()) {
      result.speakers.emplace_back().speaker = TrnSpeaker(r.id);
    }
    SpeakerTotals& st = result.speakers[spk];
    ++st.utterances;
    st.ref_tokens += length;
    st.counts += s.counts;
    st.utterances_with_errors += wrong;
  }
  return result;
}

Result<CorpusResult> ScoreTrnFiles(const std::string& ref_path,
                                   const std::string& hyp_path,
                                   const CorpusOptions& options) {
  Result<std::string> hyp = Status::Internal("not read");
  Result<std::string> ref = Status::Internal("not read");
  if (options.threads == 1) {
    ref = ReadWhole(ref_path);
    hyp = ReadWhole(hyp_path);
  } else {
    std::thread reader([&] { hyp = ReadWhole(hyp_path); });
    ref = ReadWhole(ref_path);
    reader.join();
  }
  if (!ref.ok()) return ref.status();
  if (!hyp.ok()) return hyp.status();
  return ScoreTrnTexts(std::move(ref).value(), ref_path, std::move(hyp).value(),
                       hyp_path, options);
}

}  // namespace mmgate::score
