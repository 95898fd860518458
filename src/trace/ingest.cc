// IngestFile: blocks of whole lines go through simdjson's iterate_many; a
// block where anything is off (bad JSON, a line holding two objects or an
// object spread over lines) is parsed again line by line, so each problem is
// reported at its own line and the other lines of the block are kept.
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "trace/fields.h"
#include "trace/reader.h"
#include "trace/trace.h"

namespace mmgate::trace {
namespace {

namespace fs = std::filesystem;
using internal::LineFields;

constexpr size_t kBlock = 4 << 20;
constexpr size_t kBatch = 1 << 20;  // iterate_many's window

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

class Ingester {
 public:
  Ingester(const std::string& file, const IngestOptions& opt,
           const TraceSink& sink, IngestSummary* sum)
      : file_(file),
        folder_(fs::absolute(file).lexically_normal().parent_path().string()),
        opt_(opt),
        sink_(sink),
        sum_(sum) {}

  // Parses the whole lines in [data, data+len); data has simdjson padding.
  Status Block(const char* data, size_t len) {
    if (!FastBlock(data, len)) SlowBlock(data, len);
    for (size_t k = 0; k < n_; ++k)
      MMGATE_RETURN_IF_ERROR(Accept(&parsed_[k], texts_[k], lines_[k]));
    line_base_ += CountLines(data, len);
    return Status::Ok();
  }

  void Malformed(int64_t line, std::string id, const std::string& why) {
    sum_->malformed.push_back(
        {line, std::move(id),
         line > 0 ? file_ + ":" + std::to_string(line) + ": " + why : why});
  }
  int64_t line_base() const { return line_base_; }

  Status Flush() {
    if (batch_.empty()) return Status::Ok();
    Status st = sink_(&batch_);
    batch_.clear();
    return st;
  }

 private:
  static int64_t CountLines(const char* data, size_t len) {
    int64_t n = std::count(data, data + len, '\n');
    if (len > 0 && data[len - 1] != '\n') ++n;
    return n;
  }

  // The fast path: false when the block must be parsed line by line. Each
  // object's line number goes to lines_.
  bool FastBlock(const char* data, size_t len) {
    Restart();
    simdjson::ondemand::document_stream stream;
    // One window over the whole block: simdjson 3.0's document indexes are
    // not reliable across windows, and a block is only a few MiB.
    if (fast_.iterate_many(data, len, std::max(len, kBatch)).get(stream))
      return false;
    const char* cur = data;  // start of the line the cursor is on
    const char* end = data + len;
    int64_t line = line_base_ + 1;
    bool cur_has_doc = false;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      const char* doc = data + it.current_index();
      // simdjson 3.0 may end the stream with an empty document at the end
      // of the input (trailing whitespace); there is nothing after it.
      if (doc >= end) break;
      if (doc < cur) return false;
      // Move to the line holding `doc`; lines passed over must be blank.
      for (;;) {
        const char* nl = static_cast<const char*>(
            std::memchr(cur, '\n', static_cast<size_t>(end - cur)));
        const char* line_end = nl ? nl : end;
        if (doc < line_end) break;
        if (!cur_has_doc && !Blank(cur, line_end)) return false;
        cur = line_end + 1;
        ++line;
        cur_has_doc = false;
      }
      if (cur_has_doc || !Blank(cur, doc)) return false;
      cur_has_doc = true;
      const char* nl = static_cast<const char*>(
          std::memchr(doc, '\n', static_cast<size_t>(end - doc)));
      const std::string_view text =
          Trim(std::string_view(cur, (nl ? nl : end) - cur));
      simdjson::ondemand::document_reference d;
      simdjson::ondemand::object obj;
      if ((*it).get(d) || d.get_object().get(obj)) return false;
      LineFields& f = Next(line, text);
      internal::ReadFields(obj, &f);
      if (f.json_error) return false;
    }
    if (stream.truncated_bytes() != 0) return false;
    // The lines after the last object's must be blank too.
    const char* nl = static_cast<const char*>(
        std::memchr(cur, '\n', static_cast<size_t>(end - cur)));
    for (const char* p = nl ? nl + 1 : end; p < end;) {
      const char* q = static_cast<const char*>(
          std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (!Blank(p, q ? q : end)) return false;
      p = q ? q + 1 : end;
    }
    return n_ > 0 || Blank(data, end);
  }

  // The next parsed line's fields (buffers reused from earlier blocks).
  LineFields& Next(int64_t line, std::string_view text) {
    if (n_ == parsed_.size()) parsed_.emplace_back();
    lines_.push_back(line);
    texts_.push_back(text);
    LineFields& f = parsed_[n_++];
    f.Reset();
    return f;
  }
  void Restart() {
    n_ = 0;
    lines_.clear();
    texts_.clear();
  }

  void SlowBlock(const char* data, size_t len) {
    Restart();
    const char* end = data + len;
    int64_t line = line_base_;
    for (const char* p = data; p < end;) {
      const char* nl = static_cast<const char*>(
          std::memchr(p, '\n', static_cast<size_t>(end - p)));
      const char* line_end = nl ? nl : end;
      ++line;
      std::string_view text = Trim(std::string_view(p, line_end - p));
      p = nl ? nl + 1 : end;
      if (text.empty()) continue;
      LineFields& f = Next(line, text);
      ParseOneLine(text, &f);
    }
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
    internal::ReadFields(obj, f);
    if (f->error.empty() && doc.current_location().error() == simdjson::SUCCESS)
      f->error = "bad JSON: more than one value on the line";
  }

  // A parsed line becomes a record, or a problem when its fields are bad;
  // its media are checked.
  Status Accept(LineFields* f, std::string_view text, int64_t line) {
    ++sum_->lines;
    if (!f->error.empty()) {
      Malformed(line, f->record.trace_id, f->error);
      return Status::Ok();
    }
    if (opt_.check_media) CheckMedia(*f, line);
    f->record.inputs_ref = folder_;
    f->record.inputs_json.assign(text);
    ++sum_->traces;
    batch_.push_back(std::move(f->record));
    if (batch_.size() >= opt_.batch) return Flush();
    return Status::Ok();
  }

  void CheckMedia(const LineFields& f, int64_t line) {
    for (const std::string& rel : f.media_paths) {
      std::string why;
      const fs::path folder(folder_);
      const fs::path abs = (folder / rel).lexically_normal();
      auto [a, b] =
          std::mismatch(folder.begin(), folder.end(), abs.begin(), abs.end());
      std::error_code ec;
      if (fs::path(rel).is_absolute() || a != folder.end())
        why = "outside the trace file's folder";
      else if (!fs::is_regular_file(abs, ec))
        why = "no such file";
      if (why.empty()) continue;
      sum_->not_replayable.push_back(
          {line, f.record.trace_id,
           file_ + ":" + std::to_string(line) + ": trace " + f.record.trace_id +
               ": media " + rel + ": " + why + " (not replayable)"});
      return;
    }
  }

  std::string file_;
  std::string folder_;
  const IngestOptions& opt_;
  const TraceSink& sink_;
  IngestSummary* sum_;
  simdjson::ondemand::parser fast_{2 * kBlock};
  simdjson::ondemand::parser slow_;
  // The block's parsed lines: fields, text and line number.
  std::vector<LineFields> parsed_;
  size_t n_ = 0;
  std::vector<std::string_view> texts_;
  std::vector<int64_t> lines_;
  int64_t line_base_ = 0;  // lines before the current block
  std::vector<store::TraceRecord> batch_;
};

}  // namespace

Result<IngestSummary> IngestFile(const std::string& file,
                                 const IngestOptions& options,
                                 const TraceSink& sink) {
  auto reader = internal::OpenReader(file);
  if (!reader.ok()) return reader.status();
  IngestSummary sum;
  sum.file = file;
  Ingester in(file, options, sink, &sum);
  std::string buf;
  buf.reserve(2 * kBlock + simdjson::SIMDJSON_PADDING);
  Status read_error;
  for (bool more = true; more;) {
    auto r = (*reader)->Read(&buf, kBlock);
    if (!r.ok()) read_error = r.status();
    more = r.ok() && *r;
    size_t end = buf.size();
    if (more || !read_error.ok()) {
      const size_t nl = buf.rfind('\n');
      if (nl == std::string::npos && more) continue;
      end = nl == std::string::npos ? 0 : nl + 1;
    }
    sum.bytes += static_cast<int64_t>(end);
    const size_t size = buf.size();
    buf.append(simdjson::SIMDJSON_PADDING, ' ');
    MMGATE_RETURN_IF_ERROR(in.Block(buf.data(), end));
    buf.resize(size);
    buf.erase(0, end);
    if (options.progress) options.progress((*reader)->FileOffset(), sum.traces);
  }
  if (!read_error.ok()) {
    if (read_error.code() != StatusCode::kCorrupt) return read_error;
    if (!Blank(buf.data(), buf.data() + buf.size()))
      in.Malformed(in.line_base() + 1, "",
                   "line cut short by the truncated file");
    in.Malformed(0, "", read_error.message());
  }
  MMGATE_RETURN_IF_ERROR(in.Flush());
  return sum;
}

}  // namespace mmgate::trace
