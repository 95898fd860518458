#include "report/scorecard.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/parallel.h"
#include "report/judge_info.h"
#include "report/side_by_side.h"
#include "stats/bootstrap.h"
#include "stats/pairing.h"

namespace mmgate::report {
namespace {

using nlohmann::json;
using store::GateItem;

json Rate(int64_t k, int64_t n) {
  return n > 0 ? json(static_cast<double>(k) / static_cast<double>(n))
               : json(nullptr);
}

// An item of the gate's (suite, metric): a suite whose items name different
// metrics is gated, and shown, once per metric.
bool Of(const gate::SuiteVerdict& v, const GateItem& r) {
  return r.suite == v.suite && r.metric == v.metric;
}

// One suite's (and metric's) figures of one run, summed over its items in
// the run's order.
struct Figures {
  std::vector<double> lat;
  int64_t schema_n = 0, schema_ok = 0, attempts_n = 0, retries = 0;
  int64_t changes = 0, correct = 0;
  double dollars = 0;
  std::set<std::string_view> templates;
  // The baseline's template per item, indexed only when the run has
  // templates (most do not): a million items need no index otherwise.
  std::unordered_map<std::string_view, std::string_view> base_template;
  bool indexed = false;
};

void AddItem(const gate::SuiteVerdict& v, const GateItem& r,
             const gate::RunData& baseline, Figures* f) {
  if (!r.has_response || r.error_kind == "invalid_item") return;
  f->lat.push_back(r.latency_ms);
  f->dollars += r.cost_usd;
  const store::GateScore* s = r.Score(v.metric);
  f->correct += s != nullptr && !gate::IsFailure(stats::Errored(r), s->value,
                                                 v.higher_is_better);
  if (r.schema_valid >= 0) {
    ++f->schema_n;
    f->schema_ok += r.schema_valid == 1;
  }
  if (r.n_attempts > 0) {
    ++f->attempts_n;
    f->retries += r.n_attempts - 1;
  }
  if (r.template_hash.empty()) return;
  f->templates.insert(r.template_hash);
  if (!f->indexed) {
    f->indexed = true;
    for (const GateItem& b : baseline.rows.items) {
      if (Of(v, b) && b.has_response)
        f->base_template[b.item_id] = b.template_hash;
    }
  }
  auto b = f->base_template.find(r.item_id);
  f->changes += b != f->base_template.end() && !b->second.empty() &&
                b->second != r.template_hash;
}

// Every suite's figures of `run` in one pass over its items (a run holds a
// million items; a pass per suite cost several): figures[i] is suites[i]'s.
std::vector<Figures> RunFigures(const std::vector<gate::SuiteVerdict>& suites,
                                const gate::RunData& run,
                                const gate::RunData& baseline) {
  std::vector<Figures> figures(suites.size());
  std::map<std::pair<std::string_view, std::string_view>, std::vector<size_t>>
      of;
  for (size_t i = 0; i < suites.size(); ++i)
    of[{suites[i].suite, suites[i].metric}].push_back(i);
  static const std::vector<size_t> kNone;
  const std::vector<size_t>* last = &kNone;
  const GateItem* prev = nullptr;
  for (const GateItem& r : run.rows.items) {
    // Items of a suite mostly come together: look up only on a change.
    if (prev == nullptr || prev->suite != r.suite || prev->metric != r.metric) {
      auto it = of.find({r.suite, r.metric});
      last = it == of.end() ? &kNone : &it->second;
    }
    prev = &r;
    for (size_t i : *last) AddItem(suites[i], r, baseline, &figures[i]);
  }
  return figures;
}

// The figures of one run's items of one suite (and metric); sorts the
// latencies in place.
json SuiteFigures(const gate::SuiteVerdict& v, bool candidate, Figures* fig) {
  const Figures& f = *fig;
  std::vector<double>& lat = fig->lat;
  std::sort(lat.begin(), lat.end());
  json latency = nullptr;
  if (!lat.empty()) {
    latency = {{"n", lat.size()},
               {"p50", stats::SortedQuantile(lat, 0.5)},
               {"p95", stats::SortedQuantile(lat, 0.95)},
               {"p99", stats::SortedQuantile(lat, 0.99)}};
  }
  const gate::RunCost& cost = candidate ? v.candidate_cost : v.baseline_cost;
  const gate::Behaviour& b =
      candidate ? v.candidate_behaviour : v.baseline_behaviour;
  json degradation = json::object();
  for (const gate::Curve& c : v.curves) {
    double worst = 0;
    for (const gate::CurvePoint& p : c.points) {
      worst = std::max(
          worst, candidate ? p.candidate_degradation : p.baseline_degradation);
    }
    degradation[c.kind] = worst;
  }
  return {
      {"suite", v.suite},
      {"modality", v.modality},
      {"metric", v.metric},
      {"higher_is_better", v.higher_is_better},
      {"score", candidate ? v.total.candidate : v.total.baseline},
      {"latency", latency},
      {"cost_per_query",
       cost.cost_per_query < 0 ? json(nullptr) : json(cost.cost_per_query)},
      {"judge_cost_per_query", cost.judge_cost_per_query < 0
                                   ? json(nullptr)
                                   : json(cost.judge_cost_per_query)},
      {"judge", JudgeCalibrationJson(v)},
      {"cost_per_correct",
       cost.cost_per_query < 0 || f.correct == 0
           ? json(nullptr)
           : json(f.dollars / static_cast<double>(f.correct))},
      {"hallucination_rate", Rate(b.hallucinated, b.abstain_items)},
      // Over-refusal where the suite also asks for abstentions, as the
      // behaviour summary shows it.
      {"over_refusal_rate", b.abstain_items > 0
                                ? Rate(b.over_refused, b.answerable_items)
                                : json(nullptr)},
      {"schema_valid_rate", Rate(f.schema_ok, f.schema_n)},
      {"retries_per_item",
       f.attempts_n > 0 ? json(static_cast<double>(f.retries) / f.attempts_n)
                        : json(nullptr)},
      {"template_hashes", f.templates.size()},
      {"template_changes", f.changes},
      {"degradation", degradation}};
}

json RunCard(const gate::GateResult& r, bool candidate,
             const gate::RunData& run, const gate::RunData& baseline) {
  json suites = json::array();
  std::map<std::string, int> slo;
  std::vector<Figures> figures = RunFigures(r.suites, run, baseline);
  for (size_t i = 0; i < r.suites.size(); ++i) {
    const gate::SuiteVerdict& v = r.suites[i];
    suites.push_back(SuiteFigures(v, candidate, &figures[i]));
    for (const gate::SloCheck& c : v.slos) {
      ++slo[std::string(
          gate::SloStatusName(candidate ? c.status : c.baseline_status))];
    }
  }
  int64_t answered = 0;
  for (const GateItem& i : run.rows.items)
    answered += i.has_response && i.has_answer;
  const double wall_s = (run.run.finished_ms - run.run.created_ms) / 1000.0;
  return {
      {"role", candidate ? "candidate" : "baseline"},
      {"run", run.run.run_id},
      {"model", run.run.model},
      {"throughput_items_per_s",
       wall_s > 0 && answered > 0 ? json(answered / wall_s) : json(nullptr)},
      {"slo", slo},
      {"suites", suites}};
}

std::string Fig(const json& j, const char* fmt_spec, double scale = 1) {
  if (!j.is_number()) return "-";
  return fmt::format(fmt::runtime(fmt_spec), scale * j.get<double>());
}

// Rows of (label, one cell per run) for one suite, and the run-level rows.
using Rows = std::vector<std::pair<std::string, std::vector<std::string>>>;

Rows SuiteRows(const json& card, size_t s) {
  Rows rows;
  auto add = [&](const std::string& label, auto cell) {
    std::vector<std::string> cells;
    for (const json& run : card["runs"]) {
      const json& f = s < run["suites"].size() ? run["suites"][s] : json();
      cells.push_back(f.is_null() ? "-" : cell(f));
    }
    rows.emplace_back(label, std::move(cells));
  };
  const json& first = card["runs"][0]["suites"][s];
  add(first["metric"].get<std::string>(),
      [](const json& f) { return Fig(f["score"], "{:.3f}"); });
  add("latency p50/p95/p99 ms", [](const json& f) {
    const json& l = f["latency"];
    return l.is_null()
               ? std::string("-")
               : fmt::format("{:.0f}/{:.0f}/{:.0f}", l["p50"].get<double>(),
                             l["p95"].get<double>(), l["p99"].get<double>());
  });
  add("cost per query / per correct", [](const json& f) {
    return Fig(f["cost_per_query"], "${:.6f}") + " / " +
           Fig(f["cost_per_correct"], "${:.6f}");
  });
  if (!first["judge"].is_null()) {
    add("judge cost per query (included above)", [](const json& f) {
      return Fig(f["judge_cost_per_query"], "${:.6f}");
    });
  }
  add("hallucination / over-refusal", [](const json& f) {
    return Fig(f["hallucination_rate"], "{:.1f}%", 100) + " / " +
           Fig(f["over_refusal_rate"], "{:.1f}%", 100);
  });
  for (const auto& [kind, d] : first["degradation"].items()) {
    add("worst degradation " + kind, [k = kind](const json& f) {
      return Fig(f["degradation"].value(k, json()), "{:.1f}%", 100);
    });
  }
  add("schema valid (first pass)", [](const json& f) {
    return Fig(f["schema_valid_rate"], "{:.1f}%", 100);
  });
  add("retries per item / templates (changed)", [](const json& f) {
    return Fig(f["retries_per_item"], "{:.2f}") +
           fmt::format(" / {} ({})", f["template_hashes"].get<int64_t>(),
                       f["template_changes"].get<int64_t>());
  });
  return rows;
}

Rows RunRows(const json& card) {
  Rows rows(2);
  rows[0].first = "throughput (items/s, the run's wall time)";
  rows[1].first = "SLO fit (met / missed / undecided)";
  for (const json& run : card["runs"]) {
    rows[0].second.push_back(Fig(run["throughput_items_per_s"], "{:.2f}"));
    const json& s = run["slo"];
    rows[1].second.push_back(
        s.empty() ? "-"
                  : fmt::format(
                        "{} / {} / {}", s.value("met", 0), s.value("missed", 0),
                        s.value("inconclusive", 0) + s.value("no_data", 0)));
  }
  return rows;
}

}  // namespace

json ScorecardJson(const gate::Evaluation& e) {
  json runs = json::array();
  if (e.outcome.results.empty()) return {{"runs", runs}};
  // Each card reads its run's every item (a million in a large run): the
  // runs' cards are made on up to one thread per core.
  std::vector<json> cards(e.outcome.results.size() + 1);
  ParallelFor(CoreCount(), cards.size(), [&](int, size_t i) {
    cards[i] =
        i == 0 ? RunCard(e.outcome.results[0], false, e.baseline, e.baseline)
               : RunCard(e.outcome.results[i - 1], true, e.candidates[i - 1],
                         e.baseline);
  });
  for (json& card : cards) runs.push_back(std::move(card));
  return {{"runs", runs}};
}

std::string ScorecardTerminal(const gate::Evaluation& e) {
  const json card = ScorecardJson(e);
  if (card["runs"].empty()) return "";
  std::string out =
      "\nProduction scorecard (per modality; never pooled into one number)\n";
  auto line = [&](const std::string& label,
                  const std::vector<std::string>& cells) {
    out += fmt::format("  {:<44}", EscapeControl(label));
    for (const std::string& c : cells) out += fmt::format(" {:>24}", c);
    out += "\n";
  };
  std::vector<std::string> heads;
  for (const json& run : card["runs"]) {
    heads.push_back(run["role"].get<std::string>() + " " +
                    run["model"].get<std::string>());
  }
  line("", heads);
  for (const auto& [label, cells] : RunRows(card)) line(label, cells);
  const json& suites = card["runs"][0]["suites"];
  const auto& verdicts = e.outcome.results[0].suites;
  for (size_t s = 0; s < suites.size(); ++s) {
    out += fmt::format("  {} ({}, {})\n",
                       EscapeControl(suites[s]["suite"].get<std::string>()),
                       EscapeControl(suites[s]["modality"].get<std::string>()),
                       suites[s]["metric"].get<std::string>());
    if (s < verdicts.size() && verdicts[s].judge)
      out += "    " + EscapeControl(JudgeCalibrationLine(verdicts[s])) + "\n";
    for (const auto& [label, cells] : SuiteRows(card, s))
      line("  " + label, cells);
  }
  return out;
}

std::string ScorecardMarkdown(const gate::Evaluation& e) {
  const json card = ScorecardJson(e);
  if (card["runs"].empty()) return "";
  std::string head = "| |", rule = "|---|";
  for (const json& run : card["runs"]) {
    head += fmt::format(" {} `{}` |", run["role"].get<std::string>(),
                        run["model"].get<std::string>());
    rule += "---:|";
  }
  std::string out =
      "\n### Production scorecard\n\nPer modality, never pooled into one "
      "number.\n\n" +
      head + "\n" + rule + "\n";
  auto line = [&](const std::string& label,
                  const std::vector<std::string>& cells) {
    out += "| " + label + " |";
    for (const std::string& c : cells) out += " " + c + " |";
    out += "\n";
  };
  for (const auto& [label, cells] : RunRows(card)) line(label, cells);
  const json& suites = card["runs"][0]["suites"];
  const auto& verdicts = e.outcome.results[0].suites;
  for (size_t s = 0; s < suites.size(); ++s) {
    line(fmt::format("**{}** ({})",
                     EscapeControl(suites[s]["suite"].get<std::string>()),
                     EscapeControl(suites[s]["modality"].get<std::string>())),
         std::vector<std::string>(card["runs"].size(), ""));
    if (s < verdicts.size() && verdicts[s].judge)
      line(EscapeControl(JudgeCalibrationLine(verdicts[s])),
           std::vector<std::string>(card["runs"].size(), ""));
    for (const auto& [label, cells] : SuiteRows(card, s)) line(label, cells);
  }
  return out;
}

}  // namespace mmgate::report
