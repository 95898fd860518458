// Judge calibrations (schema 4): what `mmgate calibrate` measured, read by
// the gate before it trusts a judge-scored suite.
#include "store/sqlite_store.h"

namespace mmgate::store {

Result<int64_t> SqliteStore::PutCalibration(const CalibrationRecord& c) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "calibration of judge " + c.judge;
  if (c.judge.empty() || c.modality.empty())
    return Status::Invalid(what + ": a calibration needs a judge and modality");
  auto st = db_->Prepare(
      "INSERT INTO calibrations (judge, judge_version, rubric_hash, modality,"
      " slice_key, slice_value, n, unscored, kappa_kind, kappa, kappa_lo,"
      " kappa_hi, detail_json, labels_hash, created_ms) VALUES (?1, ?2, ?3,"
      " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
      " RETURNING calibration_id");
  if (!st.ok()) return st.status();
  st->Bind(1, c.judge)
      .Bind(2, c.judge_version)
      .Bind(3, c.rubric_hash)
      .Bind(4, c.modality)
      .Bind(5, c.slice_key)
      .Bind(6, c.slice_value)
      .Bind(7, c.n)
      .Bind(8, c.unscored)
      .Bind(9, c.kappa_kind)
      .BindOptional(10, c.kappa)
      .BindOptional(11, c.kappa_lo)
      .BindOptional(12, c.kappa_hi)
      .Bind(13, c.detail_json)
      .Bind(14, c.labels_hash)
      .Bind(15, c.created_ms);
  auto id = st->RunReturningInt();
  if (!id.ok()) return id.status().WithContext(what);
  if (!id->has_value()) return Status::Internal(what + ": no id");
  return **id;
}

Result<std::vector<CalibrationRecord>> SqliteStore::ListCalibrations(
    const std::string& judge) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT calibration_id, judge, judge_version, rubric_hash, modality,"
      " slice_key, slice_value, n, unscored, kappa_kind, kappa, kappa_lo,"
      " kappa_hi, detail_json, labels_hash, created_ms FROM calibrations"
      " WHERE (?1 = '' OR judge = ?1) ORDER BY calibration_id");
  if (!st.ok()) return st.status();
  st->Bind(1, judge);
  std::vector<CalibrationRecord> out;
  auto optional = [&](int col) -> std::optional<double> {
    if (st->IsNull(col)) return std::nullopt;
    return st->Double(col);
  };
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    CalibrationRecord c;
    c.calibration_id = st->Int(0);
    c.judge = st->Text(1);
    c.judge_version = st->Text(2);
    c.rubric_hash = st->Text(3);
    c.modality = st->Text(4);
    c.slice_key = st->Text(5);
    c.slice_value = st->Text(6);
    c.n = st->Int(7);
    c.unscored = st->Int(8);
    c.kappa_kind = st->Text(9);
    c.kappa = optional(10);
    c.kappa_lo = optional(11);
    c.kappa_hi = optional(12);
    c.detail_json = st->Text(13);
    c.labels_hash = st->Text(14);
    c.created_ms = st->Int(15);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace mmgate::store
