// Internal to kiosk/store: the SQL helpers every store source shares (RAII statements and write
// transactions, error mapping). Values only ever reach SQL through bind(); no caller pastes text.
// Not part of the store's interface: nothing outside kiosk/store includes this header.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "base/time.h"
#include "kiosk/store/store.h"

namespace posdrill::store_sql {

// ---- Statement and transaction helpers ------------------------------------------------

// One prepared statement. Values only ever reach SQL through the bind() calls, never by pasting
// text, so no operator name or payload can change a query.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  int prepare_rc() const { return rc_; }

  Stmt& bind(int i, std::string_view s) {
    // An empty view may have a null data(); SQLite would store NULL for it, so pass "".
    sqlite3_bind_text(stmt_, i, s.empty() ? "" : s.data(), int(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const std::string& s) { return bind(i, std::string_view(s)); }
  Stmt& bind(int i, const char* s) { return bind(i, std::string_view(s)); }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, int64_t(v)); }
  Stmt& bind(int i, WallTime t) { return bind(i, t.ms()); }  // a column of Unix ms
  Stmt& bind(int i, bool v) { return bind(i, int64_t(v ? 1 : 0)); }
  Stmt& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return ok() ? sqlite3_step(stmt_) : rc_; }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), std::size_t(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  // The column's text where SQLite holds it: valid until the next step(), reset() or the
  // statement's end. For comparing without a copy; text() to keep it.
  std::string_view view(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string_view(reinterpret_cast<const char*>(p), std::size_t(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
  WallTime wall(int col) const { return WallTime{i64(col)}; }  // a column of Unix ms
  int i32(int col) const { return int(sqlite3_column_int64(stmt_, col)); }
  bool flag(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

// ---- What stays small ------------------------------------------------------------------

// Tables whose size does not grow with the history (one row per person, setting, award, summary
// or open attempt): db check's quick mode and a writing open of a large file read every page of
// these.
inline constexpr const char* small_tables[] = {
    "sqlite_schema",     "operators",          "settings",      "awards",           "remote_awards", "attempt_drafts",
    "unknown_sign_ins", "scenario_summaries", "pass_frontier", "mistake_summaries",
};

// ---- Error mapping ----------------------------------------------------------------------

inline StoreStatus make_status(StoreError code, std::string message) { return StoreStatus{code, std::move(message)}; }

inline StoreError error_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreError::busy;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return StoreError::corrupt;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return StoreError::invalid;
    default:  // FULL, IOERR, READONLY, CANTOPEN, PERM, NOMEM, …: the machine said no
      return StoreError::io;
  }
}

// "FILE: WHAT: SQLite's words". sqlite3_errmsg never contains bound values, so no PIN or hash
// can leak through it.
inline StoreStatus sql_status(sqlite3* db, const std::filesystem::path& file, int rc, std::string_view what) {
  std::string msg = file.string() + ": " + std::string(what) + ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_NOTADB) msg += " (not a posdrill database)";
  return make_status(error_for(rc), std::move(msg));
}

// A write transaction. BEGIN IMMEDIATE takes the write lock up front, so two writers never both
// read and then fail to upgrade (the deadlock a deferred BEGIN allows); the busy timeout makes
// the second one wait. Destroyed without commit() = rolled back.
class WriteTx {
 public:
  // `refusal` not ok: no transaction starts and status() is the refusal (a damaged or read-only
  // store).
  WriteTx(sqlite3* db, const std::filesystem::path& file, const StoreStatus& refusal) : db_(db), file_(file) {
    if (!refusal) {
      status_ = refusal;
      return;
    }
    int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      status_ = sql_status(db_, file_, rc, "cannot start a write");
    } else {
      open_ = true;
    }
  }
  ~WriteTx() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  WriteTx(const WriteTx&) = delete;
  WriteTx& operator=(const WriteTx&) = delete;

  const StoreStatus& status() const { return status_; }
  StoreStatus commit() {
    int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot commit");  // destructor rolls back
    open_ = false;
    return {};
  }

 private:
  sqlite3* db_;
  const std::filesystem::path& file_;
  bool open_ = false;
  StoreStatus status_;
};

// Runs a statement that returns nothing (or whose rows do not matter) to completion.
inline int exec_bound(Stmt& s) {
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// "(?1 = '' OR col = ?1)" lets one statement text serve both "everyone" and "this one", but the
// planner cannot use an index through the OR. When a key is given, the text drops the first half
// so the index applies; the key itself is still only ever a bound parameter.
inline std::string one_or_all(std::string sql, std::string_view key) {
  if (!key.empty())
    for (std::size_t at; (at = sql.find("?1 = '' OR ")) != std::string::npos;) sql.erase(at, 11);
  return sql;
}

// SQLITE_ROW when the operator exists, SQLITE_DONE when not, else SQLite's error.
inline int operator_exists(sqlite3* db, std::string_view id) {
  Stmt s(db, "SELECT 1 FROM operators WHERE employee_id = ?1");
  s.bind(1, id);
  return s.step();
}

// Steps `s` to its end, appending read(s) for each row to `out`. SQLITE_OK, or SQLite's error
// with `out` emptied: no caller ever sees part of a list.
template <typename Out, typename Read>
int read_rows(Stmt& s, Out& out, Read read) {
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read(s));
  if (rc == SQLITE_DONE) return SQLITE_OK;
  out.clear();
  return rc;
}

// At most one row: sets `out` from it (SQLITE_OK), leaves it empty when there is none
// (SQLITE_OK), or returns SQLite's error.
template <typename Found, typename Read>
int read_one(Stmt& s, Found& out, Read read) {
  const int rc = s.step();
  if (rc == SQLITE_ROW) out.emplace(read(s));
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

inline Lang parse_lang_or_zh(const std::string& s) { return parse_lang(s).value_or(Lang::zh); }

// The schema step that takes a file from user_version `version` to `version` + 1 (store.cpp's
// migrations; nullptr outside 0..schema_version-1). check() builds the expected schema from them.
const char* migration_step(int version);

// libsodium is initialised once per process (store.cpp); aborts when the system has no randomness.
void ensure_sodium();

// Creates `file` (empty) and its missing folders, private to their owner (0600 / 0700), unless it
// exists: the records name people and their scores.
StoreStatus create_private_file(const std::filesystem::path& file);

}  // namespace posdrill::store_sql
