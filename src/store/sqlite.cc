#include "store/sqlite.h"

#include <filesystem>

namespace mmgate::store {

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(),
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Statement& Statement::BindOptional(int index,
                                   const std::optional<std::string>& text) {
  return text ? Bind(index, *text) : BindNull(index);
}

Statement& Statement::BindOptional(int index,
                                   const std::optional<double>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Status::IoError(std::string("sqlite: ") + sqlite3_errmsg(db_) +
                         " in: " + sqlite3_sql(stmt_.get()));
}

Status Statement::Run() {
  Result<bool> r = Step();
  while (r.ok() && *r) r = Step();
  Reset();
  return r.status();
}

Result<std::optional<int64_t>> Statement::RunReturningInt() {
  Result<bool> r = Step();
  if (!r.ok()) {
    Reset();
    return r.status();
  }
  if (!*r) {
    Reset();  // stepping again after SQLITE_DONE would run it twice
    return std::optional<int64_t>();
  }
  std::optional<int64_t> value = Int(0);
  MMGATE_RETURN_IF_ERROR(Run());  // the rest of the rows, then done
  return value;
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::Text(int col) const {
  return std::string(TextView(col));
}

namespace {

// One column call and value calls: each sqlite3_column_* call enters the
// connection and checks for an allocation failure, a cost a million-row read
// pays per call. The value is the row's own (a statement's connection is used
// by one thread at a time here), read before the next Step.
std::string_view ValueText(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  if (t == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(t),
                          static_cast<size_t>(sqlite3_value_bytes(v)));
}

}  // namespace

std::string_view Statement::TextView(int col) const {
  return ValueText(sqlite3_column_value(stmt_.get(), col));
}

std::optional<std::string_view> Statement::TextOrNull(int col) const {
  sqlite3_value* v = sqlite3_column_value(stmt_.get(), col);
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return ValueText(v);
}

int64_t Statement::Int(int col) const {
  return sqlite3_column_int64(stmt_.get(), col);
}

double Statement::Double(int col) const {
  return sqlite3_column_double(stmt_.get(), col);
}

bool Statement::IsNull(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}

Result<std::unique_ptr<Database>> Database::Open(
    const std::string& path, const std::function<Status(Database*)>& check) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path())
    std::filesystem::create_directories(p.parent_path(), ec);
  sqlite3* raw = nullptr;
  // No mutex of SQLite's own: a Database is used by one thread at a time
  // (SqliteStore holds its lock around every call), and SQLite's would be
  // taken on every column of every row read.
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  std::unique_ptr<Database> db(new Database(path, raw));
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open database " + path + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 10000);
  if (check) MMGATE_RETURN_IF_ERROR(check(db.get()));
  // WAL with synchronous=NORMAL: a committed item survives a crash or kill of
  // the process, and readers (gate, report) never block the writer.
  MMGATE_RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               " PRAGMA foreign_keys=ON;")
          .WithContext(path));
  return db;
}

Result<std::unique_ptr<Database>> Database::OpenReader(
    const std::string& path) {
  sqlite3* raw = nullptr;
  // Read-write without create: a read-only connection to a WAL database
  // cannot always set up the shared-memory index; this one writes nothing.
  int rc = sqlite3_open_v2(
      path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db(new Database(path, raw));
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open database " + path + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 10000);
  MMGATE_RETURN_IF_ERROR(db->Exec("PRAGMA query_only=ON").WithContext(path));
  return db;
}

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IoError("sqlite " + path_ + ": " + msg);
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         &stmt, nullptr) != SQLITE_OK) {
    return Status::Internal("sqlite " + path_ + ": " +
                            sqlite3_errmsg(db_.get()) +
                            " in: " + std::string(sql));
  }
  return Statement(db_.get(), stmt);
}

Transaction::Transaction(Database* db)
    : db_(db), begin_(db->Exec("BEGIN IMMEDIATE")) {}

Transaction::~Transaction() {
  if (begin_.ok() && !done_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  MMGATE_RETURN_IF_ERROR(begin_);
  Status s = db_->Exec("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

ReadTransaction::ReadTransaction(Database* db)
    : db_(db), begin_(db->Exec("BEGIN")) {}

ReadTransaction::~ReadTransaction() {
  if (begin_.ok()) (void)db_->Exec("ROLLBACK");
}

}  // namespace mmgate::store
