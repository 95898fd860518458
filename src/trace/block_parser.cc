// The block parser (kernel.h), compiled once per copy in namespace
// MMGATE_TRACE_KERNEL. A block goes through simdjson's iterate_many; a block
// where anything is off (bad JSON, a line holding two objects or an object
// spread over lines) is parsed again line by line, so each problem is
// reported at its own line and the other lines of the block are kept.
#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "trace/fields.h"
#include "trace/kernel.h"

namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL {
namespace {

static_assert(kPadding >= simdjson::SIMDJSON_PADDING);

// The fast path's largest block: a longer one (a line of several MiB) is
// parsed line by line.
constexpr size_t kFastCapacity = 8 << 20;

bool Blank(const char* b, const char* e) {
  for (; b < e; ++b)
    if (*b != ' ' && *b != '\t' && *b != '\r') return false;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' ||
                        s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

// The end of the line starting at p: its '\n', or `end`.
const char* LineEnd(const char* p, const char* end) {
  const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
  return nl ? static_cast<const char*>(nl) : end;
}

class Parser final : public BlockParser {
 public:
  ParsedBlock Parse(const char* data, size_t len) override {
    int64_t count = 0;
    if (!FastBlock(data, len, &count)) count = SlowBlock(data, len);
    return {std::span<ParsedLine>(parsed_.data(), n_), count};
  }

 private:
  // The fast path: false when the block must be parsed line by line. Sets
  // *count to the block's number of lines.
  bool FastBlock(const char* data, size_t len, int64_t* count) {
    n_ = 0;
    if (len > kFastCapacity) return false;
    simdjson::ondemand::document_stream stream;
    // One window over the whole block: simdjson 3.0's document indexes are
    // not reliable across windows.
    if (fast_.iterate_many(data, len, std::max<size_t>(len, 1 << 20))
            .get(stream))
      return false;
    const char* end = data + len;
    const char* cur = data;  // start of the line the cursor is on
    const char* cur_end = LineEnd(cur, end);
    int64_t line = 1;
    bool cur_has_doc = false;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      const char* doc = data + it.current_index();
      // simdjson 3.0 may end the stream with an empty document at the end
      // of the input (trailing whitespace); there is nothing after it.
      if (doc >= end) break;
      if (doc < cur) return false;
      // Move to the line holding `doc`; lines passed over must be blank.
      while (doc >= cur_end) {
        if (!cur_has_doc && !Blank(cur, cur_end)) return false;
        cur = cur_end + 1;
        cur_end = LineEnd(cur, end);
        ++line;
        cur_has_doc = false;
      }
      if (cur_has_doc || !Blank(cur, doc)) return false;
      cur_has_doc = true;
      simdjson::ondemand::document_reference d;
      simdjson::ondemand::object obj;
      if ((*it).get(d) || d.get_object().get(obj)) return false;
      LineFields& f = Next(line, Trim(std::string_view(cur, cur_end - cur)));
      ReadFields(obj, &f, &order_);
      if (f.json_error) return false;
    }
    if (stream.truncated_bytes() != 0) return false;
    // The lines after the last object's must be blank too.
    for (;;) {
      if (!cur_has_doc && !Blank(cur, cur_end)) return false;
      if (cur_end == end) break;
      cur = cur_end + 1;
      cur_end = LineEnd(cur, end);
      ++line;
      cur_has_doc = false;
    }
    // `line` is the last line's number, or the one after the last newline.
    *count = line - 1 + (len > 0 && data[len - 1] != '\n');
    return n_ > 0 || Blank(data, end);
  }

  // The next parsed line (buffers reused from earlier blocks).
  LineFields& Next(int64_t line, std::string_view text) {
    if (n_ == parsed_.size()) parsed_.emplace_back();
    ParsedLine& p = parsed_[n_++];
    p.line = line;
    p.text = text;
    p.fields.Reset();
    return p.fields;
  }

  // Returns the block's number of lines.
  int64_t SlowBlock(const char* data, size_t len) {
    n_ = 0;
    const char* end = data + len;
    int64_t line = 0;
    for (const char* p = data; p < end;) {
      const char* line_end = LineEnd(p, end);
      ++line;
      std::string_view text = Trim(std::string_view(p, line_end - p));
      p = line_end < end ? line_end + 1 : end;
      if (text.empty()) continue;
      ParseOneLine(text, &Next(line, text));
    }
    return line;
  }

  void ParseOneLine(std::string_view text, LineFields* f) {
    simdjson::padded_string padded(text);
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    auto e = slow_.iterate(padded).get(doc);
    if (!e) e = doc.get_object().get(obj);
    if (e == simdjson::INCORRECT_TYPE) {
      f->error = "a trace line must be one JSON object";
      return;
    }
    if (e) {
      f->error = std::string("bad JSON: ") + simdjson::error_message(e);
      return;
    }
    ReadFields(obj, f, &order_);
    if (f->error.empty() && doc.current_location().error() == simdjson::SUCCESS)
      f->error = "bad JSON: more than one value on the line";
    f->Own();  // its text is in `padded`, gone on return
  }

  simdjson::ondemand::parser fast_{kFastCapacity};
  simdjson::ondemand::parser slow_;
  std::vector<ParsedLine> parsed_;  // the block's lines: [0, n_)
  KeyOrder order_;
  size_t n_ = 0;
};

}  // namespace

std::unique_ptr<BlockParser> NewBlockParser() {
  return std::make_unique<Parser>();
}

}  // namespace mmgate::trace::internal::MMGATE_TRACE_KERNEL
