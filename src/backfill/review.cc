#include "backfill/review.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "backfill/replay.h"
#include "common/hash.h"
#include "trace/trace.h"

namespace mmgate::backfill {
namespace {

judge::Rubric ReviewRubric() {
  judge::Rubric r;
  r.name = "backfill-review";
  r.instructions =
      "Production and a candidate model decided this request differently. "
      "Read the request (and look at or listen to its media), then say which "
      "decision is right. The two are shown in a random order: nothing tells "
      "which model gave which.";
  r.scale = {{"A", "decision A is right"},
             {"B", "decision B is right"},
             {"neither", "neither decision is right"}};
  return r;
}

// The flip as an item: the trace's request and media when they can be read.
Item ReviewItem(store::Store* store, const Contested& c) {
  Item it;
  it.id = c.trace_id;
  it.modality = c.modality;
  it.references = {"category " + c.category};
  auto t = store->GetTrace(c.trace_id);
  if (!t.ok() || !t->has_value()) return it;
  auto in = trace::ParseInputs(**t);
  if (!in.ok()) return it;
  it.prompt = in->prompt;
  for (const trace::TraceMedia& m : in->media)
    if (!m.abs_path.empty()) it.media.push_back({m.type, m.path, m.abs_path});
  return it;
}

}  // namespace

std::vector<const Contested*> DrawReview(const FlipReport& report, int size,
                                         uint64_t seed) {
  std::vector<std::pair<std::string, const Contested*>> order;
  for (const Contested& c : report.contested)
    order.push_back({Sha256Hex(std::to_string(seed) + ":" + c.trace_id), &c});
  std::sort(order.begin(), order.end());
  std::vector<const Contested*> out;
  for (const auto& [key, c] : order) {
    if (static_cast<int>(out.size()) >= size) break;
    out.push_back(c);
  }
  return out;
}

Result<judge::LabelQueue> ReviewQueue(store::Store* store,
                                      const std::string& run_id,
                                      const FlipReport& report, int size,
                                      uint64_t seed) {
  judge::LabelQueue q;
  auto owned = std::make_unique<mine::MinedRun>();
  owned->run_id = run_id;
  mine::MinedSuite& ms = owned->suites.emplace_back();
  ms.suite.name = kSuiteName;
  ms.suite.modality = "trace";
  ms.rubric = ReviewRubric();
  const std::vector<const Contested*> drawn = DrawReview(report, size, seed);
  // Items first: the tasks point into the suite, which must not grow after.
  for (const Contested* c : drawn)
    ms.suite.items.push_back(ReviewItem(store, *c));
  for (size_t i = 0; i < drawn.size(); ++i) {
    const Contested& c = *drawn[i];
    // A coin per flip, from the seed: is the candidate's decision "A"?
    const bool new_first =
        Sha256Hex("side:" + std::to_string(seed) + ":" + c.trace_id)[0] < '8';
    judge::LabelTask t;
    t.key = std::string(kSuiteName) + "/" + c.trace_id + "/" + run_id;
    t.suite = &ms.suite;
    t.item = &ms.suite.items[i];
    t.rubric = &ms.rubric;
    t.run_id = run_id;
    t.answer = new_first ? c.new_decision : c.old_decision;
    t.other_answer = new_first ? c.old_decision : c.new_decision;
    t.store_as = {{"A", new_first ? "new" : "old"},
                  {"B", new_first ? "old" : "new"},
                  {"neither", "neither"}};
    q.tasks.push_back(std::move(t));
  }
  q.mined.push_back(std::move(owned));
  return q;
}

}  // namespace mmgate::backfill
