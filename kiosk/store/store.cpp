// SqliteStore: the kiosk's records in one SQLite file.
//
// [SECTION] Statement and transaction helpers (RAII, bound parameters only)
// [SECTION] Error mapping (SQLite result codes -> StoreError, messages name the file)
// [SECTION] Schema migrations (PRAGMA user_version; one step per version)
// [SECTION] Opening (file modes, pragmas, migration, crash recovery)
// [SECTION] Operators and PINs (argon2id, lock-out)
// [SECTION] Attempts and events
// [SECTION] Statistics (GROUP BY in SQL)
// [SECTION] Certification, settings, check(), new_uuid()
// [SECTION] xAPI outbox and certifications from the LRS
#include "kiosk/store/store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "scenarios/text.h"

namespace posdrill {

namespace {

// ---- [SECTION] Statement and transaction helpers ------------------------------------------------

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
  int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
  int i32(int col) const { return int(sqlite3_column_int64(stmt_, col)); }
  bool flag(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

// ---- [SECTION] Error mapping ----------------------------------------------------------------------

StoreStatus make_status(StoreError code, std::string message) { return StoreStatus{code, std::move(message)}; }

StoreError error_for(int rc) {
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
StoreStatus sql_status(sqlite3* db, const std::filesystem::path& file, int rc, std::string_view what) {
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
  WriteTx(sqlite3* db, const std::filesystem::path& file) : db_(db), file_(file) {
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

// ---- [SECTION] Schema migrations ------------------------------------------------------------------

// migrations[i] takes a database from user_version i to i + 1. Append a step for every schema
// change; never edit a step that has shipped, since files in the field have already run it.
// Step 1 is the whole first schema.
//
// Booleans are INTEGER 0/1; times are INTEGER milliseconds since the epoch (UTC); role, lang
// and terminal are their text names so the file reads well in the sqlite3 shell.
constexpr const char* migrations[] = {
    R"sql(
CREATE TABLE operators (
  employee_id     TEXT PRIMARY KEY NOT NULL,
  name            TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('trainee', 'manager', 'admin')),
  store_id        TEXT NOT NULL DEFAULT '',
  lang            TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_ms      INTEGER NOT NULL,
  pin_hash        TEXT NOT NULL,
  failed_pins     INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE attempts (
  uuid             TEXT PRIMARY KEY NOT NULL,
  operator_id      TEXT NOT NULL REFERENCES operators (employee_id),
  scenario_id      TEXT NOT NULL,
  scenario_version INTEGER NOT NULL,
  content_hash     TEXT NOT NULL,
  lang             TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
  terminal         TEXT NOT NULL CHECK (terminal IN ('emulated', 'real')),
  seed             INTEGER NOT NULL,
  started_ms       INTEGER NOT NULL,
  ended_ms         INTEGER NOT NULL DEFAULT 0,
  points           INTEGER NOT NULL DEFAULT 0,
  max_points       INTEGER NOT NULL DEFAULT 0,
  score            REAL NOT NULL DEFAULT 0,
  passed           INTEGER NOT NULL DEFAULT 0 CHECK (passed IN (0, 1)),
  critical_errors  INTEGER NOT NULL DEFAULT 0,
  finished         INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
  abandoned        INTEGER NOT NULL DEFAULT 0 CHECK (abandoned IN (0, 1))
);
-- One operator's history, newest first; the roster's per-operator figures.
CREATE INDEX attempts_by_operator ON attempts (operator_id, started_ms);
-- The manager's per-scenario chart.
CREATE INDEX attempts_by_scenario ON attempts (scenario_id);
-- Crash recovery at open() looks only at open attempts.
CREATE INDEX attempts_open ON attempts (ended_ms) WHERE ended_ms = 0;

CREATE TABLE attempt_events (
  attempt_uuid TEXT NOT NULL REFERENCES attempts (uuid),
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  at_ms        INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  step_id      TEXT NOT NULL,
  choice_id    TEXT NOT NULL DEFAULT '',
  points       INTEGER NOT NULL DEFAULT 0,
  max_points   INTEGER NOT NULL DEFAULT 0,
  critical     INTEGER NOT NULL DEFAULT 0 CHECK (critical IN (0, 1)),
  mistake      INTEGER NOT NULL DEFAULT 0 CHECK (mistake IN (0, 1)),
  payload      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (attempt_uuid, seq)
) WITHOUT ROWID;
-- Mistake counting reads only the mistakes, and this covering index holds all it needs.
CREATE INDEX events_mistakes ON attempt_events (attempt_uuid, step_id, choice_id, critical) WHERE mistake = 1;

CREATE TABLE awards (
  id            INTEGER PRIMARY KEY,
  operator_id   TEXT NOT NULL REFERENCES operators (employee_id),
  track_id      TEXT NOT NULL,
  track_version INTEGER NOT NULL,
  awarded_ms    INTEGER NOT NULL,
  expires_ms    INTEGER NOT NULL,
  basis         TEXT NOT NULL DEFAULT '[]'  -- JSON array of attempt uuids
);
CREATE INDEX awards_by_operator ON awards (operator_id, awarded_ms);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
)sql",
    // Step 2: the xAPI outbox (statements kept as the exact bytes to send, built in the same
    // transaction as the event they report) and certifications learnt from the LRS.
    R"sql(
CREATE TABLE outbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  attempt_uuid TEXT NOT NULL DEFAULT '',
  verb         TEXT NOT NULL,
  body         TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'set_aside', 'voided')),
  tries        INTEGER NOT NULL DEFAULT 0,
  next_try_ms  INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  done_ms      INTEGER NOT NULL DEFAULT 0
);
-- The sender reads the queue in order; the footer counts by state.
CREATE INDEX outbox_by_state ON outbox (state, seq);

CREATE TABLE remote_awards (
  statement_id TEXT PRIMARY KEY NOT NULL,
  operator_id  TEXT NOT NULL,
  track_id     TEXT NOT NULL,
  awarded_ms   INTEGER NOT NULL,
  kiosk_id     TEXT NOT NULL DEFAULT '',
  store_id     TEXT NOT NULL DEFAULT '',
  fetched_ms   INTEGER NOT NULL
);
CREATE INDEX remote_awards_by_operator ON remote_awards (operator_id, awarded_ms);
)sql",
};
static_assert(std::size(migrations) == SqliteStore::schema_version,
              "one migration step per schema version: append a step when schema_version grows");

// ---- Small conversions --------------------------------------------------------------------------

const char* terminal_name(TerminalKind t) { return t == TerminalKind::real ? "real" : "emulated"; }
TerminalKind parse_terminal(const std::string& s) { return s == "real" ? TerminalKind::real : TerminalKind::emulated; }
Lang parse_lang_or_zh(const std::string& s) { return parse_lang(s).value_or(Lang::zh); }

void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; the static makes it once per process. It fails only
  // when the system has no randomness source, and then nothing here can be trusted.
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

// argon2id at OWASP's minimum (t=2, m=19 MiB): ~tens of ms per sign-in on the kiosk, and a stolen
// file costs an attacker the same per guess. Four-to-eight-digit PINs are few, so the lock-out,
// not the hash, is what protects a PIN at the till; the hash protects the file.
constexpr unsigned long long pin_opslimit = 2;
constexpr std::size_t pin_memlimit = 19u * 1024u * 1024u;

bool hash_pin(std::string_view pin, std::string& out) {
  ensure_sodium();
  char buf[crypto_pwhash_argon2id_STRBYTES];
  if (crypto_pwhash_argon2id_str(buf, pin.data(), pin.size(), pin_opslimit, pin_memlimit) != 0) return false;
  out = buf;
  return true;
}

bool pin_matches(const std::string& hash, std::string_view pin) {
  ensure_sodium();
  return crypto_pwhash_argon2id_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

// An unknown employee id costs the same argon2 verification as a known one, against a hash of a
// random secret made once: the time of the answer never tells which ids exist.
void spend_a_pin_check(std::string_view pin) {
  static const std::string dummy = [] {
    ensure_sodium();
    unsigned char secret[16];
    randombytes_buf(secret, sizeof secret);
    std::string hash;
    hash_pin(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret), hash);
    sodium_memzero(secret, sizeof secret);
    return hash;
  }();
  if (!dummy.empty()) (void)pin_matches(dummy, pin);
}

StoreStatus field_status(FieldError e) { return make_status(StoreError::invalid, std::string(field_error_en(e))); }

OperatorRecord read_operator(const Stmt& s) {
  // Columns: employee_id, name, role, store_id, lang, active, created_ms
  OperatorRecord op;
  op.employee_id = s.text(0);
  op.name = s.text(1);
  op.role = parse_role(s.text(2)).value_or(Role::trainee);
  op.store_id = s.text(3);
  op.lang = parse_lang_or_zh(s.text(4));
  op.active = s.flag(5);
  op.created_ms = s.i64(6);
  return op;
}
constexpr const char* operator_columns = "employee_id, name, role, store_id, lang, active, created_ms";

constexpr const char* attempt_columns =
    "uuid, operator_id, scenario_id, scenario_version, content_hash, lang, terminal, seed, started_ms, ended_ms, "
    "points, max_points, score, passed, critical_errors, finished, abandoned";
AttemptRow read_attempt(const Stmt& s) {
  AttemptRow a;
  a.uuid = s.text(0);
  a.operator_id = s.text(1);
  a.scenario_id = s.text(2);
  a.scenario_version = s.i32(3);
  a.content_hash = s.text(4);
  a.lang = parse_lang_or_zh(s.text(5));
  a.terminal = parse_terminal(s.text(6));
  a.seed = static_cast<uint64_t>(s.i64(7));  // stored as the same 64 bits, signed
  a.started_ms = s.i64(8);
  a.ended_ms = s.i64(9);
  a.points = s.i32(10);
  a.max_points = s.i32(11);
  a.score = s.real(12);
  a.passed = s.flag(13);
  a.critical_errors = s.i32(14);
  a.finished = s.flag(15);
  a.abandoned = s.flag(16);
  return a;
}

// Shared by begin_attempt and add_closed_attempt: inserts every column of `a`.
int insert_attempt(sqlite3* db, const AttemptRow& a) {
  Stmt s(db,
         "INSERT INTO attempts (uuid, operator_id, scenario_id, scenario_version, content_hash, lang, terminal, seed, "
         "started_ms, ended_ms, points, max_points, score, passed, critical_errors, finished, abandoned) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
  s.bind(1, a.uuid).bind(2, a.operator_id).bind(3, a.scenario_id).bind(4, a.scenario_version);
  s.bind(5, a.content_hash).bind(6, lang_code(a.lang)).bind(7, terminal_name(a.terminal));
  s.bind(8, static_cast<int64_t>(a.seed)).bind(9, a.started_ms).bind(10, a.ended_ms).bind(11, a.points);
  s.bind(12, a.max_points).bind(13, a.score).bind(14, a.passed).bind(15, a.critical_errors);
  s.bind(16, a.finished).bind(17, a.abandoned);
  return s.step();
}

int insert_event(Stmt& s, const AttemptEventRow& e) {
  s.reset();
  s.bind(1, e.attempt_uuid).bind(2, e.seq).bind(3, e.at_ms).bind(4, e.kind).bind(5, e.step_id);
  s.bind(6, e.choice_id).bind(7, e.points).bind(8, e.max_points).bind(9, e.critical).bind(10, e.mistake);
  s.bind(11, e.payload);
  return s.step();
}
constexpr const char* insert_event_sql =
    "INSERT INTO attempt_events (attempt_uuid, seq, at_ms, kind, step_id, choice_id, points, max_points, critical, "
    "mistake, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

bool operator_exists(sqlite3* db, std::string_view id) {
  Stmt s(db, "SELECT 1 FROM operators WHERE employee_id = ?1");
  s.bind(1, id);
  return s.step() == SQLITE_ROW;
}

// Runs a statement that returns nothing (or whose rows do not matter) to completion.
int exec_bound(Stmt& s) {
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// Creates the missing folders of `dir` with mode 0700: the records name people and their scores.
bool make_private_dirs(const std::filesystem::path& dir, std::string& error) {
  if (dir.empty()) return true;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return true;
  if (!make_private_dirs(dir.parent_path() == dir ? std::filesystem::path() : dir.parent_path(), error)) return false;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = dir.string() + ": cannot create the folder: " + std::strerror(errno);
    return false;
  }
  return true;
}

// "(?1 = '' OR col = ?1)" lets one statement text serve both "everyone" and "this one", but the
// planner cannot use an index through the OR. When a key is given, the text drops the first half
// so the index applies; the key itself is still only ever a bound parameter.
std::string one_or_all(std::string sql, std::string_view key) {
  if (!key.empty())
    for (std::size_t at; (at = sql.find("?1 = '' OR ")) != std::string::npos;) sql.erase(at, 11);
  return sql;
}

enum class AttemptState { missing, open, closed };
AttemptState attempt_state(sqlite3* db, std::string_view uuid) {
  Stmt s(db, "SELECT ended_ms FROM attempts WHERE uuid = ?1");
  s.bind(1, uuid);
  if (s.step() != SQLITE_ROW) return AttemptState::missing;
  return s.i64(0) == 0 ? AttemptState::open : AttemptState::closed;
}

}  // namespace

// ---- [SECTION] Opening ----------------------------------------------------------------------------

SqliteStore::SqliteStore(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}

SqliteStore::~SqliteStore() {
  // sqlite3_close_v2 lets the last connection checkpoint the WAL; every statement is already
  // finalized (Stmt is scoped), so this never leaves a zombie connection behind.
  sqlite3_close_v2(db_);
  if (live_fd_ >= 0) ::close(live_fd_);  // releases the liveness lock
}

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& file, StoreStatus& status, int64_t now_ms) {
  (void)now_ms;  // recovery ends an attempt at its own last event, not at the time we noticed
  ensure_sodium();
  status = {};
  std::string error;
  if (!make_private_dirs(file.parent_path(), error)) {
    status = make_status(StoreError::io, error);
    return nullptr;
  }
  // Create the file ourselves so it is 0600 from its first byte (SQLite would use 0644 less the
  // umask); SQLite gives the -wal and -shm files the database file's mode.
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    status = make_status(StoreError::io, file.string() + ": cannot open: " + std::strerror(errno));
    return nullptr;
  }
  ::close(fd);

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteStore> store(new SqliteStore(raw, file));  // owns raw even when rc failed
  if (rc != SQLITE_OK) {
    status = sql_status(raw, file, rc, "cannot open");
    return nullptr;
  }
  sqlite3* db = store->db_;
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);

  // Read before anything writes: a file that is not SQLite fails here (NOTADB) and stays exactly
  // as it was, so whatever it is can still be looked at.
  int version = 0;
  {
    Stmt s(db, "PRAGMA user_version");
    rc = s.step();
    if (rc != SQLITE_ROW) {
      status = sql_status(db, file, rc, "cannot read the database");
      return nullptr;
    }
    version = s.i32(0);
  }
  if (version > schema_version) {
    status = make_status(StoreError::too_new, file.string() + ": written by a newer posdrill (schema " +
                                                  std::to_string(version) + ", this one knows up to " +
                                                  std::to_string(schema_version) + ")");
    return nullptr;
  }

  // Per-connection settings. WAL lets the manager console read while a drill writes; FULL syncs
  // the WAL at every commit, so a committed decision survives a power cut, not just kill -9.
  for (const char* pragma : {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL"}) {
    rc = sqlite3_exec(db, pragma, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      status = sql_status(db, file, rc, pragma);
      return nullptr;
    }
  }
  {
    // journal_mode is stored in the file: ask first, so only the first open switches it (the
    // switch needs a moment of exclusive access, which a second opener would contend for).
    std::string mode;
    {
      Stmt q(db, "PRAGMA journal_mode");  // finalized before the switch: no read may be open then
      if (q.step() == SQLITE_ROW) mode = q.text(0);
    }
    if (mode != "wal") {
      Stmt w(db, "PRAGMA journal_mode = WAL");
      rc = w.step();
      if (rc != SQLITE_ROW || w.text(0) != "wal") {
        status = rc == SQLITE_ROW ? make_status(StoreError::io, file.string() + ": cannot use a WAL journal here")
                                  : sql_status(db, file, rc, "cannot switch to a WAL journal");
        return nullptr;
      }
    }
  }

  // Migrate under the write lock, re-reading the version inside it: two processes opening an old
  // file at once must not both run a step.
  if (version < schema_version) {
    WriteTx tx(db, file);
    if (!tx.status()) {
      status = tx.status();
      return nullptr;
    }
    {
      Stmt s(db, "PRAGMA user_version");  // finalized before the steps run
      if ((rc = s.step()) != SQLITE_ROW) {
        status = sql_status(db, file, rc, "cannot read the schema version");
        return nullptr;
      }
      version = s.i32(0);
    }
    for (int v = version; v < schema_version; ++v) {
      rc = sqlite3_exec(db, migrations[v], nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK) {
        status = sql_status(db, file, rc, "migration to schema " + std::to_string(v + 1) + " failed");
        return nullptr;
      }
    }
    // PRAGMA takes no bound parameters; the value is our own constant, not input.
    std::string set_version = "PRAGMA user_version = " + std::to_string(schema_version);
    if ((rc = sqlite3_exec(db, set_version.c_str(), nullptr, nullptr, nullptr)) != SQLITE_OK) {
      status = sql_status(db, file, rc, "cannot set the schema version");
      return nullptr;
    }
    if (!(status = tx.commit())) return nullptr;
  }

  // Attempts still open were cut off by a crash or a pulled plug: close them as abandoned at
  // their last committed event, which is the last moment we know the trainee was there. But an
  // open attempt may also belong to a live store elsewhere (the kiosk mid-drill while `posdrill
  // report` opens the file), so recover only when no other store is open. Every open store holds
  // a shared flock on FILE-lock; getting it exclusively means we are alone. The kernel drops the
  // lock of a killed process, so a crash never blocks the recovery it needs.
  const std::string lock_file = file.string() + "-lock";
  store->live_fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (store->live_fd_ < 0) {
    status = make_status(StoreError::io, lock_file + ": cannot open: " + std::strerror(errno));
    return nullptr;
  }
  const bool alone = ::flock(store->live_fd_, LOCK_EX | LOCK_NB) == 0;
  if (alone) {
    WriteTx tx(db, file);
    if (!tx.status()) {
      status = tx.status();
      return nullptr;
    }
    Stmt s(db,
           "UPDATE attempts SET abandoned = 1, finished = 0, ended_ms = max(started_ms, coalesce((SELECT max(at_ms) "
           "FROM attempt_events e WHERE e.attempt_uuid = attempts.uuid), started_ms)) WHERE ended_ms = 0");
    if ((rc = exec_bound(s)) != SQLITE_OK) {
      status = sql_status(db, file, rc, "cannot close interrupted attempts");
      return nullptr;
    }
    store->recovered_ = sqlite3_changes(db);
    if (!(status = tx.commit())) return nullptr;
  }
  // Shared from now on (waits out another opener's short exclusive hold during its recovery).
  while (::flock(store->live_fd_, LOCK_SH) != 0) {
    if (errno != EINTR) {
      status = make_status(StoreError::io, lock_file + ": cannot lock: " + std::strerror(errno));
      return nullptr;
    }
  }
  return store;
}

int SqliteStore::user_version() {
  Stmt s(db_, "PRAGMA user_version");
  return s.step() == SQLITE_ROW ? s.i32(0) : -1;
}

// ---- [SECTION] Operators and PINs ---------------------------------------------------------------

StoreStatus SqliteStore::add_operator(const OperatorRecord& op, std::string_view pin) {
  if (auto e = check_employee_id(op.employee_id); e != FieldError::none) return field_status(e);
  if (auto e = check_operator_name(op.name); e != FieldError::none) return field_status(e);
  if (auto e = check_pin(pin); e != FieldError::none) return field_status(e);
  // Hash before the write lock: argon2 takes tens of ms and other writers should not wait for it.
  std::string hash;
  if (!hash_pin(pin, hash)) return make_status(StoreError::io, "cannot hash the PIN (out of memory)");

  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  if (operator_exists(db_, op.employee_id))
    return make_status(StoreError::exists, "an operator with employee id " + op.employee_id + " already exists");
  Stmt s(db_,
         "INSERT INTO operators (employee_id, name, role, store_id, lang, active, created_ms, pin_hash) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.bind(1, op.employee_id).bind(2, op.name).bind(3, role_name(op.role)).bind(4, op.store_id);
  s.bind(5, lang_code(op.lang)).bind(6, op.active).bind(7, op.created_ms).bind(8, hash);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot add the operator");
  return tx.commit();
}

std::optional<OperatorRecord> SqliteStore::find_operator(std::string_view employee_id) {
  std::string sql = std::string("SELECT ") + operator_columns + " FROM operators WHERE employee_id = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, employee_id);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return read_operator(s);
}

std::vector<OperatorRecord> SqliteStore::operators(bool include_inactive) {
  std::string sql = std::string("SELECT ") + operator_columns + " FROM operators WHERE active = 1 OR ?1 = 1 " +
                    "ORDER BY employee_id";
  Stmt s(db_, sql.c_str());
  s.bind(1, include_inactive);
  std::vector<OperatorRecord> out;
  while (s.step() == SQLITE_ROW) out.push_back(read_operator(s));
  return out;
}

bool SqliteStore::has_active_admin() {
  Stmt s(db_, "SELECT 1 FROM operators WHERE role = 'admin' AND active = 1 LIMIT 1");
  return s.step() == SQLITE_ROW;
}

bool SqliteStore::has_active_manager() {
  Stmt s(db_, "SELECT 1 FROM operators WHERE role IN ('manager', 'admin') AND active = 1 LIMIT 1");
  return s.step() == SQLITE_ROW;
}

// Order of the checks: unknown, inactive, locked, then the PIN. Only the last costs an argon2
// verification, and it is the only one that can change the failure count. The whole check runs
// under the write lock so two kiosks typing at once cannot both spend the last try.
PinCheck SqliteStore::verify_pin(std::string_view employee_id, std::string_view pin, int64_t now_ms) {
  PinCheck result;
  WriteTx tx(db_, file_);
  if (!tx.status()) return result;  // unknown_operator: the screens say "wrong" and nothing is counted

  std::string sql = std::string("SELECT ") + operator_columns +
                    ", pin_hash, failed_pins, locked_until_ms FROM operators WHERE employee_id = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, employee_id);
  if (s.step() != SQLITE_ROW) {
    spend_a_pin_check(pin);
    return result;
  }
  result.op = read_operator(s);
  std::string hash = s.text(7);
  int failed = s.i32(8);
  int64_t locked_until = s.i64(9);
  s.reset();  // done reading; the UPDATE below runs on the same connection

  if (!result.op.active) {
    result.outcome = PinOutcome::inactive;
    return result;
  }
  if (locked_until != 0 && now_ms < locked_until) {
    result.outcome = PinOutcome::locked;
    result.locked_until_ms = locked_until;
    return result;
  }
  if (locked_until != 0) failed = 0;  // the lock has passed: a fresh set of tries

  bool right = pin_matches(hash, pin);
  if (right) {
    failed = 0;
    locked_until = 0;
    result.outcome = PinOutcome::ok;
    result.tries_left = pin_max_failures;
  } else {
    ++failed;
    if (failed >= pin_max_failures) {
      // The try that reaches the limit already reports the lock, so the screen can say until when.
      locked_until = now_ms + pin_lockout_ms;
      result.outcome = PinOutcome::locked;
      result.locked_until_ms = locked_until;
      result.tries_left = 0;
    } else {
      locked_until = 0;
      result.outcome = PinOutcome::wrong;
      result.tries_left = pin_max_failures - failed;
    }
  }
  Stmt u(db_, "UPDATE operators SET failed_pins = ?2, locked_until_ms = ?3 WHERE employee_id = ?1");
  u.bind(1, employee_id).bind(2, failed).bind(3, locked_until);
  if (exec_bound(u) != SQLITE_OK || !tx.commit()) {
    // The count could not be kept; refuse rather than let an unrecorded wrong try through.
    if (result.outcome == PinOutcome::ok) result.outcome = PinOutcome::wrong;
  }
  return result;
}

StoreStatus SqliteStore::reset_pin(std::string_view employee_id, std::string_view new_pin) {
  if (auto e = check_pin(new_pin); e != FieldError::none) return field_status(e);
  std::string hash;
  if (!hash_pin(new_pin, hash)) return make_status(StoreError::io, "cannot hash the PIN (out of memory)");
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt s(db_, "UPDATE operators SET pin_hash = ?2, failed_pins = 0, locked_until_ms = 0 WHERE employee_id = ?1");
  s.bind(1, employee_id).bind(2, hash);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot reset the PIN");
  if (sqlite3_changes(db_) == 0)
    return make_status(StoreError::not_found, "no operator with employee id " + std::string(employee_id));
  return tx.commit();
}

namespace {
// One-column operator updates: `sql` has ?1 = employee id, ?2 = the value.
template <typename V>
StoreStatus update_operator(sqlite3* db, const std::filesystem::path& file, const char* sql, std::string_view id,
                            const V& value, const char* what) {
  WriteTx tx(db, file);
  if (!tx.status()) return tx.status();
  Stmt s(db, sql);
  s.bind(1, id).bind(2, value);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db, file, rc, what);
  if (sqlite3_changes(db) == 0)
    return make_status(StoreError::not_found, "no operator with employee id " + std::string(id));
  return tx.commit();
}
}  // namespace

StoreStatus SqliteStore::set_active(std::string_view employee_id, bool active) {
  return update_operator(db_, file_, "UPDATE operators SET active = ?2 WHERE employee_id = ?1", employee_id, active,
                         "cannot change whether the operator is active");
}

StoreStatus SqliteStore::set_language(std::string_view employee_id, Lang lang) {
  return update_operator(db_, file_, "UPDATE operators SET lang = ?2 WHERE employee_id = ?1", employee_id,
                         lang_code(lang), "cannot change the operator's language");
}

StoreStatus SqliteStore::set_role(std::string_view employee_id, Role role) {
  return update_operator(db_, file_, "UPDATE operators SET role = ?2 WHERE employee_id = ?1", employee_id,
                         role_name(role), "cannot change the operator's role");
}

// ---- [SECTION] Attempts and events --------------------------------------------------------------

StoreStatus SqliteStore::begin_attempt(const AttemptRow& row, const std::vector<OutboxStatement>& statements) {
  if (row.uuid.empty()) return make_status(StoreError::invalid, "an attempt needs a uuid");
  if (row.ended_ms != 0) return make_status(StoreError::invalid, "a new attempt must be open (ended_ms 0)");
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  if (!operator_exists(db_, row.operator_id))
    return make_status(StoreError::not_found, "no operator with employee id " + row.operator_id);
  if (attempt_state(db_, row.uuid) != AttemptState::missing)
    return make_status(StoreError::invalid, "attempt " + row.uuid + " already exists");
  AttemptRow open = row;
  open.finished = open.abandoned = false;
  int rc = insert_attempt(db_, open);
  if (rc != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot start the attempt");
  if (StoreStatus st = insert_statements(statements); !st) return st;
  return tx.commit();
}

StoreStatus SqliteStore::add_event(const AttemptEventRow& event, const std::vector<OutboxStatement>& statements) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  switch (attempt_state(db_, event.attempt_uuid)) {
    case AttemptState::missing:
      return make_status(StoreError::not_found, "no attempt " + event.attempt_uuid);
    case AttemptState::closed:
      return make_status(StoreError::invalid, "attempt " + event.attempt_uuid + " is already closed");
    case AttemptState::open:
      break;
  }
  // Events are numbered 1..n with no gaps, so a missing event is visible (and check() can tell).
  Stmt last(db_, "SELECT coalesce(max(seq), 0) FROM attempt_events WHERE attempt_uuid = ?1");
  last.bind(1, event.attempt_uuid);
  int rc = last.step();
  if (rc != SQLITE_ROW) return sql_status(db_, file_, rc, "cannot read the attempt's events");
  int next = last.i32(0) + 1;
  if (event.seq != next)
    return make_status(StoreError::invalid, "attempt " + event.attempt_uuid + ": event " + std::to_string(event.seq) +
                                                " out of order (next is " + std::to_string(next) + ")");
  Stmt ins(db_, insert_event_sql);
  if ((rc = insert_event(ins, event)) != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot record the event");
  if (StoreStatus st = insert_statements(statements); !st) return st;
  return tx.commit();
}

namespace {
int insert_award(sqlite3* db, const AwardRow& a) {
  Stmt s(db,
         "INSERT INTO awards (operator_id, track_id, track_version, awarded_ms, expires_ms, basis) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  s.bind(1, a.operator_id).bind(2, a.track_id).bind(3, a.track_version).bind(4, a.awarded_ms);
  s.bind(5, a.expires_ms).bind(6, nlohmann::json(a.basis).dump());
  return s.step();
}
}  // namespace

StoreStatus SqliteStore::finish_attempt(const AttemptRow& row, const std::optional<AwardRow>& award,
                                        const std::vector<OutboxStatement>& statements) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt q(db_, "SELECT ended_ms, started_ms FROM attempts WHERE uuid = ?1");
  q.bind(1, row.uuid);
  if (q.step() != SQLITE_ROW) return make_status(StoreError::not_found, "no attempt " + row.uuid);
  if (q.i64(0) != 0) return make_status(StoreError::invalid, "attempt " + row.uuid + " is already closed");
  if (row.ended_ms == 0 || row.ended_ms < q.i64(1))
    return make_status(StoreError::invalid, "attempt " + row.uuid + ": the end must be set and not before the start");

  Stmt u(db_,
         "UPDATE attempts SET ended_ms = ?2, points = ?3, max_points = ?4, score = ?5, passed = ?6, "
         "critical_errors = ?7, finished = ?8, abandoned = ?9 WHERE uuid = ?1");
  u.bind(1, row.uuid).bind(2, row.ended_ms).bind(3, row.points).bind(4, row.max_points).bind(5, row.score);
  u.bind(6, row.passed).bind(7, row.critical_errors).bind(8, row.finished).bind(9, row.abandoned);
  if (int rc = exec_bound(u); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot close the attempt");
  // The award rides in the same transaction: a pass that earned a certificate never exists without it.
  if (award) {
    if (int rc = insert_award(db_, *award); rc != SQLITE_DONE)
      return sql_status(db_, file_, rc, "cannot store the award");
  }
  if (StoreStatus st = insert_statements(statements); !st) return st;
  return tx.commit();
}

StoreStatus SqliteStore::add_closed_attempt(const AttemptRow& row, const std::vector<AttemptEventRow>& events) {
  if (row.uuid.empty() || row.ended_ms == 0 || row.ended_ms < row.started_ms)
    return make_status(StoreError::invalid, "a closed attempt needs a uuid and an end not before its start");
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  if (!operator_exists(db_, row.operator_id))
    return make_status(StoreError::not_found, "no operator with employee id " + row.operator_id);
  if (attempt_state(db_, row.uuid) != AttemptState::missing)
    return make_status(StoreError::invalid, "attempt " + row.uuid + " already exists");
  int rc = insert_attempt(db_, row);
  if (rc != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot store the attempt");
  Stmt ins(db_, insert_event_sql);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].attempt_uuid != row.uuid || events[i].seq != int(i) + 1)
      return make_status(StoreError::invalid, "attempt " + row.uuid + ": events must be its own, numbered 1..n");
    if ((rc = insert_event(ins, events[i])) != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot store the event");
  }
  return tx.commit();
}

std::optional<AttemptRow> SqliteStore::attempt(std::string_view uuid) {
  std::string sql = std::string("SELECT ") + attempt_columns + " FROM attempts WHERE uuid = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, uuid);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return read_attempt(s);
}

std::vector<AttemptRow> SqliteStore::attempts(std::string_view operator_id, int limit) {
  // rowid breaks ties between attempts started in the same millisecond: the later insert is newer.
  std::string sql = std::string("SELECT ") + attempt_columns +
                    " FROM attempts WHERE (?1 = '' OR operator_id = ?1) ORDER BY started_ms DESC, rowid DESC LIMIT ?2";
  sql = one_or_all(std::move(sql), operator_id);
  Stmt s(db_, sql.c_str());
  s.bind(1, operator_id).bind(2, limit < 0 ? int64_t(-1) : int64_t(limit));
  std::vector<AttemptRow> out;
  while (s.step() == SQLITE_ROW) out.push_back(read_attempt(s));
  return out;
}

std::vector<AttemptEventRow> SqliteStore::events(std::string_view attempt_uuid) {
  Stmt s(db_,
         "SELECT attempt_uuid, seq, at_ms, kind, step_id, choice_id, points, max_points, critical, mistake, payload "
         "FROM attempt_events WHERE attempt_uuid = ?1 ORDER BY seq");
  s.bind(1, attempt_uuid);
  std::vector<AttemptEventRow> out;
  while (s.step() == SQLITE_ROW) {
    AttemptEventRow e;
    e.attempt_uuid = s.text(0);
    e.seq = s.i32(1);
    e.at_ms = s.i64(2);
    e.kind = s.text(3);
    e.step_id = s.text(4);
    e.choice_id = s.text(5);
    e.points = s.i32(6);
    e.max_points = s.i32(7);
    e.critical = s.flag(8);
    e.mistake = s.flag(9);
    e.payload = s.text(10);
    out.push_back(std::move(e));
  }
  return out;
}

// ---- [SECTION] Statistics -------------------------------------------------------------------------

std::vector<ScenarioStat> SqliteStore::scenario_stats(std::string_view operator_id) {
  std::vector<ScenarioStat> out;
  // Counts in one GROUP BY; best score over closed attempts only (an open one has no score yet).
  Stmt s(db_, one_or_all("SELECT operator_id, scenario_id, count(*), sum(passed), sum(abandoned), "
                         "coalesce(max(CASE WHEN ended_ms != 0 THEN score END), 0), max(started_ms) "
                         "FROM attempts WHERE (?1 = '' OR operator_id = ?1) "
                         "GROUP BY operator_id, scenario_id ORDER BY operator_id, scenario_id",
                         operator_id)
                  .c_str());
  s.bind(1, operator_id);
  while (s.step() == SQLITE_ROW) {
    ScenarioStat st;
    st.operator_id = s.text(0);
    st.scenario_id = s.text(1);
    st.attempts = s.i32(2);
    st.passes = s.i32(3);
    st.abandoned = s.i32(4);
    st.best_score = s.real(5);
    st.last_attempt_ms = s.i64(6);
    out.push_back(std::move(st));
  }
  // The pass times in a second, ordered query (SQLite 3.40's group_concat has no ORDER BY), merged
  // into the groups above: both lists are sorted by (operator, scenario).
  Stmt p(db_, one_or_all("SELECT operator_id, scenario_id, ended_ms FROM attempts "
                         "WHERE passed = 1 AND ended_ms != 0 AND (?1 = '' OR operator_id = ?1) "
                         "ORDER BY operator_id, scenario_id, ended_ms",
                         operator_id)
                  .c_str());
  p.bind(1, operator_id);
  std::size_t i = 0;
  while (p.step() == SQLITE_ROW) {
    std::string op = p.text(0), sc = p.text(1);
    while (i < out.size() && std::tie(out[i].operator_id, out[i].scenario_id) < std::tie(op, sc)) ++i;
    if (i < out.size() && out[i].operator_id == op && out[i].scenario_id == sc)
      out[i].pass_ended_ms.push_back(p.i64(2));
  }
  return out;
}

std::vector<MistakeCount> SqliteStore::mistake_counts(std::string_view scenario_id, int limit) {
  // Group the mistakes, rank the groups within each scenario, keep the first `limit` of each.
  Stmt s(db_, one_or_all("SELECT scenario_id, step_id, choice_id, n, crit FROM ("
                         "  SELECT a.scenario_id, e.step_id, e.choice_id, count(*) AS n, max(e.critical) AS crit, "
                         "         row_number() OVER (PARTITION BY a.scenario_id "
                         "                            ORDER BY count(*) DESC, e.step_id, e.choice_id) AS rank "
                         "  FROM attempt_events e JOIN attempts a ON a.uuid = e.attempt_uuid "
                         "  WHERE e.mistake = 1 AND (?1 = '' OR a.scenario_id = ?1) "
                         "  GROUP BY a.scenario_id, e.step_id, e.choice_id) "
                         "WHERE ?2 < 0 OR rank <= ?2 ORDER BY scenario_id, n DESC, step_id, choice_id",
                         scenario_id)
                  .c_str());
  s.bind(1, scenario_id).bind(2, limit);
  std::vector<MistakeCount> out;
  while (s.step() == SQLITE_ROW) {
    MistakeCount m;
    m.scenario_id = s.text(0);
    m.step_id = s.text(1);
    m.choice_id = s.text(2);
    m.count = s.i32(3);
    m.critical = s.flag(4);
    out.push_back(std::move(m));
  }
  return out;
}

// ---- [SECTION] Certification, settings, check(), new_uuid() ----------------------------------------

std::vector<AwardRow> SqliteStore::awards(std::string_view operator_id) {
  Stmt s(db_, one_or_all("SELECT operator_id, track_id, track_version, awarded_ms, expires_ms, basis FROM awards "
                         "WHERE (?1 = '' OR operator_id = ?1) ORDER BY awarded_ms, id",
                         operator_id)
                  .c_str());
  s.bind(1, operator_id);
  std::vector<AwardRow> out;
  while (s.step() == SQLITE_ROW) {
    AwardRow a;
    a.operator_id = s.text(0);
    a.track_id = s.text(1);
    a.track_version = s.i32(2);
    a.awarded_ms = s.i64(3);
    a.expires_ms = s.i64(4);
    // Written by insert_award; a hand-edited value that does not parse leaves the basis empty.
    nlohmann::json basis = nlohmann::json::parse(s.text(5), nullptr, false);
    if (basis.is_array())
      for (const auto& b : basis)
        if (b.is_string()) a.basis.push_back(b.get<std::string>());
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<std::string> SqliteStore::setting(std::string_view key) {
  Stmt s(db_, "SELECT value FROM settings WHERE key = ?1");
  s.bind(1, key);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return s.text(0);
}

StoreStatus SqliteStore::set_setting(std::string_view key, std::string_view value) {
  if (key.empty()) return make_status(StoreError::invalid, "a setting needs a key");
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt s(db_, "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2");
  s.bind(1, key).bind(2, value);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot store the setting");
  return tx.commit();
}

std::vector<std::string> SqliteStore::check() {
  std::vector<std::string> problems;
  const std::string where = file_.string() + ": ";
  // Each rule reports at most this many rows: a badly damaged file should not print forever.
  constexpr int max_rows = 20;
  auto run = [&](const char* sql, auto&& describe) {
    Stmt s(db_, sql);
    int rc, n = 0;
    while ((rc = s.step()) == SQLITE_ROW) {
      if (n++ < max_rows) {
        std::string p = describe(s);
        if (!p.empty()) problems.push_back(where + p);
      }
    }
    if (rc != SQLITE_DONE) problems.push_back(sql_status(db_, file_, rc, "check failed").message);
  };
  run("PRAGMA integrity_check", [](const Stmt& s) { return s.text(0) == "ok" ? std::string() : s.text(0); });
  run("PRAGMA foreign_key_check", [](const Stmt& s) {
    return "table " + s.text(0) + " row " + s.text(1) + " refers to a missing row of " + s.text(2);
  });
  run("SELECT attempt_uuid, count(*), min(seq), max(seq) FROM attempt_events GROUP BY attempt_uuid "
      "HAVING min(seq) != 1 OR max(seq) != count(*)",
      [](const Stmt& s) {
        return "attempt " + s.text(0) + ": events not numbered 1.." + s.text(1) + " (" + s.text(2) + ".." + s.text(3) +
               ")";
      });
  run("SELECT uuid, started_ms, ended_ms FROM attempts "
      "WHERE (ended_ms != 0 AND ended_ms < started_ms) OR ((finished = 1 OR abandoned = 1) AND ended_ms = 0)",
      [](const Stmt& s) {
        return "attempt " + s.text(0) + ": closed without a proper end (started " + s.text(1) + ", ended " + s.text(2) +
               ")";
      });
  run("SELECT employee_id FROM operators WHERE substr(pin_hash, 1, 10) != '$argon2id$'",
      [](const Stmt& s) { return "operator " + s.text(0) + ": PIN not stored as an argon2id hash"; });
  return problems;
}

std::string new_uuid() {
  ensure_sodium();
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4: random
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10: RFC 4122
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 0x0f]);
  }
  return out;
}

// ---- [SECTION] xAPI outbox and certifications from the LRS ----------------------------------------

const char* outbox_state_name(OutboxState s) {
  switch (s) {
    case OutboxState::queued:
      return "queued";
    case OutboxState::sent:
      return "sent";
    case OutboxState::set_aside:
      return "set_aside";
    case OutboxState::voided:
      return "voided";
  }
  return "queued";
}

namespace {

OutboxState parse_outbox_state(const std::string& s) {
  if (s == "sent") return OutboxState::sent;
  if (s == "set_aside") return OutboxState::set_aside;
  if (s == "voided") return OutboxState::voided;
  return OutboxState::queued;
}

constexpr const char* outbox_columns =
    "seq, id, attempt_uuid, verb, body, created_ms, state, tries, next_try_ms, last_error, done_ms";

OutboxRow read_outbox(const Stmt& s) {
  OutboxRow r;
  r.seq = s.i64(0);
  r.statement.id = s.text(1);
  r.statement.attempt_uuid = s.text(2);
  r.statement.verb = s.text(3);
  r.statement.body = s.text(4);
  r.statement.created_ms = s.i64(5);
  r.state = parse_outbox_state(s.text(6));
  r.tries = s.i32(7);
  r.next_try_ms = s.i64(8);
  r.last_error = s.text(9);
  r.done_ms = s.i64(10);
  return r;
}

// Errors from servers are kept short: they are shown to people and stored per statement.
std::string clip(std::string_view text, std::size_t max = 300) {
  std::string out(text.substr(0, max));
  if (text.size() > max) out += "…";
  return out;
}

}  // namespace

StoreStatus SqliteStore::insert_statements(const std::vector<OutboxStatement>& statements) {
  if (statements.empty()) return {};
  Stmt s(db_, "INSERT INTO outbox (id, attempt_uuid, verb, body, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const auto& st : statements) {
    if (st.id.empty() || st.body.empty()) return make_status(StoreError::invalid, "a statement needs an id and a body");
    s.reset();
    s.bind(1, st.id).bind(2, st.attempt_uuid).bind(3, st.verb).bind(4, st.body).bind(5, st.created_ms);
    if (int rc = s.step(); rc != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot queue statement " + st.id);
  }
  return {};
}

std::vector<OutboxRow> SqliteStore::outbox_due(int limit, int64_t now_ms) {
  const std::string sql = std::string("SELECT ") + outbox_columns +
                          " FROM outbox WHERE state = 'queued' AND next_try_ms <= ?1 ORDER BY seq LIMIT ?2";
  Stmt s(db_, sql.c_str());
  s.bind(1, now_ms).bind(2, int64_t(limit));
  std::vector<OutboxRow> out;
  while (s.step() == SQLITE_ROW) out.push_back(read_outbox(s));
  return out;
}

std::optional<int64_t> SqliteStore::outbox_next_try_ms() {
  Stmt c(db_, "SELECT count(*), coalesce(min(next_try_ms), 0) FROM outbox WHERE state = 'queued'");
  if (c.step() != SQLITE_ROW || c.i64(0) == 0) return std::nullopt;
  return c.i64(1);
}

StoreStatus SqliteStore::outbox_mark_sent(const std::vector<std::string>& ids, int64_t now_ms) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt s(db_, "UPDATE outbox SET state = 'sent', done_ms = ?2, last_error = '' WHERE id = ?1 AND state = 'queued'");
  for (const auto& id : ids) {
    s.reset();
    s.bind(1, id).bind(2, now_ms);
    if (int rc = s.step(); rc != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot mark statements sent");
  }
  // The last delivery is kept as a setting: "last synced" is then one row to read, and it outlives
  // the delivered rows that outbox_prune_sent() removes.
  Stmt last(db_,
            "INSERT INTO settings (key, value) VALUES ('sync.last_sent_ms', ?1) ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), ?1) AS TEXT)");
  last.bind(1, now_ms);
  if (int rc = exec_bound(last); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot note the delivery time");
  return tx.commit();
}

StoreStatus SqliteStore::outbox_defer(const std::vector<std::string>& ids, int64_t next_try_ms,
                                      std::string_view error) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt s(db_,
         "UPDATE outbox SET tries = tries + 1, next_try_ms = ?2, last_error = ?3 WHERE id = ?1 AND state = 'queued'");
  const std::string e = clip(error);
  for (const auto& id : ids) {
    s.reset();
    s.bind(1, id).bind(2, next_try_ms).bind(3, e);
    if (int rc = s.step(); rc != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot defer statements");
  }
  return tx.commit();
}

StoreStatus SqliteStore::outbox_set_aside(std::string_view id, std::string_view reason, int64_t now_ms) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt s(db_,
         "UPDATE outbox SET state = 'set_aside', tries = tries + 1, last_error = ?2, done_ms = ?3 "
         "WHERE id = ?1 AND state = 'queued'");
  s.bind(1, id).bind(2, clip(reason)).bind(3, now_ms);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot set the statement aside");
  if (sqlite3_changes(db_) == 0) return make_status(StoreError::not_found, "no queued statement " + std::string(id));
  return tx.commit();
}

int SqliteStore::outbox_retry(std::string_view id, int64_t now_ms) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return 0;
  Stmt s(db_,
         "UPDATE outbox SET state = 'queued', next_try_ms = ?2, done_ms = 0 "
         "WHERE state IN ('set_aside', 'queued') AND (?1 = '' OR id = ?1)");
  s.bind(1, id).bind(2, now_ms);
  if (exec_bound(s) != SQLITE_OK) return 0;
  const int changed = sqlite3_changes(db_);
  return tx.commit() ? changed : 0;
}

int SqliteStore::outbox_make_due(int64_t now_ms) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return 0;
  Stmt s(db_, "UPDATE outbox SET next_try_ms = ?1 WHERE state = 'queued' AND next_try_ms > ?1");
  s.bind(1, now_ms);
  if (exec_bound(s) != SQLITE_OK) return 0;
  const int changed = sqlite3_changes(db_);
  return tx.commit() ? changed : 0;
}

StoreStatus SqliteStore::outbox_void(std::string_view id, std::string_view reason, int64_t now_ms) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt s(db_,
         "UPDATE outbox SET state = 'voided', last_error = ?2, done_ms = ?3 WHERE id = ?1 AND state = 'set_aside'");
  s.bind(1, id).bind(2, clip(reason)).bind(3, now_ms);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot void the statement");
  if (sqlite3_changes(db_) == 0)
    return make_status(StoreError::not_found,
                       "no set-aside statement " + std::string(id) + " (only those can be voided)");
  return tx.commit();
}

OutboxCounts SqliteStore::outbox_counts(bool count_delivered) {
  OutboxCounts c;
  // One count per state: the index (state, seq) makes each a range count, and the delivered
  // range, by far the largest, is counted only when asked for.
  Stmt s(db_, "SELECT count(*) FROM outbox WHERE state = ?1");
  auto count = [&](const char* state) {
    s.reset();
    s.bind(1, state);
    return s.step() == SQLITE_ROW ? s.i64(0) : int64_t(0);
  };
  c.queued = count("queued");
  c.set_aside = count("set_aside");
  c.voided = count("voided");
  if (count_delivered) c.sent = count("sent");
  Stmt o(db_, "SELECT coalesce(min(created_ms), 0) FROM outbox WHERE state = 'queued'");
  if (o.step() == SQLITE_ROW) c.oldest_queued_ms = o.i64(0);
  if (auto v = setting("sync.last_sent_ms")) {
    try {
      c.last_sent_ms = std::stoll(*v);
    } catch (...) {
    }
  }
  return c;
}

std::vector<OutboxRow> SqliteStore::outbox_list(OutboxState state, int limit) {
  const std::string sql =
      std::string("SELECT ") + outbox_columns + " FROM outbox WHERE state = ?1 ORDER BY seq LIMIT ?2";
  Stmt s(db_, sql.c_str());
  s.bind(1, outbox_state_name(state)).bind(2, int64_t(limit));
  std::vector<OutboxRow> out;
  while (s.step() == SQLITE_ROW) out.push_back(read_outbox(s));
  return out;
}

std::optional<OutboxRow> SqliteStore::outbox_find(std::string_view id) {
  const std::string sql = std::string("SELECT ") + outbox_columns + " FROM outbox WHERE id = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, id);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return read_outbox(s);
}

int SqliteStore::outbox_prune_sent(int64_t before_ms) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return 0;
  Stmt s(db_, "DELETE FROM outbox WHERE state = 'sent' AND done_ms < ?1");
  s.bind(1, before_ms);
  if (exec_bound(s) != SQLITE_OK) return 0;
  const int n = sqlite3_changes(db_);
  return tx.commit() ? n : 0;
}

StoreStatus SqliteStore::replace_remote_awards(std::string_view operator_id, const std::vector<RemoteAward>& awards,
                                               int64_t fetched_ms) {
  WriteTx tx(db_, file_);
  if (!tx.status()) return tx.status();
  Stmt d(db_, "DELETE FROM remote_awards WHERE operator_id = ?1");
  d.bind(1, operator_id);
  if (int rc = exec_bound(d); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot refresh remote awards");
  Stmt s(db_,
         "INSERT OR REPLACE INTO remote_awards (statement_id, operator_id, track_id, awarded_ms, kiosk_id, store_id, "
         "fetched_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const auto& a : awards) {
    if (a.operator_id != operator_id) continue;
    s.reset();
    s.bind(1, a.statement_id).bind(2, a.operator_id).bind(3, a.track_id).bind(4, a.awarded_ms);
    s.bind(5, a.kiosk_id).bind(6, a.store_id).bind(7, fetched_ms);
    if (int rc = s.step(); rc != SQLITE_DONE) return sql_status(db_, file_, rc, "cannot store remote awards");
  }
  return tx.commit();
}

std::vector<RemoteAward> SqliteStore::remote_awards(std::string_view operator_id) {
  Stmt s(db_,
         "SELECT statement_id, operator_id, track_id, awarded_ms, kiosk_id, store_id FROM remote_awards "
         "WHERE operator_id = ?1 ORDER BY awarded_ms, statement_id");
  s.bind(1, operator_id);
  std::vector<RemoteAward> out;
  while (s.step() == SQLITE_ROW) {
    RemoteAward a;
    a.statement_id = s.text(0);
    a.operator_id = s.text(1);
    a.track_id = s.text(2);
    a.awarded_ms = s.i64(3);
    a.kiosk_id = s.text(4);
    a.store_id = s.text(5);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace posdrill
