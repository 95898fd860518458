// Production traces (docs/traces.md): one JSON object per line of a .jsonl
// or .jsonl.zst file, mapped (zstd: decompressed while read) and parsed
// with simdjson's iterate_many. Each valid line becomes a store::TraceRecord
// whose inputs_json is the line itself; the fields a replay needs are read
// back from it by ParseInputs().
//
// Failure behaviour: a file that cannot be opened is an IoError. A malformed
// line (bad JSON, two objects on a line, a missing or mistyped field) is a
// problem naming file:line and is skipped; the lines around it are kept. A
// .zst file cut short is a problem too (its complete lines are kept). A
// trace whose media file is gone (or that points outside the trace file's
// folder) is kept but listed as not replayable with the reason.
//
// Thread-safety: the functions share no state; call them from any thread.
// IngestFile may parse on threads of its own (IngestOptions); the sink is
// only called from the calling thread. A plain file truncated by another
// process while it is read ends the process (SIGBUS: it is mapped).
#ifndef MMGATE_TRACE_TRACE_H_
#define MMGATE_TRACE_TRACE_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/records.h"
#include "trace/time.h"  // ParseRfc3339, FormatRfc3339

namespace mmgate::trace {

// The compiled copies of the trace parser. They behave the same; kHaswell
// (x86-64 builds) is compiled for AVX2, BMI1/2, LZCNT, PCLMUL and POPCNT.
enum class ParserIsa { kAuto, kBaseline, kHaswell };

// What kAuto picks here: kHaswell when the build has it and the CPU (and
// the OS, for AVX) supports it, else kBaseline.
ParserIsa BestParserIsa();
std::string_view ParserIsaName(ParserIsa isa);  // "auto", "baseline"...

// A line that was skipped, or a trace that cannot be replayed.
struct TraceProblem {
  int64_t line = 0;      // 1-based; 0: the file as a whole
  std::string trace_id;  // empty when the line had no readable id
  std::string message;   // "FILE:LINE: ..." for the user
};

struct IngestOptions {
  // Check that every media file a trace names exists (not replayable if
  // not). Off for benchmarks of the parser alone.
  bool check_media = true;
  // Most traces handed to the sink at a time (a block's traces, about
  // 1 MiB of lines, go together when fewer).
  size_t batch = 8192;
  // The parser copy; tests and benchmarks compare them. kHaswell where
  // BestParserIsa() is not kHaswell is an Invalid error.
  ParserIsa parser = ParserIsa::kAuto;
  // N > 1: N threads parse blocks (and make their records): N - 1 workers
  // and the calling thread, which also takes the blocks in order and hands
  // their records to the sink; 1: all on the calling thread. The result is
  // the same.
  int threads = 2;
  // Called after each block with the bytes read so far (compressed size for
  // .zst); unset: no progress.
  std::function<void(int64_t bytes_read, int64_t traces)> progress;
};

struct IngestSummary {
  std::string file;
  int64_t lines = 0;                         // non-blank lines seen
  int64_t traces = 0;                        // valid traces handed to the sink
  int64_t bytes = 0;                         // uncompressed bytes parsed
  ParserIsa parser = ParserIsa::kBaseline;   // the copy that ran
  std::vector<TraceProblem> malformed;       // skipped lines
  std::vector<TraceProblem> not_replayable;  // kept, listed with reason
};

// Receives valid traces in batches; an error stops the ingest.
using TraceSink = std::function<Status(std::vector<store::TraceRecord>*)>;

// Reads FILE (.jsonl, or .zst compressed). Each record's inputs_ref is the
// absolute folder of FILE (media paths resolve against it).
Result<IngestSummary> IngestFile(const std::string& file,
                                 const IngestOptions& options,
                                 const TraceSink& sink);

// One media entry of a trace.
struct TraceMedia {
  std::string type;      // image | audio | ...
  std::string path;      // as written (relative to the trace file), or...
  std::string mime;      // ...inline: its MIME type
  std::string base64;    // ...and bytes
  std::string abs_path;  // resolved path (empty for inline media)
};

// What a replay needs from a stored trace.
struct TraceInputs {
  std::string modality;
  std::string prompt;
  std::vector<TraceMedia> media;
  std::vector<std::pair<std::string, std::string>> slices;  // in file order
  double confidence = -1;    // production's confidence; -1: not given
  std::string ground_truth;  // empty: unknown
  nlohmann::json signals = nlohmann::json::object();
};

// Reads a stored trace's inputs_json; media paths resolve against
// inputs_ref and must stay inside it.
Result<TraceInputs> ParseInputs(const store::TraceRecord& t);

// Why a trace cannot be replayed ("media/x.png: no such file"), or empty
// when every media file is there.
std::string NotReplayableReason(const TraceInputs& in);

// The hash a trace's request_hash is checked against: "sha256:" + hex of the
// length-prefixed modality, prompt, and for each media entry its type and
// bytes (docs/traces.md).
Result<std::string> RequestHash(
    const std::string& modality, const std::string& prompt,
    const std::vector<std::pair<std::string, std::string>>&
        media_type_and_path);

}  // namespace mmgate::trace

#endif  // MMGATE_TRACE_TRACE_H_
