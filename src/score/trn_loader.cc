#include "score/trn_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "score/trn.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

constexpr std::array<bool, 256> kSeparator = [] {
  std::array<bool, 256> t{};
  for (char c : {' ', '\t', '\r', '\v', '\f'})
    t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool IsSeparator(char c) { return kSeparator[static_cast<unsigned char>(c)]; }

// ASCII upper case to lower case in p[0, n), 16 bytes at a time where SSE2
// is there: x + (128 - 'A') lands 'A'..'Z', and only them, on -128..-103.
// The last block is masked to [0, n); up to 16 bytes after p + n must be
// readable and writable (the line buffer's padding).
void FoldAscii(char* p, size_t n) {
#if defined(__SSE2__)
  const __m128i offset = _mm_set1_epi8(static_cast<char>(128 - 'A'));
  const __m128i bound = _mm_set1_epi8(static_cast<char>(-128 + 26));
  const __m128i delta = _mm_set1_epi8(0x20);
  const __m128i lanes =
      _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (size_t i = 0; i < n; i += 16) {
    auto* at = reinterpret_cast<__m128i*>(p + i);
    const __m128i x = _mm_loadu_si128(at);
    const __m128i in_range = _mm_cmplt_epi8(
        lanes, _mm_set1_epi8(static_cast<char>(std::min<size_t>(n - i, 16))));
    const __m128i upper =
        _mm_and_si128(_mm_cmplt_epi8(_mm_add_epi8(x, offset), bound), in_range);
    _mm_storeu_si128(at, _mm_add_epi8(x, _mm_and_si128(upper, delta)));
  }
#else
  for (size_t i = 0; i < n; ++i) {
    if (p[i] >= 'A' && p[i] <= 'Z') p[i] = static_cast<char>(p[i] + 32);
  }
#endif
}

// The first separator in p[from, n), or n. Where SSE2 is there, 16 bytes are
// screened at once for bytes <= 0x20, and only those are checked exactly;
// reading up to 16 bytes past n is safe (the line buffer's padding).
size_t NextSeparator(const char* p, size_t from, size_t n) {
#if defined(__SSE2__)
  const __m128i limit = _mm_set1_epi8(0x20);
  for (; from < n; from += 16) {
    const __m128i x =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + from));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, limit), x)));
    for (; mask != 0; mask &= mask - 1) {
      const size_t at = from + static_cast<size_t>(__builtin_ctz(mask));
      if (at >= n) return n;
      if (IsSeparator(p[at])) return at;
    }
  }
  return n;
#else
  while (from < n && !IsSeparator(p[from])) ++from;
  return from;
#endif
}

Status LineError(std::string_view name, int line, const std::string& message) {
  return Status::Invalid(fmt::format("{}:{}: {}", name, line, message));
}

}  // namespace

LineReader::LineReader(std::string text)
    : buffer_(std::move(text)), end_(buffer_.size()), eof_(true) {
  buffer_.append(Interner::kPadding, '\0');
}

LineReader::LineReader(FILE* file, size_t chunk_bytes) : file_(file) {
  buffer_.resize(chunk_bytes + Interner::kPadding);
}

void LineReader::Refill() {
  // Keep the unfinished line, at the front; grow when it fills the buffer.
  std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
  end_ -= pos_;
  pos_ = 0;
  size_t capacity = buffer_.size() - Interner::kPadding;
  if (end_ == capacity) {
    capacity *= 2;
    buffer_.resize(capacity + Interner::kPadding);
  }
  const size_t n = std::fread(buffer_.data() + end_, 1, capacity - end_, file_);
  end_ += n;
  // Zeros after the data, for the padded key loads.
  std::memset(buffer_.data() + end_, 0, Interner::kPadding);
  if (n == 0) {
    eof_ = true;
    failed_ = std::ferror(file_) != 0;
  }
}

bool LineReader::Next(char** data, size_t* size) {
  while (true) {
    char* base = buffer_.data();
    if (pos_ < end_) {
      auto* nl =
          static_cast<char*>(std::memchr(base + pos_, '\n', end_ - pos_));
      if (nl != nullptr || eof_) {
        const size_t stop =
            nl != nullptr ? static_cast<size_t>(nl - base) : end_;
        *data = base + pos_;
        *size = stop - pos_;
        pos_ = nl != nullptr ? stop + 1 : end_;
        return true;
      }
    } else if (eof_) {
      return false;
    }
    Refill();
  }
}

Status LoadTrn(LineReader& reader, std::string_view name,
               const CorpusOptions& options, size_t size_hint, bool index_ids,
               LoadedTrn* f) {
  const bool fold = !options.case_sensitive;
  // A word takes about six bytes of a trn file, an utterance line about 100.
  f->tokens.reserve(size_hint / 5);
  f->utts.reserve(size_hint / 64);
  char* data;
  size_t size;
  int line_no = 0;
  while (reader.Next(&data, &size)) {
    ++line_no;
    const std::string_view line(data, size);
    bool blank = true;
    for (char c : line) {
      if (!IsSeparator(c)) {
        blank = false;
        break;
      }
    }
    if (blank) continue;
    Result<TrnLine> parts = SplitTrnLine(line);
    if (!parts.ok()) return LineError(name, line_no, parts.status().message());

    LoadedTrn::Utt u;
    u.line = line_no;
    u.id_offset = static_cast<uint32_t>(f->shown_ids.size());
    u.id_size = static_cast<uint32_t>(parts->id.size());
    f->shown_ids.append(parts->id);
    // The id as written is kept above; ids and words compare folded.
    if (fold) FoldAscii(data, size);
    if (index_ids) {
      const char* id = data + (parts->id.data() - line.data());
      const uint32_t index =
          f->ids.Intern(std::string_view(id, parts->id.size()));
      if (index != f->utts.size()) {
        return LineError(
            name, line_no,
            fmt::format(
                "utterance id '{}' repeats line {}",
                std::string_view(f->shown_ids).substr(u.id_offset, u.id_size),
                f->utts[index].line));
      }
    }

    const size_t words_size = parts->words.size();
    u.begin = static_cast<uint32_t>(f->tokens.size());
    size_t i = 0;
    while (true) {
      while (i < words_size && IsSeparator(data[i])) ++i;
      if (i >= words_size) break;
      const size_t end = NextSeparator(data, i, words_size);
      const std::string_view word(data + i, end - i);
      i = end;
      if (word == "{") {
        return LineError(name, line_no,
                         "sclite alternations '{ a / b }' are not supported");
      }
      if (options.unit == TrnUnit::kWord) {
        f->tokens.push_back(f->vocab.Intern(Interner::MakePaddedKey(word)));
      } else {
        size_t k = 0;
        while (k < word.size()) f->tokens.push_back(DecodeNext(word, &k));
      }
    }
    u.end = static_cast<uint32_t>(f->tokens.size());
    f->utts.push_back(u);
  }
  if (reader.failed())
    return Status::IoError(fmt::format("cannot read {}", name));
  return Status::Ok();
}

}  // namespace mmgate::score
