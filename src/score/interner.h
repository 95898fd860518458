// String interning for transcript scoring: maps each distinct word (or
// utterance id) to a dense uint32 id so alignment compares integers.
//
// Open addressing over 24-byte slots that hold the id, 24 hash bits with the
// key's length, and the key's first 16 bytes: a key of up to 16 bytes (nearly
// every word) is found or rejected from its slot alone, without branching on
// its length. Longer keys are compared against a copy in one arena. Nothing
// is allocated per key.
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
  // Bytes that must be readable after a key passed to MakePaddedKey.
  static constexpr size_t kPadding = 16;

  explicit Interner(size_t expected_keys = 1024) {
    size_t capacity = 16;
    while (capacity * 3 < expected_keys * 4) capacity *= 2;
    slots_.assign(capacity, Slot{});
  }

  // A key with its packed bytes and hash computed.
  struct Key {
    std::string_view text;
    uint64_t head;  // bytes 0-7, zero beyond the key's end
    uint64_t tail;  // bytes 8-15, likewise
    uint64_t hash;
  };
  static Key MakeKey(std::string_view text) {
    char padded[16] = {};
    // An empty view may hold a null pointer, which memcpy may not be given
    // even for zero bytes (found by tests/fuzz's trn target).
    if (!text.empty())
      std::memcpy(padded, text.data(), std::min<size_t>(text.size(), 16));
    return MakePaddedKey(text, padded);
  }
  // As MakeKey, for a key followed by at least kPadding readable bytes:
  // loads 16 bytes and masks off what is beyond the key.
  static Key MakePaddedKey(std::string_view text) {
    return MakePaddedKey(text, text.data());
  }

  // The id of `key`, added if new.
  uint32_t Intern(std::string_view key) { return Intern(MakeKey(key)); }
  uint32_t Intern(const Key& key) {
    const uint32_t check = Check(key);
    size_t i = key.hash & (slots_.size() - 1);
    while (slots_[i].id_plus_one != 0) {
      if (Matches(slots_[i], check, key)) return slots_[i].id_plus_one - 1;
      i = (i + 1) & (slots_.size() - 1);
    }
    const auto id = static_cast<uint32_t>(offsets_.size());
    offsets_.push_back(static_cast<uint32_t>(arena_.size()));
    hashes_.push_back(key.hash);
    arena_.append(key.text);
    slots_[i] = {id + 1, check, key.head, key.tail};
    if (offsets_.size() * 4 > slots_.size() * 3) Grow();
    return id;
  }

  uint32_t Find(std::string_view text) const {
    const Key key = MakeKey(text);
    const uint32_t check = Check(key);
    size_t i = key.hash & (slots_.size() - 1);
    while (slots_[i].id_plus_one != 0) {
      if (Matches(slots_[i], check, key)) return slots_[i].id_plus_one - 1;
      i = (i + 1) & (slots_.size() - 1);
    }
    return kNotFound;
  }

  // Valid until the next Intern.
  std::string_view key(uint32_t id) const {
    const uint32_t end = id + 1 < offsets_.size()
                             ? offsets_[id + 1]
                             : static_cast<uint32_t>(arena_.size());
    return std::string_view(arena_).substr(offsets_[id], end - offsets_[id]);
  }
  size_t size() const { return offsets_.size(); }

 private:
  struct Slot {
    uint32_t id_plus_one = 0;  // 0: empty
    uint32_t check = 0;        // 24 hash bits, then the length capped at 255
    uint64_t head = 0;
    uint64_t tail = 0;
  };

  static Key MakePaddedKey(std::string_view text, const char* bytes) {
    const size_t len = text.size();
    uint64_t head;
    uint64_t tail;
    std::memcpy(&head, bytes, 8);
    std::memcpy(&tail, bytes + 8, 8);
    // Keep the first min(len, 8) and then min(len - 8, 8) bytes.
    const size_t head_bits = std::min<size_t>(len, 8) * 8;
    const size_t tail_bits =
        (std::min<size_t>(len, 16) - std::min<size_t>(len, 8)) * 8;
    head &= head_bits == 64 ? ~0ULL : (1ULL << head_bits) - 1;
    tail &= tail_bits == 64 ? ~0ULL : (1ULL << tail_bits) - 1;
    uint64_t h = len * 0x9E3779B97F4A7C15ULL;
    for (size_t at = 16; at < len; at += 8) {  // the rest of long keys
      uint64_t v = 0;
      std::memcpy(&v, text.data() + at, std::min<size_t>(len - at, 8));
      h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 32;
    }
    // The two halves are multiplied independently, so a short key costs one
    // multiplication's latency; folding the high half down mixes the low
    // bits that pick the slot.
    h ^= head * 0xC4CEB9FE1A85EC53ULL;
    h ^= tail * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
    return {text, head, tail, h};
  }

  static uint32_t Check(const Key& key) {
    return static_cast<uint32_t>(key.hash >> 40) << 8 |
           static_cast<uint32_t>(std::min<size_t>(key.text.size(), 255));
  }

  bool Matches(const Slot& s, uint32_t check, const Key& k) const {
    if (s.check != check || s.head != k.head || s.tail != k.tail) return false;
    const size_t len = k.text.size();
    return len <= 16 ||
           (key(s.id_plus_one - 1).size() == len &&
            std::memcmp(arena_.data() + offsets_[s.id_plus_one - 1],
                        k.text.data(), len) == 0);
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.id_plus_one == 0) continue;
      size_t i = hashes_[s.id_plus_one - 1] & (slots_.size() - 1);
      while (slots_[i].id_plus_one != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  // Key i is arena_[offsets_[i], offsets_[i + 1]).
  std::vector<uint32_t> offsets_;
  std::vector<uint64_t> hashes_;  // kept so that growing does not rehash
  std::string arena_;
};

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_INTERNER_H_
