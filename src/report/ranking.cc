#include "report/ranking.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gate/ranking.h"
#include "report/side_by_side.h"

namespace mmgate::report {
namespace {

using nlohmann::json;

std::string Cost(double c) { return c < 0 ? "-" : fmt::format("${:.6f}", c); }

std::string Status(const gate::RankRow& r) {
  return r.rank > 0 ? fmt::format("#{}", r.rank) : "dropped: " + r.dropped;
}

}  // namespace

json RankingJson(const gate::GateOutcome& o) {
  json out = json::array();
  for (const gate::RankRow& r : gate::RankingTable(o.results, o.ranking)) {
    out.push_back(
        {{"candidate", r.candidate},
         {"rank", r.rank > 0 ? json(r.rank) : json(nullptr)},
         {"verdict", gate::VerdictName(r.verdict)},
         {"dropped", r.rank > 0 ? json(nullptr) : json(r.dropped)},
         {"why", r.why},
         {"quality", r.quality},
         {"cost_per_query", r.cost < 0 ? json(nullptr) : json(r.cost)},
         {"p50_latency_ms", r.latency}});
  }
  return out;
}

std::string RankingTerminal(const gate::GateOutcome& o) {
  std::string out = fmt::format(
      "\nGate, then rank: candidates that miss an SLO, regress or cannot be "
      "decided are dropped first\n{:<28} {:<26} {:>9} {:>12} {:>10}  {}\n",
      "candidate", "rank", "quality", "cost/query", "p50 ms", "why dropped");
  for (const gate::RankRow& r : gate::RankingTable(o.results, o.ranking)) {
    out += fmt::format(
        "{:<28} {:<26} {:>9.2f} {:>12} {:>10.1f}  {}\n",
        EscapeControl(r.candidate), Status(r), r.quality, Cost(r.cost),
        r.latency, EscapeControl(fmt::format("{}", fmt::join(r.why, "; "))));
  }
  out +=
      "(quality: the worst suite's drop over its margin, lower is better; "
      "cost and latency: the worst suite's)\n";
  return out;
}

std::string RankingMarkdown(const gate::GateOutcome& o) {
  std::string out =
      "**Gate, then rank**: candidates that miss an SLO, regress or cannot be "
      "decided are dropped before ranking.\n\n"
      "| candidate | rank | quality | cost/query | p50 ms | why dropped |\n"
      "|---|---|---:|---:|---:|---|\n";
  auto md = [](const std::string& s) {
    std::string e;
    for (char ch : EscapeControl(s)) {
      if (ch == '|' || ch == '<' || ch == '>' || ch == '`' || ch == '*' ||
          ch == '_' || ch == '[' || ch == ']')
        e += '\\';
      e += ch;
    }
    return e;
  };
  for (const gate::RankRow& r : gate::RankingTable(o.results, o.ranking)) {
    out +=
        fmt::format("| `{}` | {} | {:.2f} | {} | {:.1f} | {} |\n",
                    md(r.candidate), md(Status(r)), r.quality, Cost(r.cost),
                    r.latency, md(fmt::format("{}", fmt::join(r.why, "; "))));
  }
  return out;
}

}  // namespace mmgate::report
