// Labels (schema 3): grades people or judges gave items, with the rubric's
// failure modes in their own table so they can be counted in SQL.
#include "store/sqlite_store.h"

namespace mmgate::store {

Result<int64_t> SqliteStore::PutLabel(const LabelRecord& label) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "label by " + label.grader + " on item " + label.item_id;
  if (label.grader.empty())
    return Status::Invalid(what + ": a label needs a grader");
  Transaction tx(db_.get());
  MMGATE_RETURN_IF_ERROR(tx.status());
  auto st = db_->Prepare(
      "INSERT INTO labels (run_id, suite, item_id, content_hash, grader,"
      " created_ms, grade, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
      " RETURNING label_id");
  if (!st.ok()) return st.status();
  st->Bind(1, label.run_id)
      .Bind(2, label.suite)
      .Bind(3, label.item_id)
      .Bind(4, label.content_hash)
      .Bind(5, label.grader)
      .Bind(6, label.created_ms)
      .Bind(7, label.grade)
      .Bind(8, label.note);
  auto id = st->RunReturningInt();
  if (!id.ok()) return id.status().WithContext(what);
  if (!id->has_value()) return Status::Internal(what + ": no label id");
  auto mode = db_->Prepare(
      "INSERT INTO label_failure_modes (label_id, position, mode)"
      " VALUES (?1, ?2, ?3)");
  if (!mode.ok()) return mode.status();
  for (size_t i = 0; i < label.failure_modes.size(); ++i) {
    mode->Bind(1, **id)
        .Bind(2, static_cast<int64_t>(i))
        .Bind(3, label.failure_modes[i]);
    MMGATE_RETURN_IF_ERROR(mode->Run().WithContext(what));
  }
  MMGATE_RETURN_IF_ERROR(tx.Commit());
  return **id;
}

Result<std::vector<LabelRecord>> SqliteStore::ListLabels(
    const LabelFilter& filter) {
  std::lock_guard<std::mutex> lock(mu_);
  // One row per failure mode (or one with a NULL mode), in label order.
  auto st = db_->Prepare(
      "SELECT l.label_id, l.run_id, l.suite, l.item_id, l.content_hash,"
      " l.grader, l.created_ms, l.grade, l.note, m.mode"
      " FROM labels l LEFT JOIN label_failure_modes m"
      " ON m.label_id = l.label_id"
      " WHERE (?1 = '' OR l.run_id = ?1) AND (?2 = '' OR l.suite = ?2)"
      " AND (?3 = '' OR l.item_id = ?3) AND (?4 = '' OR l.grader = ?4)"
      " ORDER BY l.label_id, m.position");
  if (!st.ok()) return st.status();
  st->Bind(1, filter.run_id)
      .Bind(2, filter.suite)
      .Bind(3, filter.item_id)
      .Bind(4, filter.grader);
  std::vector<LabelRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (out.empty() || out.back().label_id != st->Int(0)) {
      LabelRecord l;
      l.label_id = st->Int(0);
      l.run_id = st->Text(1);
      l.suite = st->Text(2);
      l.item_id = st->Text(3);
      l.content_hash = st->Text(4);
      l.grader = st->Text(5);
      l.created_ms = st->Int(6);
      l.grade = st->Text(7);
      l.note = st->Text(8);
      out.push_back(std::move(l));
    }
    if (!st->IsNull(9)) out.back().failure_modes.push_back(st->Text(9));
  }
  return out;
}

}  // namespace mmgate::store
