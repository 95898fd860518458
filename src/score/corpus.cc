#include "score/corpus.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <thread>

#include "score/interner.h"
#include "score/trn.h"
#include "score/trn_loader.h"

namespace mmgate::score {
namespace {

struct UttScore {
  EditCounts counts;
  int64_t min_edit_errors = 0;
};

// Threads for `tokens` of work (an estimate is enough).
int ThreadCount(const CorpusOptions& options, size_t tokens) {
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::thread::hardware_concurrency());
  // Starting a thread costs more than aligning a few hundred short utterances.
  if (tokens < 2000) threads = 1;
  return std::max(threads, 1);
}

char FoldedAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// `indexed` is a reference id as compared (folded when `fold`).
bool SameId(std::string_view indexed, std::string_view id, bool fold) {
  if (indexed.size() != id.size()) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    if (indexed[i] != (fold ? FoldedAscii(id[i]) : id[i])) return false;
  }
  return true;
}

Status LineError(std::string_view name, int line, const std::string& message) {
  return Status::Invalid(fmt::format("{}:{}: {}", name, line, message));
}

Result<CorpusResult> Score(LoadedTrn& ref, std::string_view ref_name,
                           LoadedTrn& hyp, std::string_view hyp_name,
                           const CorpusOptions& options) {
  if (options.unit == TrnUnit::kWord) {
    // Put both files' words in the reference's id space; words only the
    // hypothesis has get fresh ids.
    std::vector<uint32_t> remap(hyp.vocab.size());
    auto next = static_cast<uint32_t>(ref.vocab.size());
    for (uint32_t k = 0; k < remap.size(); ++k) {
      const uint32_t id = ref.vocab.Find(hyp.vocab.key(k));
      remap[k] = id == Interner::kNotFound ? next++ : id;
    }
    for (uint32_t& t : hyp.tokens) t = remap[t];
  }

  std::vector<int32_t> hyp_of(ref.utts.size(), -1);
  const bool fold = !options.case_sensitive;
  std::string folded;
  for (size_t j = 0; j < hyp.utts.size(); ++j) {
    const std::string_view id = hyp.shown_id(j);
    uint32_t k = Interner::kNotFound;
    // Hypotheses usually list the reference's utterances in its order.
    if (j < ref.utts.size() &&
        SameId(ref.ids.key(static_cast<uint32_t>(j)), id, fold)) {
      k = static_cast<uint32_t>(j);
    } else {
      folded.assign(id);
      if (fold) {
        for (char& c : folded) c = FoldedAscii(c);
      }
      k = ref.ids.Find(folded);
    }
    if (k == Interner::kNotFound) {
      return LineError(
          hyp_name, hyp.utts[j].line,
          fmt::format("utterance '{}' is not in {}", id, ref_name));
    }
    if (hyp_of[k] >= 0) {
      return LineError(hyp_name, hyp.utts[j].line,
                       fmt::format("utterance id '{}' repeats line {}", id,
                                   hyp.utts[hyp_of[k]].line));
    }
    hyp_of[k] = static_cast<int32_t>(j);
  }

  std::vector<UttScore> scores(ref.utts.size());
  constexpr size_t kChunk = 512;
  std::atomic<size_t> next_chunk{0};
  auto work = [&] {
    Aligner aligner;
    while (true) {
      const size_t first = next_chunk.fetch_add(kChunk);
      if (first >= ref.utts.size()) return;
      const size_t last = std::min(first + kChunk, ref.utts.size());
      for (size_t i = first; i < last; ++i) {
        if (hyp_of[i] < 0) continue;
        const LoadedTrn::Utt& r = ref.utts[i];
        const LoadedTrn::Utt& h = hyp.utts[hyp_of[i]];
        const AlignmentResult a = aligner.Align(
            std::span(ref.tokens).subspan(r.begin, r.end - r.begin),
            std::span(hyp.tokens).subspan(h.begin, h.end - h.begin));
        scores[i] = {a.sclite, a.min_edit_errors};
      }
    }
  };
  const int threads = ThreadCount(options, ref.tokens.size());
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  CorpusResult result;
  Interner speakers(64);
  for (size_t i = 0; i < ref.utts.size(); ++i) {
    const LoadedTrn::Utt& r = ref.utts[i];
    const int64_t length = r.end - r.begin;
    if (hyp_of[i] < 0) {
      result.missing_ids.emplace_back(ref.shown_id(i));
      result.missing_ref_tokens += length;
      continue;
    }
    const UttScore& s = scores[i];
    const bool wrong = s.counts.errors() > 0;
    ++result.utterances;
    result.ref_tokens += length;
    result.counts += s.counts;
    result.utterances_with_errors += wrong;
    result.min_edit_errors += s.min_edit_errors;
    result.utterances_above_min_edit += s.counts.errors() > s.min_edit_errors;
    // Speakers are grouped by the id as compared (sclite folds it too).
    const std::string_view speaker =
        TrnSpeaker(ref.ids.key(static_cast<uint32_t>(i)));
    const uint32_t spk = speakers.Intern(speaker);
    if (spk == result.speakers.size())
      result.speakers.emplace_back().speaker = speaker;
    SpeakerTotals& st = result.speakers[spk];
    ++st.utterances;
    st.ref_tokens += length;
    st.counts += s.counts;
    st.utterances_with_errors += wrong;
  }
  return result;
}

// Parses both inputs (on two threads when that pays) and scores them.
Result<CorpusResult> LoadAndScore(LineReader& ref_lines,
                                  std::string_view ref_name, size_t ref_size,
                                  LineReader& hyp_lines,
                                  std::string_view hyp_name, size_t hyp_size,
                                  const CorpusOptions& options) {
  LoadedTrn ref;
  LoadedTrn hyp;
  Status ref_status;
  Status hyp_status;
  // A token takes about six bytes of a trn file.
  if (ThreadCount(options, ref_size / 6) > 1) {
    std::thread other([&] {
      hyp_status = LoadTrn(hyp_lines, hyp_name, options, hyp_size, false, &hyp);
    });
    ref_status = LoadTrn(ref_lines, ref_name, options, ref_size, true, &ref);
    other.join();
  } else {
    ref_status = LoadTrn(ref_lines, ref_name, options, ref_size, true, &ref);
    hyp_status = LoadTrn(hyp_lines, hyp_name, options, hyp_size, false, &hyp);
  }
  MMGATE_RETURN_IF_ERROR(ref_status);
  MMGATE_RETURN_IF_ERROR(hyp_status);
  return Score(ref, ref_name, hyp, hyp_name, options);
}

}  // namespace

Result<CorpusResult> ScoreTrnTexts(std::string ref_text,
                                   std::string_view ref_name,
                                   std::string hyp_text,
                                   std::string_view hyp_name,
                                   const CorpusOptions& options) {
  const size_t ref_size = ref_text.size();
  const size_t hyp_size = hyp_text.size();
  LineReader ref_lines(std::move(ref_text));
  LineReader hyp_lines(std::move(hyp_text));
  return LoadAndScore(ref_lines, ref_name, ref_size, hyp_lines, hyp_name,
                      hyp_size, options);
}

Result<CorpusResult> ScoreTrnFiles(const std::string& ref_path,
                                   const std::string& hyp_path,
                                   const CorpusOptions& options) {
  using File = std::unique_ptr<FILE, int (*)(FILE*)>;
  auto open = [](const std::string& path, size_t* size) -> Result<File> {
    File file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) {
      return Status::IoError(
          fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    }
    // A directory opens too, and its "size" is LONG_MAX; only a regular
    // file's size is a size (a pipe's is unknown, left 0).
    struct stat st {};
    if (fstat(fileno(file.get()), &st) != 0) {
      return Status::IoError(
          fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    }
    if (S_ISDIR(st.st_mode)) {
      return Status::Invalid(fmt::format(
          "{}: is a directory; give a .trn file (`words (utt_id)` lines)",
          path));
    }
    *size = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0;
    return file;
  };
  size_t ref_size = 0;
  size_t hyp_size = 0;
  Result<File> ref_file = open(ref_path, &ref_size);
  if (!ref_file.ok()) return ref_file.status();
  Result<File> hyp_file = open(hyp_path, &hyp_size);
  if (!hyp_file.ok()) return hyp_file.status();
  LineReader ref_lines(ref_file->get());
  LineReader hyp_lines(hyp_file->get());
  return LoadAndScore(ref_lines, ref_path, ref_size, hyp_lines, hyp_path,
                      hyp_size, options);
}

}  // namespace mmgate::score
