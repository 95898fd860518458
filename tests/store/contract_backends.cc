#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>

#include "contract.h"

namespace mmgate::store::contract {

namespace fs = std::filesystem;

SqliteBackend::SqliteBackend() {
  static std::atomic<int> counter{0};
  dir_ = fs::temp_directory_path() /
         ("mmgate-contract-" + std::to_string(::getpid()) + "-" +
          std::to_string(counter++));
  fs::remove_all(dir_);
}

SqliteBackend::~SqliteBackend() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Result<std::unique_ptr<Store>> SqliteBackend::Open() {
  return OpenStore("sqlite:" + (dir_ / "results.db").string());
}

Status SqliteBackend::Exec(const std::string& sql) {
  sqlite3* db = nullptr;
  std::string path = (dir_ / "results.db").string();
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return Status::IoError("cannot open " + path);
  }
  sqlite3_busy_timeout(db, 10000);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) return Status::IoError(message + " in: " + sql);
  return Status::Ok();
}

namespace {

std::string PgServer() {
  const char* url = std::getenv("MMGATE_TEST_PG_URL");
  return url ? url : "";
}

}  // namespace

PgBackend::PgBackend() {
  static std::atomic<int> counter{0};
  schema_ = "contract_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++);
}

PgBackend::~PgBackend() {
  if (!created_) return;
  try {
    pqxx::connection c(PgServer());
    pqxx::work w(c);
    w.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    w.commit();
  } catch (const std::exception&) {
    // The server is gone with its temporary folder: nothing to drop.
  }
}

std::string PgBackend::SkipReason() {
  if (!PgServer().empty()) return "";
  return "MMGATE_TEST_PG_URL is not set: the PostgreSQL contract runs in the "
         "CTest test store_contract_postgres (tests/store/with_postgres.sh)";
}

std::string PgBackend::Url() const {
  std::string url = PgServer();
  return url + (url.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema_;
}

Result<std::unique_ptr<Store>> PgBackend::Open() {
  if (!created_) {
    try {
      pqxx::connection c(PgServer());
      pqxx::work w(c);
      w.exec("CREATE SCHEMA " + schema_);
      w.commit();
      created_ = true;
    } catch (const std::exception& e) {
      return Status::IoError(std::string("creating the test schema: ") +
                             e.what());
    }
  }
  return OpenStore(Url());
}

Status PgBackend::Exec(const std::string& sql) {
  try {
    pqxx::connection c(PgServer());
    pqxx::work w(c);
    w.exec("SET search_path TO " + schema_ + "; " + sql);
    w.commit();
  } catch (const std::exception& e) {
    return Status::IoError(std::string(e.what()) + " in: " + sql);
  }
  return Status::Ok();
}

RunRecord MakeRun(const std::string& run_id, int64_t created_ms) {
  RunRecord run;
  run.run_id = run_id;
  run.model = "ocr";
  run.model_version = "tesseract 5 cfg:1";
  run.spec_json = "{}";
  run.config_path = "mmgate.yaml";
  run.created_ms = created_ms;
  return run;
}

SuiteRecord ChartsSuite() {
  return SuiteRecord{
      "charts", "chart", "relaxed_accuracy", {"relaxed_accuracy", "anls"},
      "v1",     3};
}

std::vector<ItemRecord> ChartsItems() {
  std::vector<ItemRecord> items;
  for (int i = 1; i <= 3; ++i) {
    ItemRecord it;
    it.suite = "charts";
    it.item_id = "c" + std::to_string(i);
    it.content_hash = "h" + std::to_string(i);
    it.modality = "chart";
    it.metric = "relaxed_accuracy";
    it.group = it.item_id;
    it.expect = "answer";
    if (i == 1) it.slices = {{"chart_type", "bar"}};
    it.reference_json = "\"" + std::to_string(i * 10) + "\"";
    it.prompt = "What is the value?";
    it.media_json = R"([{"type":"image","path":"media/c.png"}])";
    it.line = i;
    items.push_back(std::move(it));
  }
  return items;
}

ResponseRecord Answered(const std::string& item_id, const std::string& answer) {
  ResponseRecord r;
  r.suite = "charts";
  r.item_id = item_id;
  r.content_hash = "h" + item_id.substr(1);
  r.answer = answer;
  r.latency_ms = 12.5;
  r.model_version = "tesseract 5 cfg:1";
  r.input_tokens = 7;
  r.output_tokens = 2;
  r.created_ms = 100;
  return r;
}

Status AddChartsRun(Store* store, const std::string& run_id,
                    int64_t created_ms) {
  MMGATE_RETURN_IF_ERROR(store->CreateRun(MakeRun(run_id, created_ms)));
  return store->PutSuite(run_id, ChartsSuite(), ChartsItems());
}

}  // namespace mmgate::store::contract
