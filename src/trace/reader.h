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
  // Writes up to `max` bytes (max >= 4) to dst; returns how many, 0 at the
  // end of the data. A read error or a zstd frame cut short is an error
  // naming the file.
  virtual Result<size_t> Read(char* dst, size_t max) = 0;
  // Bytes consumed from the file so far (compressed bytes for zstd).
  virtual int64_t FileOffset() const = 0;
};

// Opens `path`; an unreadable file is an IoError naming it.
Result<std::unique_ptr<ByteReader>> OpenReader(const std::string& path);

}  // namespace mmgate::trace::internal

#endif  // MMGATE_TRACE_READER_H_
