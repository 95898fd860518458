// The streaming trn parser behind corpus scoring: lines come from a text in
// memory or from a file read through one reusable buffer (so a 15 MB file
// never sits in memory whole), and words are interned to ids as they are
// read.
#ifndef MMGATE_SCORE_TRN_LOADER_H_
#define MMGATE_SCORE_TRN_LOADER_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "score/corpus.h"
#include "score/interner.h"

namespace mmgate::score {

// Lines of a whole text, or of a file read in chunks.
class LineReader {
 public:
  explicit LineReader(std::string text);
  // Does not own `file`.
  explicit LineReader(FILE* file, size_t chunk_bytes = 1 << 20);

  // The next line without its '\n', writable in place (the parser folds
  // case there), followed by at least Interner::kPadding readable bytes.
  // False at the end of the input or on a read error.
  bool Next(char** data, size_t* size);
  bool failed() const { return failed_; }

 private:
  void Refill();

  FILE* file_ = nullptr;
  std::string buffer_;  // data, then Interner::kPadding zero bytes
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool failed_ = false;
};

// One parsed trn file.
struct LoadedTrn {
  struct Utt {
    uint32_t begin = 0;  // [begin, end) in tokens
    uint32_t end = 0;
    int32_t line = 0;
    uint32_t id_offset = 0;  // the id as written, in shown_ids
    uint32_t id_size = 0;
  };

  std::string_view shown_id(size_t i) const {
    return std::string_view(shown_ids).substr(utts[i].id_offset,
                                              utts[i].id_size);
  }

  std::vector<Utt> utts;
  std::vector<uint32_t> tokens;  // word ids of `vocab`, or code points
  Interner vocab{4096};
  // With index_ids: the ids as compared (case-folded unless case-sensitive);
  // id i is utts[i].
  Interner ids{1024};
  std::string shown_ids;
};

// `size_hint`: the input's size in bytes if known (for reserving), else 0.
// `index_ids`: intern the utterance ids into `ids` and report repeated ones
// (the reference's, which lookups go to). Errors name `name` and the line.
Status LoadTrn(LineReader& reader, std::string_view name,
               const CorpusOptions& options, size_t size_hint, bool index_ids,
               LoadedTrn* out);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_TRN_LOADER_H_
