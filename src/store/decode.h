// What every Store backend shares above its SQL: encoding the JSON columns,
// decoding them defensively on read (a malformed value becomes an error on
// its one record) and following rescore lineages. Private to src/store/.
// Pure functions: thread-safe, never throw.
#ifndef MMGATE_STORE_DECODE_H_
#define MMGATE_STORE_DECODE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/gate_run.h"
#include "store/records.h"

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace mmgate::store::internal {

// The stored text of run_suites.metrics_json and items.slices_json.
std::string EncodeMetrics(const std::vector<std::string>& metrics);
std::string EncodeSlices(
    const std::vector<std::pair<std::string, std::string>>& slices);
Result<std::vector<std::pair<std::string, std::string>>> DecodeSlices(
    const std::string& text);

// Sets s->metrics from metrics_json, or, when it cannot be decoded, the
// primary metric alone and s->decode_error naming run, suite and column.
void DecodeSuiteMetrics(const std::string& run_id,
                        const std::string& metrics_json, SuiteRecord* s);

// Sets res->item.slices from slices_json and checks the JSON columns handed
// on undecoded. A column that cannot be decoded turns the item's response
// into a kCorruptRowKind error naming run, suite, item and column; what was
// paid for it (cost, tokens, attempts) stays.
void DecodeItem(const std::string& run_id, const std::string& slices_json,
                ItemResult* res);

// Decodes the rows of Store::LoadGateResults: DecodeItem's checks and
// errors, with the JSON columns the gate never reads given as views that are
// checked, not kept, and each distinct slices text decoded once (a million
// items share a few hundred). One per load: not thread-safe.
class GateRowDecoder {
 public:
  explicit GateRowDecoder(std::string run_id);
  ~GateRowDecoder();

  // Sets res->item.slices, or turns the response into a kCorruptRowKind
  // error exactly as DecodeItem does; repeats_json is checked only when the
  // item has a response.
  void Decode(std::string_view slices_json, std::string_view reference_json,
              std::string_view media_json, std::string_view repeats_json,
              ItemResult* res);

  // Decode in two steps into a GateRun (gate_run.h), for a load that reads
  // an item's response after the item: CheckItem sets *slices (each
  // distinct text made once in `run`, which must be the same for every
  // call) and checks the item's JSON columns, CheckRepeats a response's;
  // each returns what failed with the column in `column`, for CorruptError
  // once the response is read.
  Status CheckItem(std::string_view slices_json,
                   std::string_view reference_json, std::string_view media_json,
                   GateRun* run, std::span<const GateSlice>* slices,
                   std::string* column);
  Status CheckRepeats(std::string_view repeats_json, std::string* column);
  void MarkCorrupt(const std::string& column, const Status& bad,
                   ItemResult* res) const;
  // The error a corrupt item's response carries (MarkCorrupt's).
  std::string CorruptError(std::string_view suite, std::string_view item_id,
                           const std::string& column, const Status& bad) const;

 private:
  using Slices = std::vector<std::pair<std::string, std::string>>;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::string run_id_;
  // Reused across rows: it keeps its buffers (simdjson, kept out of this
  // header).
  std::unique_ptr<simdjson::dom::parser> parser_;
  struct Decoded {
    Result<Slices> slices;
    std::span<const GateSlice> in_run;  // made by CheckItem on first use
    bool made = false;
  };
  Decoded& Find(std::string_view slices_json);
  std::unordered_map<std::string, Decoded, Hash, std::equal_to<>> slices_;
  // The last row's entry of slices_ (an element's address survives a
  // rehash).
  std::pair<const std::string, Decoded>* last_ = nullptr;
};

// Run id -> its lineage, the run that called the model, found by following
// `source` (run id -> source_run, empty for none) through chains. A source
// that is no longer stored is a lineage of its own; a cycle (never written
// by mmgate) stops where it closes.
std::map<std::string, std::string> LineageRoots(
    const std::map<std::string, std::string>& source);

// "batch B of run R": how errors about a lease name it.
std::string LeaseName(const std::string& run_id, const std::string& batch_id);
// A claim's arguments (`what` names the batch or run): every claim needs an
// owner and a positive ttl.
Status CheckClaim(const std::string& what, const std::string& owner,
                  int64_t ttl_ms);

}  // namespace mmgate::store::internal

#endif  // MMGATE_STORE_DECODE_H_
