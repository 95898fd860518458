#ifndef MMGATE_COMMON_HASH_H_
#define MMGATE_COMMON_HASH_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate {

// Incremental SHA-256. Feed() length-prefixes each part so that ("ab","c")
// and ("a","bc") hash differently.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Feed(std::string_view part);
  // Feeds the file's bytes (length-prefixed like Feed).
  Status FeedFile(const std::string& path);
  std::string HexDigest();  // finishes the hash

 private:
  void Raw(const void* data, size_t n);
  void* ctx_;  // EVP_MD_CTX*, kept opaque so OpenSSL stays out of this header
};

std::string Sha256Hex(std::string_view data);

}  // namespace mmgate

#endif  // MMGATE_COMMON_HASH_H_
