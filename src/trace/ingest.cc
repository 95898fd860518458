// IngestFile: cuts the file into blocks of whole lines (source.h), has
// worker threads parse each block and make its records (kernel.h), and
// hands the records to the sink in batches, in file order, on the calling
// thread.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "trace/kernel.h"
#include "trace/source.h"
#include "trace/trace.h"

namespace mmgate::trace {
namespace {

namespace fs = std::filesystem;
using internal::BlockParser;
using internal::LineFields;
using internal::ParsedLine;

constexpr size_t kBlock = 64 << 10;  // bytes parsed at a time

// A problem found in a block: its line in the block, and the message
// without the "FILE:LINE: " the caller puts in front once it knows the line.
struct BlockProblem {
  int64_t line = 0;
  std::string trace_id;
  std::string why;
};

// One block and what its parse made.
struct Job {
  internal::Buffer scratch;  // the block's bytes when not in place
  std::string_view block;
  int64_t file_offset = 0;  // the source's offset after this block
  // The block's records; slots are reused, so their strings keep their
  // buffers: no allocation a trace.
  std::vector<store::TraceRecord> records;
  size_t n = 0;  // records made so far
  std::vector<BlockProblem> malformed, not_replayable;
  int64_t lines = 0;       // non-blank lines
  int64_t line_count = 0;  // lines, blank ones included
  bool done = false;

  void Reset() {
    n = 0;
    malformed.clear();
    not_replayable.clear();
    lines = line_count = 0;
    done = false;
  }
};

// assign()'s general path (overlap checks) costs more than the copy of a
// short string.
void Set(std::string* dst, std::string_view s) {
  dst->clear();
  dst->append(s.data(), s.size());
}

// Parses a job's block and turns its lines into records and problems; runs
// on a worker thread, sharing nothing but its const members.
class BlockWork {
 public:
  BlockWork(std::string folder, bool check_media)
      : folder_(std::move(folder)), check_media_(check_media) {}
  const std::string& folder() const { return folder_; }

  void Run(BlockParser* parser, Job* j) const {
    if (j->block.empty()) return j->records.clear();
    const internal::ParsedBlock b =
        parser->Parse(j->block.data(), j->block.size());
    j->line_count = b.line_count;
    for (ParsedLine& p : b.lines) {
      ++j->lines;
      const LineFields& f = p.fields;
      if (!f.error.empty()) {
        j->malformed.push_back(
            {p.line, std::string(f.trace_id.get()), f.error});
        continue;
      }
      if (check_media_) CheckMedia(f, p.line, j);
      if (j->n == j->records.size()) j->records.emplace_back();
      store::TraceRecord& r = j->records[j->n++];
      Set(&r.trace_id, f.trace_id.get());
      r.created_ms = f.created_ms;
      Set(&r.model_version, f.model_version.get());
      Set(&r.decision, f.decision.get());
      Set(&r.category, f.category.get());
      Set(&r.outcome, f.outcome.get());
      Set(&r.request_hash, f.request_hash.get());
      Set(&r.inputs_ref, folder_);
      Set(&r.inputs_json, p.text);
    }
    j->records.resize(j->n);
  }

 private:
  void CheckMedia(const LineFields& f, int64_t line, Job* j) const {
    for (const internal::Text& text : f.media()) {
      const std::string rel(text.get());
      std::string why;
      const fs::path folder(folder_);
      const fs::path abs = (folder / rel).lexically_normal();
      auto [a, b] =
          std::mismatch(folder.begin(), folder.end(), abs.begin(), abs.end());
      std::error_code ec;
      if (fs::path(rel).is_absolute() || a != folder.end())
        why = "outside the trace file's folder";
      else if (!fs::is_regular_file(abs, ec))
        why = "no such file";
      if (why.empty()) continue;
      const std::string id(f.trace_id.get());
      j->not_replayable.push_back({line, id,
                                   "trace " + id + ": media " + rel + ": " +
                                       why + " (not replayable)"});
      return;
    }
  }

  const std::string folder_;
  const bool check_media_;
};

// Runs jobs in the order submitted, one parser per thread: with N parsers,
// N - 1 worker threads and the caller, which, waiting for a job, runs the
// next waiting one itself (with the last parser) rather than sleep. With
// one parser, Submit runs the job on the caller's thread.
class Workers {
 public:
  Workers(const BlockWork& work, std::vector<std::unique_ptr<BlockParser>> ps)
      : work_(work), parsers_(std::move(ps)) {
    for (size_t k = 0; k + 1 < parsers_.size(); ++k)
      threads_.emplace_back([this, k] { Loop(parsers_[k].get()); });
  }
  ~Workers() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    todo_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  void Submit(Job* j) {
    if (threads_.empty()) {
      work_.Run(parsers_[0].get(), j);
      j->done = true;
      return;
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      todo_.push_back(j);
    }
    todo_cv_.notify_one();
  }
  void Wait(Job* j) {
    std::unique_lock<std::mutex> l(mu_);
    while (!j->done) {
      if (todo_.empty()) {
        done_cv_.wait(l);
        continue;
      }
      Job* next = todo_.front();
      todo_.pop_front();
      l.unlock();
      work_.Run(parsers_.back().get(), next);
      l.lock();
      next->done = true;
    }
  }

 private:
  void Loop(BlockParser* parser) {
    for (;;) {
      Job* j = nullptr;
      {
        std::unique_lock<std::mutex> l(mu_);
        todo_cv_.wait(l, [this] { return stop_ || !todo_.empty(); });
        if (stop_) return;
        j = todo_.front();
        todo_.pop_front();
      }
      work_.Run(parser, j);
      {
        std::lock_guard<std::mutex> l(mu_);
        j->done = true;
      }
      done_cv_.notify_one();  // only the caller waits
    }
  }

  const BlockWork& work_;
  std::vector<std::unique_ptr<BlockParser>> parsers_;
  std::mutex mu_;
  std::condition_variable todo_cv_, done_cv_;
  std::deque<Job*> todo_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// Takes the parsed blocks in file order: numbers their lines, lists their
// problems and hands their records to the sink in batches.
class Ingester {
 public:
  Ingester(const std::string& file, const IngestOptions& opt,
           const TraceSink& sink, IngestSummary* sum)
      : file_(file), opt_(opt), sink_(sink), sum_(sum) {}

  Status Take(Job* j) {
    sum_->lines += j->lines;
    sum_->bytes += static_cast<int64_t>(j->block.size());
    for (BlockProblem& p : j->malformed)
      Malformed(line_base_ + p.line, std::move(p.trace_id), p.why);
    for (BlockProblem& p : j->not_replayable) {
      const int64_t line = line_base_ + p.line;
      sum_->not_replayable.push_back(
          {line, std::move(p.trace_id), At(line) + p.why});
    }
    line_base_ += j->line_count;
    sum_->traces += static_cast<int64_t>(j->records.size());
    if (j->records.empty()) return Status::Ok();
    // The block's records go as they are (no copy) unless the batch is
    // smaller than a block.
    if (j->records.size() <= opt_.batch) return sink_(&j->records);
    for (size_t i = 0; i < j->records.size(); i += opt_.batch) {
      const auto from = j->records.begin() + static_cast<ptrdiff_t>(i);
      batch_.assign(from, from + static_cast<ptrdiff_t>(std::min(
                                     opt_.batch, j->records.size() - i)));
      MMGATE_RETURN_IF_ERROR(sink_(&batch_));
    }
    return Status::Ok();
  }

  void Malformed(int64_t line, std::string id, const std::string& why) {
    sum_->malformed.push_back(
        {line, std::move(id), line > 0 ? At(line) + why : why});
  }
  int64_t line_base() const { return line_base_; }

 private:
  std::string At(int64_t line) const {
    return file_ + ":" + std::to_string(line) + ": ";
  }

  std::string file_;
  const IngestOptions& opt_;
  const TraceSink& sink_;
  IngestSummary* sum_;
  int64_t line_base_ = 0;                  // lines before the current block
  std::vector<store::TraceRecord> batch_;  // a part of a block's records
};

// Keeps up to jobs.size() blocks in flight: the source's next blocks go to
// the workers while the oldest is taken, in order.
Status Pump(internal::BlockSource* source, Workers* workers,
            const std::vector<std::unique_ptr<Job>>& jobs, Ingester* in,
            const IngestOptions& opt, IngestSummary* sum) {
  const size_t slots = jobs.size();
  size_t next = 0, taken = 0;
  bool more = true;
  for (;;) {
    while (more && next - taken < slots) {
      Job* j = jobs[next % slots].get();
      j->Reset();
      more = source->Next(&j->scratch, &j->block);
      if (!more) break;
      j->file_offset = source->FileOffset();
      workers->Submit(j);
      ++next;
    }
    if (taken == next) return Status::Ok();
    Job* j = jobs[taken++ % slots].get();
    workers->Wait(j);
    MMGATE_RETURN_IF_ERROR(in->Take(j));
    if (opt.progress) opt.progress(j->file_offset, sum->traces);
  }
}

}  // namespace

Result<IngestSummary> IngestFile(const std::string& file,
                                 const IngestOptions& options,
                                 const TraceSink& sink) {
  const int threads = std::max(1, options.threads);
  std::vector<std::unique_ptr<BlockParser>> parsers(threads);
  for (auto& p : parsers) {
    auto made = internal::NewBlockParser(options.parser);
    if (!made.ok()) return made.status();
    p = std::move(*made);
  }
  auto source = internal::OpenBlockSource(file, kBlock);
  if (!source.ok()) return source.status();
  IngestSummary sum;
  sum.file = file;
  sum.parser =
      options.parser == ParserIsa::kAuto ? BestParserIsa() : options.parser;
  Ingester in(file, options, sink, &sum);
  const BlockWork work(
      fs::absolute(file).lexically_normal().parent_path().string(),
      options.check_media);
  // threads == 1: no worker thread, one block at a time on this one.
  // Otherwise one block per parsing thread (this one included), one being
  // cut and one being taken. The jobs outlive the workers, which may still
  // hold one on an early return.
  std::vector<std::unique_ptr<Job>> jobs(threads > 1 ? threads + 2 : 1);
  for (auto& j : jobs) j = std::make_unique<Job>();
  {
    Workers workers(work, std::move(parsers));
    MMGATE_RETURN_IF_ERROR(
        Pump(source->get(), &workers, jobs, &in, options, &sum));
  }
  const Status read_error = (*source)->error();
  if (!read_error.ok()) {
    if (read_error.code() != StatusCode::kCorrupt) return read_error;
    if (!(*source)->LeftoverBlank())
      in.Malformed(in.line_base() + 1, "",
                   "line cut short by the truncated file");
    in.Malformed(0, "", read_error.message());
  }
  return sum;
}

}  // namespace mmgate::trace
