// Internal to trace/: a trace file cut into blocks of whole lines for the
// block parser (kernel.h). A plain file is mapped and its blocks are parsed
// in place (no read, no copy); a zstd file, or one that cannot be mapped (a
// pipe), is read and decompressed into the caller's buffers (reader.h).
//
// Failure behaviour: a file that cannot be opened is an IoError naming it; a
// read error or a zstd stream cut short ends the blocks and is kept in
// error(). Thread-safety: one thread calls Next(); the blocks it returns may
// be parsed on any thread while the source lives.
#ifndef MMGATE_TRACE_SOURCE_H_
#define MMGATE_TRACE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::trace::internal {

// Bytes with room for kPadding after them. Not a std::string: growing one
// zero-fills what the read then overwrites.
class Buffer {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  // Room for `n` more bytes (and the padding) after the data.
  char* Reserve(size_t n);
  void Grow(size_t n) { size_ += n; }
  void Append(const char* p, size_t n);
  // Blanks the padding after the data.
  void Pad();
  void Truncate(size_t n) { size_ = n; }
  void Clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, cap_ = 0;
};

class BlockSource {
 public:
  virtual ~BlockSource() = default;
  // The next block of whole lines (the file's last may lack its newline),
  // with kPadding readable bytes after it: in place, or in *scratch, which
  // then must live as long as the block. False when no block is left; a
  // block may be empty.
  virtual bool Next(Buffer* scratch, std::string_view* block) = 0;
  // Bytes consumed from the file so far (compressed bytes for zstd).
  virtual int64_t FileOffset() const = 0;
  // The read error that ended the blocks (ok at a clean end).
  virtual Status error() const { return Status::Ok(); }
  // Whether the bytes left after the last block, when a read error ended
  // them, are blank.
  virtual bool LeftoverBlank() const { return true; }
};

// Blocks of about `block` bytes (longer when a line is).
Result<std::unique_ptr<BlockSource>> OpenBlockSource(const std::string& path,
                                                     size_t block);

}  // namespace mmgate::trace::internal

#endif  // MMGATE_TRACE_SOURCE_H_
