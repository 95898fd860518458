// PgStore: production traces, pipeline stages and extra responses (the SQL of
// traces.cc and extra_responses.cc).
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <tuple>

#include "store/decode.h"
#include "store/pg_store.h"
#include "store/trace_facts.h"

namespace mmgate::store {
namespace {

using pg::Double;
using pg::Int;
using pg::Text;

constexpr const char* kTraceColumns =
    "trace_id, created_ms, model_version, inputs_ref, inputs_json, decision,"
    " category, outcome, request_hash";

TraceRecord ReadTrace(const pqxx::row& r) {
  return TraceRecord{Text(r, 0), Int(r, 1),  Text(r, 2), Text(r, 3), Text(r, 4),
                     Text(r, 5), Text(r, 6), Text(r, 7), Text(r, 8)};
}

}  // namespace

Status PgStore::PutTraces(const std::vector<TraceRecord>& traces) {
  for (const TraceRecord& t : traces) {
    if (t.trace_id.empty()) return Status::Invalid("a trace needs an id");
    if (!nlohmann::json::accept(t.inputs_json))
      return Status::Invalid("trace " + t.trace_id +
                             ": inputs_json is not valid JSON");
  }
  return Tx("storing traces", [&](pqxx::work& w) {
    for (const TraceRecord& t : traces) {
      w.exec_params(
          std::string("INSERT INTO traces (") + kTraceColumns +
              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
              " ON CONFLICT (trace_id) DO UPDATE SET"
              " created_ms = excluded.created_ms,"
              " model_version = excluded.model_version,"
              " inputs_ref = excluded.inputs_ref,"
              " inputs_json = excluded.inputs_json,"
              " decision = excluded.decision, category = excluded.category,"
              " outcome = excluded.outcome,"
              " request_hash = excluded.request_hash",
          t.trace_id, t.created_ms, t.model_version, t.inputs_ref,
          t.inputs_json, t.decision, t.category, t.outcome, t.request_hash);
    }
    WriteTraceFacts(w, traces);
    return Status::Ok();
  });
}

void PgStore::WriteTraceFacts(pqxx::work& w,
                              const std::vector<TraceRecord>& traces) {
  TraceFactsReader reader;
  TraceFacts f;
  for (const TraceRecord& t : traces) {
    const bool read = reader.Read(t.inputs_json, &f);
    if (!read) f = TraceFacts{};
    w.exec_params(
        "INSERT INTO trace_facts (trace_id, created_ms, category, decision,"
        " has_facts, modality, slices_json, ground_truth, confidence)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (trace_id) DO UPDATE SET"
        " created_ms = excluded.created_ms, category = excluded.category,"
        " decision = excluded.decision, has_facts = excluded.has_facts,"
        " modality = excluded.modality, slices_json = excluded.slices_json,"
        " ground_truth = excluded.ground_truth,"
        " confidence = excluded.confidence",
        t.trace_id, t.created_ms, t.category, t.decision, read, f.modality,
        internal::EncodeSlices(f.slices), f.ground_truth, f.confidence);
  }
}

void PgStore::FillTraceFacts(pqxx::work& w) {
  std::vector<TraceRecord> page;
  std::string after;
  for (;;) {
    page.clear();
    for (const auto& r : w.exec_params(
             "SELECT trace_id, created_ms, category, decision, inputs_json"
             " FROM traces WHERE trace_id > $1 ORDER BY trace_id LIMIT 10000",
             after)) {
      TraceRecord& t = page.emplace_back();
      t.trace_id = Text(r, 0);
      t.created_ms = Int(r, 1);
      t.category = Text(r, 2);
      t.decision = Text(r, 3);
      t.inputs_json = Text(r, 4);
    }
    if (page.empty()) return;
    after = page.back().trace_id;
    WriteTraceFacts(w, page);
  }
}

Result<std::optional<TraceRecord>> PgStore::GetTrace(
    const std::string& trace_id) {
  return Tx("reading trace " + trace_id,
            [&](pqxx::work& w) -> Result<std::optional<TraceRecord>> {
              auto rows = w.exec_params(std::string("SELECT ") + kTraceColumns +
                                            " FROM traces WHERE trace_id = $1",
                                        trace_id);
              if (rows.empty()) return std::optional<TraceRecord>();
              return std::optional<TraceRecord>(ReadTrace(rows[0]));
            });
}

Result<std::vector<TraceRecord>> PgStore::ListTraces(
    const TraceFilter& filter) {
  return Tx(
      "listing traces", [&](pqxx::work& w) -> Result<std::vector<TraceRecord>> {
        std::vector<TraceRecord> out;
        for (const auto& r :
             w.exec_params(std::string("SELECT ") + kTraceColumns +
                               " FROM traces WHERE created_ms >= $1 AND"
                               " created_ms < $2 AND ($3::text = '' OR"
                               " category = $3) ORDER BY created_ms, trace_id",
                           filter.since_ms, filter.until_ms, filter.category))
          out.push_back(ReadTrace(r));
        return out;
      });
}

Result<std::vector<TraceRecord>> PgStore::ListTracesPage(
    const TraceFilter& filter, const std::string& after_id, int64_t limit) {
  return Tx(
      "listing traces", [&](pqxx::work& w) -> Result<std::vector<TraceRecord>> {
        std::vector<TraceRecord> out;
        for (const auto& r : w.exec_params(
                 std::string("SELECT ") + kTraceColumns +
                     " FROM traces WHERE trace_id > $4 AND created_ms >= $1"
                     " AND created_ms < $2 AND ($3::text = '' OR"
                     " category = $3) ORDER BY trace_id LIMIT $5",
                 filter.since_ms, filter.until_ms, filter.category, after_id,
                 limit))
          out.push_back(ReadTrace(r));
        return out;
      });
}

// The page's last trace id first, then one join bounded to the page's id
// range on all three tables: PostgreSQL plans it as merge joins of three
// index range scans. Unbounded, with the page's LIMIT, it chose a nested loop
// with two index seeks per trace (2.5x the time per page at 60,000 traces).
Status PgStore::LoadDecisionsPage(const std::string& run_id,
                                  const std::string& suite,
                                  const std::string& after_id, int64_t limit,
                                  std::vector<DecisionRow>* page) {
  return Tx("reading the decisions of run " + run_id, [&](pqxx::work& w) {
    auto view = [](const pqxx::field& f) {
      return std::string_view(f.c_str(), f.size());
    };
    const auto last = w.exec_params(
        "SELECT max(trace_id) FROM (SELECT trace_id FROM trace_facts"
        " WHERE trace_id > $1 ORDER BY trace_id LIMIT $2) p",
        after_id, limit);
    size_t n = 0;
    if (!last[0][0].is_null()) {
      const std::string in_page = " item_id > $3 AND item_id <= $4";
      for (const auto& r : w.exec_params(
               "SELECT t.trace_id, t.created_ms, t.category, t.decision,"
               " CASE WHEN t.has_facts THEN '' ELSE (SELECT inputs_json FROM"
               " traces WHERE traces.trace_id = t.trace_id) END,"
               " i.item_id IS NOT NULL, r.answer IS NOT NULL, r.answer,"
               " t.has_facts, t.modality, t.slices_json, t.ground_truth,"
               " t.confidence FROM trace_facts t LEFT JOIN (SELECT item_id"
               " FROM items"
               " WHERE run_id = $1 AND suite = $2 AND" +
                   in_page +
                   ") i ON i.item_id = t.trace_id LEFT JOIN (SELECT item_id,"
                   " answer FROM responses WHERE run_id = $1 AND suite = $2"
                   " AND" +
                   in_page +
                   ") r ON r.item_id = t.trace_id WHERE t.trace_id > $3 AND"
                   " t.trace_id <= $4 ORDER BY t.trace_id",
               run_id, suite, after_id, Text(last[0], 0))) {
        if (n == page->size()) page->emplace_back();
        DecisionRow& d = (*page)[n++];
        d.trace_id.assign(view(r[0]));
        d.created_ms = Int(r, 1);
        d.category.assign(view(r[2]));
        d.decision.assign(view(r[3]));
        d.inputs_json.assign(view(r[4]));
        d.in_run = r[5].as<bool>();
        d.answered = r[6].as<bool>();
        d.answer.assign(d.answered ? view(r[7]) : std::string_view());
        d.has_facts = r[8].as<bool>();
        d.slices.clear();
        if (d.has_facts) {
          auto slices = internal::DecodeSlices(Text(r, 10));
          if (slices.ok()) {
            d.slices = std::move(*slices);
          } else {  // slices not written by mmgate: read the request whole
            d.has_facts = false;
            d.inputs_json = Text(w.exec_params1("SELECT inputs_json FROM"
                                                " traces WHERE trace_id = $1",
                                                d.trace_id),
                                 0);
          }
        }
        d.modality.assign(view(r[9]));
        d.ground_truth.assign(view(r[11]));
        d.confidence = Double(r, 12);
      }
    }
    page->resize(n);
    return Status::Ok();
  });
}

Status PgStore::PutStages(const std::string& run_id,
                          const std::vector<StageRecord>& stages) {
  MMGATE_RETURN_IF_ERROR(CheckStages(run_id, stages));
  return Tx("storing the stages of run " + run_id, [&](pqxx::work& w) {
    WriteStages(w, run_id, stages);
    return Status::Ok();
  });
}

Status PgStore::CheckStages(const std::string& run_id,
                            const std::vector<StageRecord>& stages) {
  for (const StageRecord& s : stages) {
    if (s.item_id.empty() == s.trace_id.empty())
      return Status::Invalid("stage " + s.stage + " of run " + run_id +
                             ": a stage belongs to one item or one trace");
  }
  return Status::Ok();
}

void PgStore::WriteStages(pqxx::work& w, const std::string& run_id,
                          const std::vector<StageRecord>& stages) {
  {
    // A redone item's stages replace its old ones, however many there were.
    std::set<std::tuple<std::string, std::string, std::string>> subjects;
    for (const StageRecord& s : stages)
      subjects.insert({s.suite, s.item_id, s.trace_id});
    for (const auto& [suite, item, trace] : subjects) {
      w.exec_params(
          "DELETE FROM stages WHERE run_id = $1 AND suite = $2 AND"
          " item_id = $3 AND trace_id = $4",
          run_id, suite, item, trace);
    }
    for (const StageRecord& s : stages) {
      w.exec_params(
          "INSERT INTO stages (run_id, suite, item_id, trace_id, seq, stage,"
          " input_ref, output_ref, answer, error, error_kind, latency_ms,"
          " created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
          " $12, $13)",
          run_id, s.suite, s.item_id, s.trace_id, s.seq, s.stage, s.input_ref,
          s.output_ref, pg::Nullable(s.answer), pg::Nullable(s.error),
          s.error_kind, s.latency_ms, s.created_ms);
    }
  }
}

Result<std::vector<StageRecord>> PgStore::LoadStages(
    const std::string& run_id) {
  return Tx("reading the stages of run " + run_id,
            [&](pqxx::work& w) -> Result<std::vector<StageRecord>> {
              std::vector<StageRecord> out;
              for (const auto& r : w.exec_params(
                       "SELECT suite, item_id, trace_id, seq, stage,"
                       " input_ref, output_ref, answer, error, error_kind,"
                       " latency_ms, created_ms FROM stages WHERE run_id = $1"
                       " ORDER BY suite, item_id, trace_id, seq",
                       run_id)) {
                out.push_back(StageRecord{
                    Text(r, 0), Text(r, 1), Text(r, 2), Int(r, 3), Text(r, 4),
                    Text(r, 5), Text(r, 6), pg::OptText(r, 7),
                    pg::OptText(r, 8), Text(r, 9), Double(r, 10), Int(r, 11)});
              }
              return out;
            });
}

Status PgStore::PutExtraResponses(
    const std::string& run_id,
    const std::vector<ExtraResponseRecord>& responses) {
  return Tx("storing extra responses of run " + run_id, [&](pqxx::work& w) {
    WriteExtraResponses(w, run_id, responses);
    return Status::Ok();
  });
}

void PgStore::WriteExtraResponses(
    pqxx::work& w, const std::string& run_id,
    const std::vector<ExtraResponseRecord>& responses) {
  {
    // Redone repeats replace the old ones, however many there were.
    std::set<std::tuple<std::string, std::string, std::string>> groups;
    for (const ExtraResponseRecord& r : responses)
      groups.insert(
          {r.suite, r.item_id, std::string(ResponseKindName(r.kind))});
    for (const auto& [suite, item, kind] : groups) {
      w.exec_params(
          "DELETE FROM extra_responses WHERE run_id = $1 AND suite = $2"
          " AND item_id = $3 AND kind = $4",
          run_id, suite, item, kind);
    }
    for (const ExtraResponseRecord& r : responses) {
      pg::NullableNumber value(r.value);
      w.exec_params(
          "INSERT INTO extra_responses (run_id, suite, item_id, kind, seq,"
          " content_hash, answer, error, error_kind, latency_ms,"
          " model_version, input_tokens, output_tokens, cost_usd, value,"
          " created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
          " $12, $13, $14, $15, $16)",
          run_id, r.suite, r.item_id, std::string(ResponseKindName(r.kind)),
          r.seq, r.content_hash, pg::Nullable(r.answer), pg::Nullable(r.error),
          r.error_kind, r.latency_ms, r.model_version, r.input_tokens,
          r.output_tokens, r.cost_usd, value.get(), r.created_ms);
    }
  }
}

Result<std::vector<ExtraResponseRecord>> PgStore::LoadExtraResponses(
    const std::string& run_id, ResponseKind kind) {
  return Tx("reading extra responses of run " + run_id,
            [&](pqxx::work& w) -> Result<std::vector<ExtraResponseRecord>> {
              std::vector<ExtraResponseRecord> out;
              for (const auto& r : w.exec_params(
                       "SELECT suite, item_id, seq, content_hash, answer,"
                       " error, error_kind, latency_ms, model_version,"
                       " input_tokens, output_tokens, cost_usd, value,"
                       " created_ms FROM extra_responses WHERE run_id = $1"
                       " AND kind = $2 ORDER BY suite, item_id, seq",
                       run_id, std::string(ResponseKindName(kind)))) {
                ExtraResponseRecord e;
                e.suite = Text(r, 0);
                e.item_id = Text(r, 1);
                e.kind = kind;
                e.seq = Int(r, 2);
                e.content_hash = Text(r, 3);
                e.answer = pg::OptText(r, 4);
                e.error = pg::OptText(r, 5);
                e.error_kind = Text(r, 6);
                e.latency_ms = Double(r, 7);
                e.model_version = Text(r, 8);
                e.input_tokens = Int(r, 9);
                e.output_tokens = Int(r, 10);
                e.cost_usd = Double(r, 11);
                e.value = pg::OptDouble(r, 12);
                e.created_ms = Int(r, 13);
                out.push_back(std::move(e));
              }
              return out;
            });
}

}  // namespace mmgate::store
