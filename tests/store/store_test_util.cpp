#include "store_test_util.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace posdrill::store_test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "posdrill-store-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<SqliteStore> open_ok(const std::filesystem::path& file, int64_t now_ms) {
  StoreStatus st;
  auto store = SqliteStore::open(file, st, WallTime{now_ms});
  INFO(st.message);
  REQUIRE(st);
  REQUIRE(store != nullptr);
  return store;
}

OperatorRecord make_operator(const std::string& id, Role role) {
  OperatorRecord op;
  op.employee_id = id;
  op.name = "Operator " + id;
  op.role = role;
  op.store_id = "S01";
  op.lang = Lang::zh;
  op.created_ms = WallTime{1000};
  return op;
}

AttemptRow make_attempt(const std::string& operator_id, const std::string& scenario_id, int64_t started_ms) {
  AttemptRow a;
  a.uuid = new_uuid();
  a.operator_id = operator_id;
  a.scenario_id = scenario_id;
  a.scenario_version = 3;
  a.content_hash = "ab12";
  a.lang = Lang::en;
  a.terminal = TerminalKind::emulated;
  a.seed = 0xfedcba9876543210ull;  // above INT64_MAX: the store must keep all 64 bits
  a.started_ms = WallTime{started_ms};
  return a;
}

AttemptEventRow make_event(const std::string& uuid, int seq, WallTime at, const std::string& step_id,
                           const std::string& choice_id, bool mistake, bool critical) {
  AttemptEventRow e;
  e.attempt_uuid = uuid;
  e.seq = seq;
  e.at_ms = at;
  e.kind = "step";
  e.step_id = step_id;
  e.choice_id = choice_id;
  e.points = mistake ? 0 : 10;
  e.max_points = 10;
  e.critical = critical;
  e.mistake = mistake;
  e.payload = R"({"step":")" + step_id + R"("})";
  return e;
}

AttemptRow closed(AttemptRow a, WallTime ended, double score, bool passed) {
  a.ended_ms = ended;
  a.score = score;
  a.passed = passed;
  a.finished = true;
  a.points = int(score * 100);
  a.max_points = 100;
  return a;
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

OutboxStatement abandoned_draft(const AttemptRow& a) {
  StatementSite site;
  site.kiosk_id = "till-1";
  site.platform = "posdrill test";
  Scenario sc;
  sc.id = a.scenario_id;
  sc.title = {"预授权", "Pre-authorization"};
  AttemptRow cut = a;
  cut.abandoned = true;
  cut.ended_ms = a.started_ms;
  return result_statement(site, "draft-" + a.uuid, make_operator(a.operator_id), cut, sc, {}, a.started_ms);
}

void exec_sql(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  char* err = nullptr;
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(sql << ": " << msg);
  REQUIRE(rc == SQLITE_OK);
}

std::string query_one(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  std::string out;
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const unsigned char* p = sqlite3_column_text(stmt, 0);
    out = p ? reinterpret_cast<const char*>(p) : "";
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  const std::string msg = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  INFO(sql << ": " << msg);
  REQUIRE(rc == SQLITE_OK);
  return out;
}

void back_to_schema(const std::filesystem::path& file, int version) {
  // undo[v] takes schema v + 1 back to v.
  const char* const undo[] = {
      nullptr,
      "DROP TABLE outbox; DROP TABLE remote_awards;",
      "DROP INDEX outbox_by_attempt; DROP TABLE attempt_drafts;",
      "DROP TABLE unknown_sign_ins;",
      "DROP TRIGGER summary_attempt_stored; DROP TRIGGER summary_attempt_closed; DROP TRIGGER summary_mistake; "
      "DROP TABLE scenario_summaries; DROP TABLE pass_frontier; DROP TABLE mistake_summaries;",
      "DROP TABLE practice_answers;",
  };
  static_assert(std::size(undo) == SqliteStore::schema_version, "an undo for every step after the first");
  REQUIRE(version >= 1);
  std::string sql;
  for (int v = SqliteStore::schema_version - 1; v >= version; --v) sql += undo[v];
  exec_sql(file, sql + "PRAGMA user_version = " + std::to_string(version) + ";");
}

}  // namespace posdrill::store_test
