// A thin RAII layer over the SQLite C API: a connection, prepared statements
// and transactions, with errors carrying the SQL and the database path.
// Private to src/store/: no header outside this folder may include it.
#ifndef MMGATE_STORE_SQLITE_H_
#define MMGATE_STORE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::store {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<std::string>& text);
  Statement& BindOptional(int index, const std::optional<double>& value);

  // Steps once: true while a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, then resets so the statement can be reused.
  Status Run();
  // Run() for a statement with RETURNING one integer: the first row's value,
  // nullopt when no row came back (an upsert whose WHERE refused).
  Result<std::optional<int64_t>> RunReturningInt();
  void Reset();

  std::string Text(int col) const;
  // The column's text without a copy, valid until the next Step or Reset.
  std::string_view TextView(int col) const;
  // TextView, or nullopt for NULL.
  std::optional<std::string_view> TextOrNull(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  bool IsNull(int col) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// Not thread-safe: one thread at a time (the caller locks).
class Database {
 public:
  // Opens (creating if needed) the database file and its folder. `check`,
  // when set, runs before anything is written (WAL mode rewrites the file's
  // header): an error from it leaves the file as it was.
  static Result<std::unique_ptr<Database>> Open(
      const std::string& path,
      const std::function<Status(Database*)>& check = nullptr);
  // A further connection to an existing database file, for reads only
  // (nothing is created, migrated or written): a long read on it runs beside
  // the store's own connection (WAL lets readers run concurrently).
  static Result<std::unique_ptr<Database>> OpenReader(const std::string& path);

  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  const Status& status() const { return begin_; }
  Status Commit();

 private:
  Database* db_;
  Status begin_;
  bool done_ = false;
};

// BEGIN (deferred) on construction, so the reads that follow see one snapshot
// even while another process writes; ROLLBACK (nothing was written) on
// destruction.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database* db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  const Status& status() const { return begin_; }

 private:
  Database* db_;
  Status begin_;
};

}  // namespace mmgate::store

#endif  // MMGATE_STORE_SQLITE_H_
