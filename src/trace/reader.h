// Internal to trace/: a file's bytes in blocks, decompressed on the fly when
// it is zstd (by magic number, whatever its name).
#ifndef MMGATE_TRACE_READER_H_
#define MMGATE_TRACE_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace mmgate::trace::internal {

class ByteReader {
 public:
  virtual ~ByteReader() = default;
  // Appends up to about `max` bytes to *out; false at the end of the data.
  // A read error or a zstd frame cut short is an error naming the file.
  virtual Result<bool> Read(std::string* out, size_t max) = 0;
  // Bytes consumed from the file so far (compressed bytes for zstd).
  virtual int64_t FileOffset() const = 0;
};

// Opens `path`; an unreadable file is an IoError naming it.
Result<std::unique_ptr<ByteReader>> OpenReader(const std::string& path);

}  // namespace mmgate::trace::internal

#endif  // MMGATE_TRACE_READER_H_
