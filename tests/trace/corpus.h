// Trace files the ingest tests read (ingest_test.cc checks what each gives;
// kernel_test.cc checks that both parser copies give the same).
#ifndef MMGATE_TESTS_TRACE_CORPUS_H_
#define MMGATE_TESTS_TRACE_CORPUS_H_

#include <string>
#include <vector>

namespace mmgate::trace::testing {

// One valid trace line; `extra` is appended inside the object.
std::string Line(const std::string& id, const std::string& extra = "");

// Lines 1..9: good, blank, cut, two objects, an array, good with an extra
// key, a bad time, no category, good without a final newline.
std::string MalformedMix();
// 40,000 lines over 4 MiB, line 30,001 spread over two lines.
std::string AcrossBlocks();
// Media here, gone, outside the folder, inline, and without a type; the
// file "media/here.png" must exist beside the trace file.
std::string MediaMix();
// `n` good lines z0, z1, ...
std::string Numbered(int n);
// Slices, ground truth and a media path: read back by ParseInputs.
std::string RoundTrip();
// Escapes in keys and values, CRLF and blank-padded lines, integer times,
// offsets, wrong types for each checked field, signals, request hashes,
// nested values, a line too long for the fast path.
std::string EdgeCases();

std::string Zstd(const std::string& text);

struct CorpusFile {
  std::string name;
  std::string bytes;
};
// All of the above as files (the .zst ones compressed, one cut in half).
std::vector<CorpusFile> Corpus();

}  // namespace mmgate::trace::testing

#endif  // MMGATE_TESTS_TRACE_CORPUS_H_
