// IngestFile: reads the file in blocks of whole lines, has the block parser
// (kernel.h) read them, two blocks at a time on two threads, and hands the
// valid traces to the sink in batches, in file order.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <future>

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
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  // Room for `n` more bytes (and the padding) after the data.
  char* Reserve(size_t n) {
    if (size_ + n + kPadding > cap_) {
      cap_ = std::max(2 * cap_, size_ + n + kPadding);
      std::unique_ptr<char[]> bigger(new char[cap_]);
      if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
      data_ = std::move(bigger);
    }
    return data_.get() + size_;
  }
  void Grow(size_t n) { size_ += n; }
  // Blanks the padding after the data.
  void Pad() { std::memset(Reserve(0), ' ', kPadding); }
  void Truncate(size_t n) { size_ = n; }
  void Clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, cap_ = 0;
};

// Cuts the reader's bytes into blocks of whole lines (the last one may lack
// its newline); the partial line at a block's end is carried to the next.
class BlockReader {
 public:
  explicit BlockReader(internal::ByteReader* reader) : reader_(reader) {}

  bool done() const { return done_; }
  // The read error that ended the data (ok at a clean end).
  const Status& error() const { return error_; }
  // Whether the bytes left after the last block, when a read error ended
  // the data, are blank.
  bool LeftoverBlank() const {
    return Blank(carry_.data(), carry_.data() + carry_.size());
  }

  // Fills *out with the next block, padded, and returns its length (0 when
  // the data ends without one).
  size_t Next(Buffer* out) {
    out->Clear();
    Append(carry_.data(), carry_.size(), out);
    carry_.Clear();
    for (;;) {
      auto r = reader_->Read(out->Reserve(kBlock), kBlock);
      if (!r.ok()) error_ = r.status();
      const bool more = r.ok() && *r > 0;
      if (more) out->Grow(*r);
      size_t end = out->size();
      if (more || !error_.ok()) {
        // Whole lines only; the rest waits for the next block.
        const void* nl = memrchr(out->data(), '\n', out->size());
        if (nl == nullptr && more) continue;
        end = nl ? static_cast<const char*>(nl) - out->data() + 1 : 0;
      }
      done_ = !more;
      Append(out->data() + end, out->size() - end, &carry_);
      out->Truncate(end);
      out->Pad();
      return end;
    }
  }

 private:
  static void Append(const char* p, size_t n, Buffer* to) {
    if (n == 0) return;
    std::memcpy(to->Reserve(n), p, n);
    to->Grow(n);
  }

  internal::ByteReader* reader_;
  Buffer carry_;
  Status error_;
  bool done_ = false;
};

class Ingester {
 public:
  Ingester(const std::string& file, const IngestOptions& opt,
           const TraceSink& sink, IngestSummary* sum)
      : file_(file),
        folder_(fs::absolute(file).lexically_normal().parent_path().string()),
        opt_(opt),
        sink_(sink),
        sum_(sum) {}

  // Takes a parsed block's lines, the block after the ones taken so far.
  Status Block(const internal::ParsedBlock& b) {
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
    const int64_t line = line_base_ + p->line;
    LineFields& f = p->fields;
    if (!f.error.empty()) {
      Malformed(line, f.trace_id, f.error);
      return Status::Ok();
    }
    if (opt_.check_media) CheckMedia(f, line);
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
  std::unique_ptr<BlockParser> parsers[2];
  for (auto& p : parsers) {
    auto made = internal::NewBlockParser(options.parser);
    if (!made.ok()) return made.status();
    p = std::move(*made);
  }
  auto reader = internal::OpenReader(file);
  if (!reader.ok()) return reader.status();
  IngestSummary sum;
  sum.file = file;
  sum.parser =
      options.parser == ParserIsa::kAuto ? BestParserIsa() : options.parser;
  Ingester in(file, options, sink, &sum);
  BlockReader blocks(reader->get());
  Buffer bufs[2];
  // Two blocks at a time: the first parsed on a second thread (threads > 1)
  // while this one reads and parses the second; their lines are then taken
  // in order.
  auto parse = [&](int k, size_t len) {
    return len > 0 ? parsers[k]->Parse(bufs[k].data(), len)
                   : internal::ParsedBlock{};
  };
  while (!blocks.done()) {
    const size_t len0 = blocks.Next(&bufs[0]);
    std::future<internal::ParsedBlock> first = std::async(
        options.threads > 1 ? std::launch::async : std::launch::deferred, parse,
        0, len0);
    const size_t len1 = blocks.done() ? 0 : blocks.Next(&bufs[1]);
    const internal::ParsedBlock second = parse(1, len1);
    MMGATE_RETURN_IF_ERROR(in.Block(first.get()));
    MMGATE_RETURN_IF_ERROR(in.Block(second));
    sum.bytes += static_cast<int64_t>(len0 + len1);
    if (options.progress) options.progress((*reader)->FileOffset(), sum.traces);
  }
  const Status& read_error = blocks.error();
  if (!read_error.ok()) {
    if (read_error.code() != StatusCode::kCorrupt) return read_error;
    if (!blocks.LeftoverBlank())
      in.Malformed(in.line_base() + 1, "",
                   "line cut short by the truncated file");
    in.Malformed(0, "", read_error.message());
  }
  MMGATE_RETURN_IF_ERROR(in.Flush());
  return sum;
}

}  // namespace mmgate::trace
