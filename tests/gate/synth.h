// Builds synthetic paired runs for the gate tests: each item's outcome in
// both runs is given directly, so tests state exactly what changed.
#ifndef MMGATE_TESTS_GATE_SYNTH_H_
#define MMGATE_TESTS_GATE_SYNTH_H_

#include <string>
#include <utility>
#include <vector>

#include "gate/gate.h"

namespace mmgate::gate::testing {

struct SynthItem {
  std::string suite;
  std::string id;
  std::string metric = "exact";
  std::vector<std::pair<std::string, std::string>> slices;
  double base = 1, cand = 1;  // per-item value (num / den)
  double den = 1;             // e.g. reference words for wer
  bool base_error = false, cand_error = false;
  std::string group;  // empty: the id
};

struct SynthRuns {
  RunData baseline, candidate;
};

inline RunData MakeRun(const std::string& run_id,
                       const std::vector<SynthItem>& items, bool candidate) {
  RunData d;
  d.run.run_id = run_id;
  d.run.model = candidate ? "cand-model" : "base-model";
  std::vector<std::string> suites;
  for (const SynthItem& s : items) {
    store::ItemResult r;
    r.item.suite = s.suite;
    r.item.item_id = s.id;
    r.item.content_hash = "h:" + s.suite + "/" + s.id;
    r.item.modality = s.suite;  // one modality per suite, named after it
    r.item.metric = s.metric;
    r.item.group = s.group.empty() ? s.id : s.group;
    r.item.slices = s.slices;
    store::ResponseRecord resp;
    resp.suite = s.suite;
    resp.item_id = s.id;
    resp.latency_ms = candidate ? 20 : 10;
    if (candidate ? s.cand_error : s.base_error) {
      resp.error = "engine error on " + s.id;
      resp.error_kind = "engine_error";
    } else {
      double v = candidate ? s.cand : s.base;
      resp.answer = "x";
      r.scores[s.metric] =
          store::ScoreRecord{s.metric, v, v * s.den, s.den, ""};
    }
    r.response = resp;
    d.items.push_back(std::move(r));
    if (std::find(suites.begin(), suites.end(), s.suite) == suites.end())
      suites.push_back(s.suite);
  }
  for (const std::string& s : suites) {
    d.suites.push_back({s, s, "", {}, "v-" + s, 0});
  }
  d.rows = store::GateRun::Of(d.items);
  return d;
}

// The gate reads RunData::rows: a test that edits `items` after MakeRun
// makes the rows again from them.
inline void SyncRows(RunData* d) { d->rows = store::GateRun::Of(d->items); }
inline void SyncRows(SynthRuns* runs) {
  SyncRows(&runs->baseline);
  SyncRows(&runs->candidate);
}

inline SynthRuns MakeRuns(const std::vector<SynthItem>& items) {
  return {MakeRun("base", items, false), MakeRun("cand", items, true)};
}

}  // namespace mmgate::gate::testing

#endif  // MMGATE_TESTS_GATE_SYNTH_H_
