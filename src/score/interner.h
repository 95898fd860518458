// String interning for transcript scoring: maps each distinct word (or
// utterance id) to a dense uint32 id so alignment compares integers.
// Open addressing with the hash tag and id packed in one word per slot, and
// the distinct keys copied into one small arena: a lookup touches two cache
// lines that stay hot, instead of the far-away first occurrence of the word in
// a large file, and nothing is allocated per key.
#ifndef MMGATE_SCORE_INTERNER_H_
#define MMGATE_SCORE_INTERNER_H_

#include <algorithm>
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
    slots_.assign(capacity, Slot{});
    entries_.reserve(expected_keys);
  }

  // Makes room for `keys` keys in all without growing on the way.
  void Reserve(size_t keys) {
    while (keys * 2 > slots_.size()) Grow();
  }

  // A key with its hash computed, so a caller can prefetch the slots of a
  // batch of keys before interning them one by one (the table lookups are
  // cache misses for rare words; issued together, they overlap).
  struct Key {
    std::string_view text;
    uint64_t head;
    uint64_t tail;
    uint64_t hash;
  };
  static Key MakeKey(std::string_view text) {
    const Packed p = Pack(text);
    return {text, p.head, p.tail, Hash(text, p)};
  }
  void Prefetch(const Key& key) const {
    __builtin_prefetch(&slots_[key.hash & (slots_.size() - 1)]);
  }

  // The id of `key`, added if new.
  uint32_t Intern(std::string_view key) { return Intern(MakeKey(key)); }
  uint32_t Intern(const Key& key) {
    const uint32_t check = Check(key.hash, key.text.size());
    size_t i = key.hash & (slots_.size() - 1);
    while (slots_[i].id_plus_one != 0) {
      const Slot& s = slots_[i];
      if (s.check == check && s.head == key.head &&
          Equal(s.id_plus_one - 1, key)) {
        return s.id_plus_one - 1;
      }
      i = (i + 1) & (slots_.size() - 1);
    }
    const auto id = static_cast<uint32_t>(entries_.size());
    entries_.push_back({static_cast<uint32_t>(arena_.size()), key.tail});
    arena_.append(key.text);
    slots_[i] = {id + 1, check, key.head};
    if (entries_.size() * 2 > slots_.size()) Grow();
    return id;
  }

  uint32_t Find(std::string_view text) const {
    const Key key = MakeKey(text);
    const uint32_t check = Check(key.hash, key.text.size());
    size_t i = key.hash & (slots_.size() - 1);
    while (slots_[i].id_plus_one != 0) {
      const Slot& s = slots_[i];
      if (s.check == check && s.head == key.head &&
          Equal(s.id_plus_one - 1, key)) {
        return s.id_plus_one - 1;
      }
      i = (i + 1) & (slots_.size() - 1);
    }
    return kNotFound;
  }

  // Valid until the next Intern.
  std::string_view key(uint32_t id) const {
    const uint32_t end = id + 1 < entries_.size()
                             ? entries_[id + 1].offset
                             : static_cast<uint32_t>(arena_.size());
    return std::string_view(arena_).substr(entries_[id].offset,
                                           end - entries_[id].offset);
  }
  size_t size() const { return entries_.size(); }

 private:
  // The first and last 8 bytes of a key (overlapping when shorter than 16),
  // loaded without a variable-length memcpy call. For keys of up to 16
  // bytes, equal length and equal words mean equal keys.
  struct Packed {
    uint64_t head;
    uint64_t tail;
  };

  // A slot holds what decides most lookups by itself: the id, 24 hash bits
  // with the key length (capped at 255), and the key's first 8 bytes. A key
  // of up to 8 bytes is found in one memory access; longer keys also check
  // their entry.
  struct Slot {
    uint32_t id_plus_one = 0;  // 0: empty
    uint32_t check = 0;
    uint64_t head = 0;
  };
  struct Entry {
    uint32_t offset;  // in arena_; the key ends where the next one starts
    uint64_t tail;
  };

  static uint32_t Check(uint64_t hash, size_t length) {
    return static_cast<uint32_t>(hash >> 40) << 8 |
           static_cast<uint32_t>(std::min<size_t>(length, 255));
  }

  static Packed Pack(std::string_view key) {
    const char* p = key.data();
    const size_t len = key.size();
    Packed out{0, 0};
    if (len >= 8) {
      std::memcpy(&out.head, p, 8);
      std::memcpy(&out.tail, p + len - 8, 8);
    } else if (len >= 4) {
      uint32_t lo;
      uint32_t hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + len - 4, 4);
      out.head = lo | (static_cast<uint64_t>(hi) << 32);
    } else if (len > 0) {
      out.head =
          static_cast<unsigned char>(p[0]) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[len / 2])) << 8) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[len - 1])) << 16);
    }
    return out;
  }

  static uint64_t Hash(std::string_view key, const Packed& packed) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ key.size();
    // Middle bytes of long keys; the ends are in `packed`.
    for (size_t at = 8; at + 8 < key.size(); at += 8) {
      uint64_t v;
      std::memcpy(&v, key.data() + at, 8);
      h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 32;
    }
    h = (h ^ packed.head) * 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 29;
    h = (h ^ packed.tail) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
  }

  // Called once length (up to 255) and head already match.
  bool Equal(uint32_t id, const Key& k) const {
    const size_t len = k.text.size();
    if (len <= 8) return true;
    const Entry& e = entries_[id];
    if (e.tail != k.tail) return false;
    return len <= 16 ||
           (key(id).size() == len &&
            std::memcmp(arena_.data() + e.offset, k.text.data(), len) == 0);
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.id_plus_one == 0) continue;
      const std::string_view k = key(s.id_plus_one - 1);
      size_t i = Hash(k, Pack(k)) & (slots_.size() - 1);
      while (slots_[i].id_plus_one != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::string arena_;
};

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_INTERNER_H_
