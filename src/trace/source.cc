#include "trace/source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "trace/kernel.h"
#include "trace/reader.h"

namespace mmgate::trace::internal {

char* Buffer::Reserve(size_t n) {
  if (size_ + n + kPadding > cap_) {
    cap_ = std::max(2 * cap_, size_ + n + kPadding);
    std::unique_ptr<char[]> bigger(new char[cap_]);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
  }
  return data_.get() + size_;
}

void Buffer::Append(const char* p, size_t n) {
  if (n == 0) return;
  std::memcpy(Reserve(n), p, n);
  Grow(n);
}

void Buffer::Pad() { std::memset(Reserve(0), ' ', kPadding); }

namespace {

bool Blank(const char* b, const char* e) {
  for (; b < e; ++b)
    if (*b != ' ' && *b != '\t' && *b != '\r') return false;
  return true;
}

// Reads (and decompresses) into the caller's buffer; the partial line at a
// block's end is carried to the next.
class ReadSource final : public BlockSource {
 public:
  ReadSource(std::unique_ptr<ByteReader> reader, size_t block)
      : reader_(std::move(reader)), block_(block) {}

  bool Next(Buffer* out, std::string_view* block) override {
    if (done_) return false;
    out->Clear();
    out->Append(carry_.data(), carry_.size());
    carry_.Clear();
    for (;;) {
      auto r = reader_->Read(out->Reserve(block_), block_);
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
      carry_.Append(out->data() + end, out->size() - end);
      out->Truncate(end);
      out->Pad();
      *block = std::string_view(out->data(), end);
      return true;
    }
  }
  int64_t FileOffset() const override { return reader_->FileOffset(); }
  Status error() const override { return error_; }
  bool LeftoverBlank() const override {
    return Blank(carry_.data(), carry_.data() + carry_.size());
  }

 private:
  std::unique_ptr<ByteReader> reader_;
  size_t block_;
  Buffer carry_;
  Status error_;
  bool done_ = false;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// A plain file mapped read-only; blocks are views into the mapping, all but
// the last followed by the file's next bytes as simdjson's padding (read,
// never used to parse: simdjson documents that the padding's content does
// not matter).
class MappedSource final : public BlockSource {
 public:
  MappedSource(const char* data, size_t size, size_t block)
      : data_(data), size_(size), block_(block) {}
  ~MappedSource() override { ::munmap(const_cast<char*>(data_), size_); }

  bool Next(Buffer* scratch, std::string_view* block) override {
    if (pos_ >= size_) return false;
    size_t end = std::min(pos_ + block_, size_);
    if (end < size_) {
      const void* nl = memrchr(data_ + pos_, '\n', end - pos_);
      if (nl == nullptr) nl = std::memchr(data_ + end, '\n', size_ - end);
      end = nl ? static_cast<const char*>(nl) - data_ + 1 : size_;
    }
    *block = std::string_view(data_ + pos_, end - pos_);
    if (end + kPadding > size_) {
      // The mapping may end before the padding does.
      scratch->Clear();
      scratch->Append(block->data(), block->size());
      scratch->Pad();
      *block = std::string_view(scratch->data(), block->size());
    }
    pos_ = end;
    return true;
  }
  int64_t FileOffset() const override { return static_cast<int64_t>(pos_); }

 private:
  const char* data_;
  size_t size_;
  size_t block_;
  size_t pos_ = 0;
};

// The mapped source for a plain regular file; null when it is not one (a
// zstd file, an empty file, a pipe) or cannot be mapped.
std::unique_ptr<BlockSource> TryMap(const std::string& path, size_t block) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (f.fd < 0 || ::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size < 4)
    return nullptr;
  const size_t size = static_cast<size_t>(st.st_size);
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, f.fd, 0);
  if (p == MAP_FAILED) return nullptr;
  auto source =
      std::make_unique<MappedSource>(static_cast<const char*>(p), size, block);
  static const unsigned char kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
  if (std::memcmp(p, kZstdMagic, 4) == 0) return nullptr;
  // Read ahead: the blocks are taken from the start to the end.
  ::madvise(p, size, MADV_SEQUENTIAL);
  return source;
}

}  // namespace

Result<std::unique_ptr<BlockSource>> OpenBlockSource(const std::string& path,
                                                     size_t block) {
  if (auto mapped = TryMap(path, block)) return mapped;
  auto reader = OpenReader(path);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<BlockSource>(
      new ReadSource(std::move(*reader), block));
}

}  // namespace mmgate::trace::internal
