#include "backfill/source.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "common/hash.h"

namespace mmgate::backfill {
namespace {

using Each = std::function<Status(ItemBatch&)>;

// Makes one batch of items from `traces`, counting them in the tally; the
// running `line` numbers the suite's entries in the order they are read.
class BatchMaker {
 public:
  BatchMaker(const StreamOptions& options, SourceTally* tally)
      : options_(options), tally_(tally) {
    *tally_ = SourceTally();
  }

  Status Hand(const std::vector<store::TraceRecord>& traces, const Each& each) {
    if (traces.empty()) return Status::Ok();
    batch_.items.clear();
    batch_.problems.clear();
    for (const store::TraceRecord& t : traces) {
      ++line_;
      ++tally_->traces;
      Skipped skip;
      auto it = TraceItem(t, options_.media_dir, options_.period_weeks, &skip);
      if (!it.ok()) {
        batch_.problems.push_back({line_, t.trace_id, skip.reason});
        ++tally_->skipped_count;
        if (tally_->skipped.size() < options_.keep_skipped)
          tally_->skipped.push_back(std::move(skip));
        continue;
      }
      it->line = line_;
      ++tally_->items;
      batch_.items.push_back(std::move(*it));
    }
    return each(batch_);
  }

 private:
  const StreamOptions& options_;
  SourceTally* tally_;
  ItemBatch batch_;
  int line_ = 0;
};

// The run's backfill item ids in id order, a page at a time: Holds(id) for
// ids asked in increasing order.
class RunItems {
 public:
  RunItems(store::Store* store, const std::string& run_id, size_t page)
      : store_(store), run_id_(run_id), page_(static_cast<int64_t>(page)) {}

  Result<bool> Holds(const std::string& id) {
    for (;;) {
      while (next_ < ids_.size() && ids_[next_] < id) ++next_;
      if (next_ < ids_.size()) return ids_[next_] == id;
      if (done_) return false;
      auto page = store_->LoadResultsPage(run_id_, kSuiteName, after_, page_);
      if (!page.ok()) return page.status();
      ids_.clear();
      next_ = 0;
      for (const store::ItemResult& r : *page) ids_.push_back(r.item.item_id);
      done_ = ids_.empty();
      if (!done_) after_ = ids_.back();
    }
  }

 private:
  store::Store* store_;
  std::string run_id_;
  int64_t page_;
  std::vector<std::string> ids_;
  size_t next_ = 0;
  std::string after_;
  bool done_ = false;
};

// The drawn ids (sorted) in id order: Holds(id) for ids asked in
// increasing order.
class DrawnIds {
 public:
  explicit DrawnIds(const std::vector<std::string>* ids) : ids_(ids) {}
  bool Holds(const std::string& id) {
    while (next_ < ids_->size() && (*ids_)[next_] < id) ++next_;
    return next_ < ids_->size() && (*ids_)[next_] == id;
  }

 private:
  const std::vector<std::string>* ids_;
  size_t next_ = 0;
};

// Every stored trace, or those `held` keeps (`held` is asked in increasing
// id order), made items `batch_size` at a time: the kept traces of several
// pages are gathered into one batch, so a sparse selection still hands the
// runner full batches to run in parallel.
Status ReadStored(store::Store* store,
                  const std::function<Result<bool>(const std::string&)>& held,
                  const StreamOptions& options, SourceTally* tally,
                  size_t batch_size, const Each& each) {
  BatchMaker maker(options, tally);
  std::vector<store::TraceRecord> pending;
  std::string after;
  for (;;) {
    auto page =
        store->ListTracesPage({}, after, static_cast<int64_t>(batch_size));
    if (!page.ok()) return page.status();
    if (page->empty()) return maker.Hand(pending, each);
    after = page->back().trace_id;
    for (store::TraceRecord& t : *page) {
      if (held) {
        auto h = held(t.trace_id);
        if (!h.ok()) return h.status();
        if (!*h) continue;
      }
      pending.push_back(std::move(t));
      if (pending.size() < batch_size) continue;
      MMGATE_RETURN_IF_ERROR(maker.Hand(pending, each));
      pending.clear();
    }
  }
}

StreamedSuite Streamed(const std::string& version,
                       const StreamOptions& options) {
  StreamedSuite s;
  s.suite = EmptySuite();
  s.suite.streamed = true;
  s.suite.item_count = options.expected;
  s.suite.version_hash = Sha256Hex(version);
  return s;
}

}  // namespace

StreamedSuite StreamStored(store::Store* store, Pick pick,
                           const std::string& run_id,
                           const StreamOptions& options) {
  // The suite's version names what it replays: its items are checked one by
  // one through their content hashes.
  StreamedSuite s = Streamed(
      pick == Pick::kAll
          ? fmt::format("backfill\nall\n{}\n{}", options.expected,
                        options.period_weeks)
          : fmt::format("backfill\nrun\n{}\n{}", run_id, options.period_weeks),
      options);
  auto tally = std::make_shared<SourceTally>();
  s.tally = tally;
  s.suite.source = [store, pick, run_id, options, tally](size_t batch_size,
                                                         const Each& each) {
    if (pick == Pick::kAll)
      return ReadStored(store, nullptr, options, tally.get(), batch_size, each);
    RunItems run(store, run_id, batch_size);
    return ReadStored(
        store, [&run](const std::string& id) { return run.Holds(id); }, options,
        tally.get(), batch_size, each);
  };
  return s;
}

StreamedSuite StreamDrawn(store::Store* store, std::vector<std::string> ids,
                          const StreamOptions& options) {
  std::sort(ids.begin(), ids.end());
  Sha256 version;
  version.Feed(fmt::format("backfill\nsample\n{}\n", options.period_weeks));
  for (const std::string& id : ids) version.Feed(id + "\n");
  StreamedSuite s = Streamed(version.HexDigest(), options);
  s.suite.item_count = static_cast<int64_t>(ids.size());
  auto tally = std::make_shared<SourceTally>();
  s.tally = tally;
  auto drawn = std::make_shared<const std::vector<std::string>>(std::move(ids));
  s.suite.source = [store, drawn, options, tally](size_t batch_size,
                                                  const Each& each) {
    DrawnIds in(drawn.get());
    return ReadStored(
        store,
        [&in](const std::string& id) -> Result<bool> { return in.Holds(id); },
        options, tally.get(), batch_size, each);
  };
  return s;
}

}  // namespace mmgate::backfill
