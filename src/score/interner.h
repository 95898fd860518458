// String interning for transcript scoring: maps each distinct word (or
// utterance id) to a dense uint32 id so alignment compares integers.
// Open addressing with the hash tag and id packed in one word per slot, and
// the distinct keys copied into one small arena: a lookup touches two cache
// lines that stay hot, instead of the far-away first occurrence of the word in
// a large file, and nothing is allocated per key.
#ifndef MMGATE_SCORE_INTERNER_H_
#define MMGATE_SCORE_INTERNER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace mmgate::score {

class Interner {
 public:
  static constexpr uint32_t kNotFound = 0xFFFFFFFF;

  explicit Interner(size_t expected_keys = 1024) {
    size_t capacity = 16;
    while (capacity < expected_keys * 2) capacity *= 2;
    slots_.assign(capacity, 0);
    entries_.reserve(expected_keys);
  }

  // The id of `key`, added if new.
  uint32_t Intern(std::string_view key) {
    const uint64_t h = Hash(key);
    size_t i = h & (slots_.size() - 1);
    const uint64_t tag = h >> 32;
    while (true) {
      const uint64_t slot = slots_[i];
      if (slot == 0) break;
      if ((slot >> 32) == tag) {
        const auto id = static_cast<uint32_t>(slot) - 1;
        if (Equal(id, key)) return id;
      }
      i = (i + 1) & (slots_.size() - 1);
    }
    const auto id = static_cast<uint32_t>(entries_.size());
    entries_.push_back({static_cast<uint32_t>(arena_.size()),
                        static_cast<uint32_t>(key.size()),
                        key.size() <= 8 ? Pack(key) : 0});
    arena_.append(key);
    slots_[i] = (tag << 32) | (static_cast<uint64_t>(id) + 1);
    if (entries_.size() * 2 > slots_.size()) Grow();
    return id;
  }

  uint32_t Find(std::string_view key) const {
    const uint64_t h = Hash(key);
    size_t i = h & (slots_.size() - 1);
    const uint64_t tag = h >> 32;
    while (true) {
      const uint64_t slot = slots_[i];
      if (slot == 0) return kNotFound;
      if ((slot >> 32) == tag) {
        const auto id = static_cast<uint32_t>(slot) - 1;
        if (Equal(id, key)) return id;
      }
      i = (i + 1) & (slots_.size() - 1);
    }
  }

  // Valid until the next Intern.
  std::string_view key(uint32_t id) const {
    return std::string_view(arena_).substr(entries_[id].offset,
                                           entries_[id].length);
  }
  size_t size() const { return entries_.size(); }

  static uint64_t Hash(std::string_view key) {
    const char* p = key.data();
    size_t len = key.size();
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len;
    while (len > 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 32;
      p += 8;
      len -= 8;
    }
    h = (h ^ Pack(std::string_view(p, len))) * 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return h;
  }

  // All bytes of a key of up to 8 bytes in one word, without a
  // variable-length memcpy call: two overlapping 4-byte loads, or three
  // single bytes. Two keys of the same length <= 8 are equal exactly when
  // their packed words are.
  static uint64_t Pack(std::string_view key) {
    const char* p = key.data();
    const size_t len = key.size();
    if (len >= 4) {
      uint32_t lo;
      uint32_t hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + len - 4, 4);
      return lo | (static_cast<uint64_t>(hi) << 32);
    }
    if (len == 0) return 0;
    return static_cast<unsigned char>(p[0]) |
           (static_cast<uint64_t>(static_cast<unsigned char>(p[len / 2]))
            << 8) |
           (static_cast<uint64_t>(static_cast<unsigned char>(p[len - 1]))
            << 16);
  }

 private:
  void Grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, 0);
    for (uint64_t slot : old) {
      if (slot == 0) continue;
      const uint64_t h = Hash(key(static_cast<uint32_t>(slot) - 1));
      size_t i = h & (slots_.size() - 1);
      while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = slot;
    }
  }

  bool Equal(uint32_t id, std::string_view k) const {
    const Entry& e = entries_[id];
    if (e.length != k.size()) return false;
    if (k.size() <= 8) return e.packed == Pack(k);
    return std::memcmp(arena_.data() + e.offset, k.data(), k.size()) == 0;
  }

  struct Entry {
    uint32_t offset;
    uint32_t length;
    uint64_t packed;  // Pack(key) for keys of up to 8 bytes
  };
  std::vector<uint64_t> slots_;
  std::vector<Entry> entries_;
  std::string arena_;
};

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_INTERNER_H_
