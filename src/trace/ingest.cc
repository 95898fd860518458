// IngestFile: reads the file in blocks of whole lines, has the block parser
// (kernel.h) read them, and hands the valid traces to the sink in batches.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "trace/kernel.h"
#include "trace/reader.h"
#include "trace/trace.h"

namespace mmgate::trace {
namespace {

namespace fs = std::filesystem;
using internal::BlockParser;
using internal::kPadding;
using internal::LineFields;
using internal::ParsedLine;

constexpr size_t kBlock = 1 << 20;  // bytes read at a time

bool Blank(const char* b, const char* e) {
  for (; b < e; ++b)
    if (*b != ' ' && *b != '\t' && *b != '\r') return false;
  return true;
}

// The bytes read and not yet parsed, with room for kPadding after them.
// Not a std::string: growing one zero-fills what the read then overwrites.
class Buffer {
 public:
  char* data() { return data_.get(); }
  size_t size() const { return size_; }
  // Room for `n` more bytes (and the padding) after the data.
  char* Reserve(size_t n) {
    if (size_ + n + kPadding > cap_) {
      cap_ = std::max(2 * cap_, size_ + n + kPadding);
      std::unique_ptr<char[]> bigger(new char[cap_]);
      std::memcpy(bigger.get(), data_.get(), size_);
      data_ = std::move(bigger);
    }
    return data_.get() + size_;
  }
  void Grow(size_t n) { size_ += n; }
  // Blanks the padding after the data.
  void Pad() { std::memset(data_.get() + size_, ' ', kPadding); }
  // Drops the first n bytes.
  void Consume(size_t n) {
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, cap_ = 0;
};

class Ingester {
 public:
  Ingester(const std::string& file, const IngestOptions& opt,
           const TraceSink& sink, std::unique_ptr<BlockParser> parser,
           IngestSummary* sum)
      : file_(file),
        folder_(fs::absolute(file).lexically_normal().parent_path().string()),
        opt_(opt),
        sink_(sink),
        parser_(std::move(parser)),
        sum_(sum) {}

  // Parses the whole lines in [data, data+len); kPadding bytes follow.
  Status Block(const char* data, size_t len) {
    internal::ParsedBlock b = parser_->Parse(data, len, line_base_);
    for (ParsedLine& p : b.lines) MMGATE_RETURN_IF_ERROR(Accept(&p));
    line_base_ += b.line_count;
    return Status::Ok();
  }

  void Malformed(int64_t line, std::string id, const std::string& why) {
    sum_->malformed.push_back(
        {line, std::move(id),
         line > 0 ? file_ + ":" + std::to_string(line) + ": " + why : why});
  }
  int64_t line_base() const { return line_base_; }

  Status Flush() {
    if (n_ == 0) return Status::Ok();
    batch_.resize(n_);
    n_ = 0;
    return sink_(&batch_);
  }

 private:
  // A parsed line becomes a record, or a problem when its fields are bad;
  // its media are checked. Batch slots are reused, so their strings keep
  // their buffers: no allocation a trace.
  Status Accept(ParsedLine* p) {
    ++sum_->lines;
    LineFields& f = p->fields;
    if (!f.error.empty()) {
      Malformed(p->line, f.trace_id, f.error);
      return Status::Ok();
    }
    if (opt_.check_media) CheckMedia(f, p->line);
    if (n_ == batch_.size()) batch_.emplace_back();
    store::TraceRecord& r = batch_[n_++];
    r.trace_id.assign(f.trace_id);
    r.created_ms = f.created_ms;
    r.model_version.assign(f.model_version);
    r.decision.assign(f.decision);
    r.category.assign(f.category);
    r.outcome.assign(f.outcome);
    r.request_hash.assign(f.request_hash);
    r.inputs_ref.assign(folder_);
    r.inputs_json.assign(p->text);
    ++sum_->traces;
    if (n_ >= opt_.batch) return Flush();
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
          {line, f.trace_id,
           file_ + ":" + std::to_string(line) + ": trace " + f.trace_id +
               ": media " + rel + ": " + why + " (not replayable)"});
      return;
    }
  }

  std::string file_;
  std::string folder_;
  const IngestOptions& opt_;
  const TraceSink& sink_;
  std::unique_ptr<BlockParser> parser_;
  IngestSummary* sum_;
  int64_t line_base_ = 0;  // lines before the current block
  // Records [0, n_) are the batch; the ones after keep their buffers.
  std::vector<store::TraceRecord> batch_;
  size_t n_ = 0;
};

}  // namespace

Result<IngestSummary> IngestFile(const std::string& file,
                                 const IngestOptions& options,
                                 const TraceSink& sink) {
  auto parser = internal::NewBlockParser(options.parser);
  if (!parser.ok()) return parser.status();
  auto reader = internal::OpenReader(file);
  if (!reader.ok()) return reader.status();
  IngestSummary sum;
  sum.file = file;
  sum.parser =
      options.parser == ParserIsa::kAuto ? BestParserIsa() : options.parser;
  Ingester in(file, options, sink, std::move(*parser), &sum);
  Buffer buf;
  Status read_error;
  for (bool more = true; more;) {
    auto r = (*reader)->Read(buf.Reserve(kBlock), kBlock);
    if (!r.ok()) read_error = r.status();
    more = r.ok() && *r > 0;
    if (more) buf.Grow(*r);
    size_t end = buf.size();
    if (more || !read_error.ok()) {
      // Whole lines only; the rest waits for the next read.
      const void* nl = memrchr(buf.data(), '\n', buf.size());
      if (nl == nullptr && more) continue;
      end = nl ? static_cast<const char*>(nl) - buf.data() + 1 : 0;
    }
    sum.bytes += static_cast<int64_t>(end);
    buf.Pad();
    MMGATE_RETURN_IF_ERROR(in.Block(buf.data(), end));
    buf.Consume(end);
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
