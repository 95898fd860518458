// Internal to trace/: the block parser, the part of IngestFile that reads
// JSON. block_parser.cc and fields.cc are compiled twice: for the build's
// baseline (namespace `baseline`) and, on x86-64, for Haswell (AVX2, BMI1/2,
// LZCNT, PCLMUL, POPCNT; namespace `haswell`), which lets simdjson's
// on-demand front end use its AVX2 kernel. NewBlockParser picks the copy at
// run time; both behave the same (tests/trace/kernel_test.cc).
//
// Thread-safety: a BlockParser is used by one thread at a time.
#ifndef MMGATE_TRACE_KERNEL_H_
#define MMGATE_TRACE_KERNEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "trace/time.h"

namespace mmgate::trace {
enum class ParserIsa;  // trace.h
}  // namespace mmgate::trace

// The copies include neither trace.h nor the store's headers: under
// -fno-weak (CMakeLists.txt) an inline variable would warn.
namespace mmgate::trace::internal {

// Bytes that must be readable after a block (simdjson's padding; checked
// against simdjson's constant in block_parser.cc).
constexpr size_t kPadding = 64;

// A string field's characters: in place in the block when the JSON string
// has no escapes (no copy), else unescaped into `own`.
class Text {
 public:
  std::string_view get() const { return owned_ ? std::string_view(own_) : in_; }
  bool empty() const { return get().empty(); }
  // `s` must live as long as the block.
  void SetInPlace(std::string_view s) {
    in_ = s;
    owned_ = false;
  }
  void SetCopy(std::string_view s) {
    own_.assign(s);
    owned_ = true;
  }
  // Copies text that is in place, for a line parsed from a copy of itself.
  void Own() {
    if (!owned_) SetCopy(in_);
  }
  void Clear() { SetInPlace({}); }

 private:
  std::string_view in_;
  std::string own_;  // keeps its buffer from line to line
  bool owned_ = false;
};

// The fields of one trace line (a store::TraceRecord's, less inputs_json
// and inputs_ref, which ingest.cc sets). They stay valid until the block's
// bytes change or the parser's next call.
struct LineFields {
  Text trace_id;
  int64_t created_ms = 0;
  Text model_version, decision, category, outcome, request_hash;
  // Relative media paths as written: [0, media_count) of media_paths (the
  // Texts and their buffers are kept from line to line).
  std::vector<Text> media_paths;
  size_t media_count = 0;
  std::string error;        // set: the line is malformed
  bool json_error = false;  // the error is simdjson's (not a bad field)

  // Empties every field for the next line, keeping the buffers.
  void Reset() {
    for (Text* t : {&trace_id, &model_version, &decision, &category, &outcome,
                    &request_hash})
      t->Clear();
    error.clear();
    created_ms = 0;
    media_count = 0;
    json_error = false;
  }
  // Copies the text that is in place (see Text::Own).
  void Own() {
    for (Text* t : {&trace_id, &model_version, &decision, &category, &outcome,
                    &request_hash})
      t->Own();
    for (size_t i = 0; i < media_count; ++i) media_paths[i].Own();
  }
  std::span<const Text> media() const {
    return {media_paths.data(), media_count};
  }
  // The next media path's slot.
  Text& NextMediaPath() {
    if (media_count == media_paths.size()) media_paths.emplace_back();
    return media_paths[media_count++];
  }
};

// One non-blank line of a block.
struct ParsedLine {
  LineFields fields;
  std::string_view text;  // the line without leading and trailing blanks
  int64_t line = 0;       // 1-based, in the block
};

struct ParsedBlock {
  // The non-blank lines in order, each valid or with its error; they and
  // their text views live until the parser's next call.
  std::span<ParsedLine> lines;
  int64_t line_count = 0;  // lines in the block, blank ones included
};

class BlockParser {
 public:
  virtual ~BlockParser() = default;
  // Parses the whole lines in [data, data + len); kPadding readable bytes
  // must follow.
  virtual ParsedBlock Parse(const char* data, size_t len) = 0;
};

// A parser of the given copy; kHaswell on a CPU or build without it is an
// Invalid error, kAuto is BestParserIsa().
Result<std::unique_ptr<BlockParser>> NewBlockParser(ParserIsa isa);

namespace baseline {
std::unique_ptr<BlockParser> NewBlockParser();
}  // namespace baseline
namespace haswell {
std::unique_ptr<BlockParser> NewBlockParser();
}  // namespace haswell

}  // namespace mmgate::trace::internal

#endif  // MMGATE_TRACE_KERNEL_H_
