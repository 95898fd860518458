#include "trace/reader.h"

#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace mmgate::trace::internal {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

struct DctxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

class PlainReader final : public ByteReader {
 public:
  PlainReader(std::string path, FilePtr f, std::string head)
      : path_(std::move(path)), f_(std::move(f)), head_(std::move(head)) {}

  Result<size_t> Read(char* dst, size_t max) override {
    const size_t head = std::min(head_.size(), max);
    std::memcpy(dst, head_.data(), head);
    head_.erase(0, head);
    const size_t n = head + std::fread(dst + head, 1, max - head, f_.get());
    offset_ += static_cast<int64_t>(n);
    if (n == 0 && std::ferror(f_.get()))
      return Status::IoError(path_ + ": read error: " + std::strerror(errno));
    return n;
  }
  int64_t FileOffset() const override { return offset_; }

 private:
  std::string path_;
  FilePtr f_;
  std::string head_;  // bytes read to sniff the format
  int64_t offset_ = 0;
};

class ZstdReader final : public ByteReader {
 public:
  ZstdReader(std::string path, FilePtr f, std::string head)
      : path_(std::move(path)),
        f_(std::move(f)),
        dctx_(ZSTD_createDCtx()),
        in_buf_(std::move(head)) {}

  Result<size_t> Read(char* dst, size_t max) override {
    if (!dctx_) return Status::Internal("zstd: cannot allocate a context");
    if (!pending_.ok()) return pending_;
    ZSTD_outBuffer o{dst, max, 0};
    while (o.pos == 0) {
      if (in_.pos == in_.size && !Refill()) break;
      const size_t r = ZSTD_decompressStream(dctx_.get(), &o, &in_);
      if (ZSTD_isError(r)) {
        Status st = Status::Corrupt(path_ + ": zstd: " + ZSTD_getErrorName(r) +
                                    " near byte " + std::to_string(Consumed()));
        if (o.pos == 0) return st;
        pending_ = std::move(st);  // the bytes before it first
        return o.pos;
      }
      frame_open_ = r != 0;
    }
    if (o.pos > 0) return o.pos;
    if (std::ferror(f_.get()))
      return Status::IoError(path_ + ": read error: " + std::strerror(errno));
    if (frame_open_)
      return Status::Corrupt(path_ + ": zstd stream cut short after " +
                             std::to_string(Consumed()) +
                             " compressed bytes (truncated file)");
    return size_t{0};
  }
  int64_t FileOffset() const override { return Consumed(); }

 private:
  int64_t Consumed() const {
    return file_read_ - static_cast<int64_t>(in_.size - in_.pos);
  }
  // Loads the next compressed block; false at end of file.
  bool Refill() {
    if (!in_buf_.empty() && first_) {
      first_ = false;
      file_read_ += static_cast<int64_t>(in_buf_.size());
    } else {
      in_buf_.resize(ZSTD_DStreamInSize());
      const size_t n = std::fread(in_buf_.data(), 1, in_buf_.size(), f_.get());
      in_buf_.resize(n);
      file_read_ += static_cast<int64_t>(n);
      if (n == 0) return false;
    }
    in_ = {in_buf_.data(), in_buf_.size(), 0};
    return true;
  }

  std::string path_;
  FilePtr f_;
  std::unique_ptr<ZSTD_DCtx, DctxFree> dctx_;
  std::string in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool first_ = true;
  bool frame_open_ = false;
  Status pending_;  // an error to report at the next Read
  int64_t file_read_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteReader>> OpenReader(const std::string& path) {
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f)
    return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  std::string head(4, '\0');
  head.resize(std::fread(head.data(), 1, 4, f.get()));
  static const unsigned char kMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
  if (head.size() == 4 && std::memcmp(head.data(), kMagic, 4) == 0)
    return std::unique_ptr<ByteReader>(
        new ZstdReader(path, std::move(f), std::move(head)));
  return std::unique_ptr<ByteReader>(
      new PlainReader(path, std::move(f), std::move(head)));
}

}  // namespace mmgate::trace::internal
