// SqliteStore: the kiosk's records in one SQLite file. The SQL helpers are in store_sql.h; the
// operators, the attempts and the outbox have their own sources (store_operators.cpp,
// store_attempts.cpp, store_outbox.cpp).
//
// [SECTION] Schema migrations (PRAGMA user_version; one step per version)
// [SECTION] Opening (file modes, pragmas, migration, crash recovery)
// [SECTION] Settings, new_uuid()
//
// check() is in store_check.cpp.
#include "kiosk/store/store.h"
#include "kiosk/store/store_sql.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <vector>

#include "base/percent.h"

namespace posdrill {

using namespace store_sql;

namespace store_sql {

void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; the static makes it once per process. It fails only
  // when the system has no randomness source, and then nothing here can be trusted.
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

}  // namespace store_sql

namespace {

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
    // Step 3: the closing statement of each open attempt, drafted when it begins (sync on), so
    // that crash recovery queues `abandoned` in its own transaction without needing the content
    // or the LRS settings: it only stamps the end time and the duration.
    R"sql(
CREATE TABLE attempt_drafts (
  attempt_uuid TEXT PRIMARY KEY NOT NULL REFERENCES attempts (uuid),
  id           TEXT NOT NULL,  -- the statement id it will be queued with
  body         TEXT NOT NULL   -- the abandoned statement as of the attempt's start
) WITHOUT ROWID;
-- db check looks up each attempt's statements by verb.
CREATE INDEX outbox_by_attempt ON outbox (attempt_uuid, verb);
)sql",
    // Step 4: wrong sign-ins under employee ids nobody has, counted and locked exactly like an
    // account's, so the sign-in never tells which ids exist. A row goes when its lock has passed
    // or the id becomes an account.
    R"sql(
CREATE TABLE unknown_sign_ins (
  employee_id     TEXT PRIMARY KEY NOT NULL,
  failed_pins     INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
)sql",
    // Step 5: summaries, so that the roster and the mistakes chart read a few hundred rows instead
    // of every attempt and event. Triggers keep them, in the transaction of the write that changes
    // them (begin, event, finish, crash recovery, import); this step builds them from the records
    // already there. scenario_summaries follows the attempts as they open and close; pass_frontier
    // keeps, per operator and scenario, the clean passes (passed, finished, no critical error) that
    // no later pass matches in score: each has a higher score than every pass after it, so
    // "a pass after T with at least score S" is answered from it exactly, whatever S a track asks.
    R"sql(
CREATE TABLE scenario_summaries (
  operator_id     TEXT NOT NULL,
  scenario_id     TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,  -- begun, open ones included
  passes          INTEGER NOT NULL DEFAULT 0,  -- closed and passed
  abandoned       INTEGER NOT NULL DEFAULT 0,  -- closed as abandoned
  best_score      REAL NOT NULL DEFAULT 0,     -- over closed attempts
  last_attempt_ms INTEGER NOT NULL DEFAULT 0,  -- the newest start
  PRIMARY KEY (operator_id, scenario_id)
) WITHOUT ROWID;

CREATE TABLE pass_frontier (
  operator_id  TEXT NOT NULL,
  scenario_id  TEXT NOT NULL,
  ended_ms     INTEGER NOT NULL,
  attempt_uuid TEXT NOT NULL,
  score        REAL NOT NULL,
  PRIMARY KEY (operator_id, scenario_id, ended_ms, attempt_uuid)
) WITHOUT ROWID;

CREATE TABLE mistake_summaries (
  scenario_id TEXT NOT NULL,
  step_id     TEXT NOT NULL,
  choice_id   TEXT NOT NULL,
  mistakes    INTEGER NOT NULL DEFAULT 0,
  critical    INTEGER NOT NULL DEFAULT 0,  -- 1 when any of them was critical
  PRIMARY KEY (scenario_id, step_id, choice_id)
) WITHOUT ROWID;

INSERT INTO scenario_summaries
SELECT operator_id, scenario_id, count(*), sum(CASE WHEN ended_ms != 0 THEN passed ELSE 0 END),
       sum(CASE WHEN ended_ms != 0 THEN abandoned ELSE 0 END),
       coalesce(max(CASE WHEN ended_ms != 0 THEN score END), 0), max(started_ms)
FROM attempts GROUP BY operator_id, scenario_id;

INSERT INTO pass_frontier
SELECT operator_id, scenario_id, ended_ms, uuid, score FROM (
  SELECT operator_id, scenario_id, ended_ms, uuid, score,
         max(score) OVER (PARTITION BY operator_id, scenario_id ORDER BY ended_ms DESC, uuid DESC
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_best
  FROM attempts
  WHERE passed = 1 AND finished = 1 AND abandoned = 0 AND critical_errors = 0 AND ended_ms > 0)
WHERE later_best IS NULL OR score > later_best;

INSERT INTO mistake_summaries
SELECT a.scenario_id, e.step_id, e.choice_id, count(*), max(e.critical)
FROM attempt_events e JOIN attempts a ON a.uuid = e.attempt_uuid
WHERE e.mistake = 1 GROUP BY a.scenario_id, e.step_id, e.choice_id;

-- Every attempt is stored open (add_closed_attempt too stores it open, then closes it) and closes
-- once: at its end, in crash recovery or at the end of its import.
CREATE TRIGGER summary_attempt_stored AFTER INSERT ON attempts BEGIN
  INSERT INTO scenario_summaries (operator_id, scenario_id, attempts, last_attempt_ms)
  VALUES (NEW.operator_id, NEW.scenario_id, 1, NEW.started_ms)
  ON CONFLICT (operator_id, scenario_id) DO UPDATE
  SET attempts = attempts + 1, last_attempt_ms = max(last_attempt_ms, excluded.last_attempt_ms);
END;

CREATE TRIGGER summary_attempt_closed AFTER UPDATE OF ended_ms ON attempts
WHEN OLD.ended_ms = 0 AND NEW.ended_ms != 0 BEGIN
  UPDATE scenario_summaries
  SET passes = passes + NEW.passed, abandoned = abandoned + NEW.abandoned, best_score = max(best_score, NEW.score)
  WHERE operator_id = NEW.operator_id AND scenario_id = NEW.scenario_id;
  DELETE FROM pass_frontier
  WHERE NEW.passed = 1 AND NEW.finished = 1 AND NEW.abandoned = 0 AND NEW.critical_errors = 0 AND NEW.ended_ms > 0
    AND operator_id = NEW.operator_id AND scenario_id = NEW.scenario_id AND score <= NEW.score
    AND (ended_ms < NEW.ended_ms OR (ended_ms = NEW.ended_ms AND attempt_uuid < NEW.uuid));
  INSERT INTO pass_frontier (operator_id, scenario_id, ended_ms, attempt_uuid, score)
  SELECT NEW.operator_id, NEW.scenario_id, NEW.ended_ms, NEW.uuid, NEW.score
  WHERE NEW.passed = 1 AND NEW.finished = 1 AND NEW.abandoned = 0 AND NEW.critical_errors = 0 AND NEW.ended_ms > 0
    AND NOT EXISTS (SELECT 1 FROM pass_frontier f
                    WHERE f.operator_id = NEW.operator_id AND f.scenario_id = NEW.scenario_id AND f.score >= NEW.score
                      AND (f.ended_ms > NEW.ended_ms OR (f.ended_ms = NEW.ended_ms AND f.attempt_uuid > NEW.uuid)));
END;

CREATE TRIGGER summary_mistake AFTER INSERT ON attempt_events WHEN NEW.mistake = 1 BEGIN
  INSERT INTO mistake_summaries (scenario_id, step_id, choice_id, mistakes, critical)
  SELECT a.scenario_id, NEW.step_id, NEW.choice_id, 1, NEW.critical FROM attempts a WHERE a.uuid = NEW.attempt_uuid
  ON CONFLICT (scenario_id, step_id, choice_id) DO UPDATE
  SET mistakes = mistakes + 1, critical = max(critical, excluded.critical);
END;
)sql",
    // Step 6: answers given in practice at a re-drill's branch (the home screen's "practise again"
    // opens a scenario at the decision got wrong and ends after it). Not attempts: they feed the
    // re-drill schedule only, so no summary, chart, item analysis, certification or statement
    // sees them.
    R"sql(
CREATE TABLE practice_answers (
  id               INTEGER PRIMARY KEY,
  operator_id      TEXT NOT NULL REFERENCES operators (employee_id),
  scenario_id      TEXT NOT NULL,
  scenario_version INTEGER NOT NULL,
  seed             INTEGER NOT NULL,
  step_id          TEXT NOT NULL,
  choice_id        TEXT NOT NULL,
  at_ms            INTEGER NOT NULL,
  mistake          INTEGER NOT NULL DEFAULT 0 CHECK (mistake IN (0, 1)),
  elapsed_ms       INTEGER NOT NULL DEFAULT 0,
  hints            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX practice_by_operator ON practice_answers (operator_id, at_ms);
)sql",
};
static_assert(std::size(migrations) == SqliteStore::schema_version,
              "one migration step per schema version: append a step when schema_version grows");

}  // namespace

const char* store_sql::migration_step(int version) {
  return version >= 0 && version < int(std::size(migrations)) ? migrations[version] : nullptr;
}

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

StoreStatus store_sql::create_private_file(const std::filesystem::path& file) {
  std::string error;
  if (!make_private_dirs(file.parent_path(), error)) return make_status(StoreError::io, error);
  // Created here so it is 0600 from its first byte (SQLite would use 0644 less the umask); SQLite
  // gives the -wal and -shm files the database file's mode.
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_status(StoreError::io, file.string() + ": cannot open: " + std::strerror(errno));
  ::close(fd);
  return {};
}

// ---- [SECTION] Opening ----------------------------------------------------------------------------

SqliteStore::SqliteStore(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}

SqliteStore::~SqliteStore() {
  // sqlite3_close_v2 lets the last connection checkpoint the WAL; every statement is already
  // finalized (Stmt is scoped), so this never leaves a zombie connection behind.
  sqlite3_close_v2(db_);
  if (live_fd_ >= 0) ::close(live_fd_);  // releases the liveness lock
}

namespace {

// "file:" URI for sqlite3_open_v2 with SQLITE_OPEN_URI: the path %-escaped where a URI needs it.
std::string file_uri(const std::filesystem::path& file, const char* query) {
  return "file:" + percent_encode(file.string(), [](unsigned char c) { return c != '%' && c != '?' && c != '#'; }) +
         "?" + query;
}

// Waits for another connection's lock for up to busy_timeout_ms, looking again every
// millisecond. SQLite's own handler sleeps up to 100 ms between looks, so a writer waiting on
// another that commits back to back (a drill's answers while an import runs, two kiosk threads)
// can miss every short gap between those transactions and give up with "database is locked".
int busy_wait(void* since_ns, int count) {
  int64_t& since = *static_cast<int64_t*>(since_ns);
  const int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (count == 0) since = now;
  if (now - since >= int64_t{SqliteStore::busy_timeout_ms} * 1'000'000) return 0;
  ::usleep(1000);
  return 1;
}

// PRAGMA user_version, read before anything writes: a file that is not SQLite fails here (NOTADB)
// and stays exactly as it was, so whatever it is can still be looked at.
int read_version(sqlite3* db, int& version) {
  Stmt s(db, "PRAGMA user_version");
  const int rc = s.step();
  if (rc == SQLITE_ROW) version = s.i32(0);
  return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

// The versions this posdrill can use: 0 (a new, empty file; writable opens only) to
// schema_version. A negative one is damage or another program's: migrations[-1] does not exist.
StoreStatus check_version(const std::filesystem::path& file, int version, OpenMode mode) {
  if (version < 0 || (version == 0 && mode == OpenMode::read_only))
    return make_status(StoreError::corrupt, file.string() + ": schema version " + std::to_string(version) +
                                                " is not one posdrill writes (not a posdrill database, or damaged)");
  if (version > SqliteStore::schema_version)
    return make_status(StoreError::too_new, file.string() + ": written by a newer posdrill (schema " +
                                                std::to_string(version) + ", this one knows up to " +
                                                std::to_string(SqliteStore::schema_version) + ")");
  return {};
}

// PRAGMA quick_check (every page and index entry, without cross-checking index contents): a
// writable open refuses a damaged file rather than write into it. Of a file larger than
// `whole_up_to` bytes, only the small tables and attempts (see SqliteStore::whole_check_bytes);
// `what` says which.
StoreStatus quick_check(sqlite3* db, const std::filesystem::path& file, int64_t whole_up_to, std::string& what) {
  int64_t bytes = 0;
  {
    Stmt size(db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
    const int rc = size.step();
    if (rc != SQLITE_ROW) return sql_status(db, file, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "cannot read its size");
    bytes = size.i64(0);
  }
  std::vector<std::string> pragmas;
  if (bytes <= whole_up_to) {
    what = "every page";
    pragmas.push_back("PRAGMA quick_check(5)");
  } else {
    what = "the small tables and attempts";
    Stmt exists(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    std::vector<std::string> tables(std::begin(small_tables), std::end(small_tables));
    tables.push_back("attempts");
    for (const std::string& t : tables) {
      exists.reset();
      exists.bind(1, t);
      // A PRAGMA takes no bound parameter; the table names are our own constants.
      if (t == "sqlite_schema" || exists.step() == SQLITE_ROW) pragmas.push_back("PRAGMA quick_check(" + t + ")");
    }
  }
  std::string problems;
  for (const std::string& pragma : pragmas) {
    Stmt s(db, pragma.c_str());
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      if (s.text(0) == "ok") continue;
      problems += (problems.empty() ? "" : "; ") + s.text(0);
    }
    if (rc != SQLITE_DONE) return sql_status(db, file, rc, "damaged, not written into (run posdrill db check)");
  }
  if (!problems.empty())
    return make_status(StoreError::corrupt,
                       file.string() + ": damaged, not written into (run posdrill db check): " + problems);
  return {};
}

}  // namespace

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& file, StoreStatus& status, WallTime now_ms,
                                               OpenMode mode, int64_t whole_check_up_to) {
  ensure_sodium();
  status = {};
  if (mode == OpenMode::read_only) return open_read_only(file, status);
  if (!(status = create_private_file(file))) return nullptr;

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteStore> store(new SqliteStore(raw, file));  // owns raw even when rc failed
  if (rc != SQLITE_OK) {
    status = sql_status(raw, file, rc, "cannot open");
    return nullptr;
  }
  sqlite3* db = store->db_;
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_handler(db, busy_wait, &store->busy_since_ns_);

  int version = 0;
  if ((rc = read_version(db, version)) != SQLITE_OK) {
    status = sql_status(db, file, rc, "cannot read the database");
    return nullptr;
  }
  if (!(status = check_version(file, version, mode))) return nullptr;
  if (!(status = quick_check(db, file, whole_check_up_to, store->open_check_))) return nullptr;

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
    std::string journal;
    {
      Stmt q(db, "PRAGMA journal_mode");  // finalized before the switch: no read may be open then
      if (q.step() == SQLITE_ROW) journal = q.text(0);
    }
    if (journal != "wal") {
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
    WriteTx tx(db, file, StoreStatus{});
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
    if (!(status = check_version(file, version, mode))) return nullptr;
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
  // their last committed event, which is the last moment we know the trainee was there, and queue
  // the abandoned statement drafted when each began, in the same transaction. But an
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
    WriteTx tx(db, file, StoreStatus{});
    if (!tx.status()) {
      status = tx.status();
      return nullptr;
    }
    if (!(status = store->recover_open_attempts(now_ms))) return nullptr;
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

StoreStatus SqliteStore::recover_open_attempts(WallTime now_ms) {
  // Each open attempt ends at its last event (the last moment we know the trainee was there);
  // its draft, when sync was on at its start, becomes the queued abandoned statement.
  Stmt open(db_,
            "SELECT a.uuid, a.started_ms, max(a.started_ms, coalesce((SELECT max(at_ms) FROM attempt_events e "
            "WHERE e.attempt_uuid = a.uuid), a.started_ms)), d.id, d.body "
            "FROM attempts a LEFT JOIN attempt_drafts d ON d.attempt_uuid = a.uuid WHERE a.ended_ms = 0");
  struct Cut {
    std::string uuid, draft_id, draft_body;
    WallTime started_ms, ended_ms;
  };
  std::vector<Cut> cut;
  int rc = read_rows(open, cut, [](const Stmt& row) {
    return Cut{row.text(0), row.text(3), row.text(4), row.wall(1), row.wall(2)};
  });
  if (rc != SQLITE_OK) return failed(rc, "cannot read interrupted attempts");
  Stmt close(db_, "UPDATE attempts SET abandoned = 1, finished = 0, ended_ms = ?2 WHERE uuid = ?1");
  Stmt drop(db_, "DELETE FROM attempt_drafts WHERE attempt_uuid = ?1");
  for (const Cut& c : cut) {
    close.reset();
    close.bind(1, c.uuid).bind(2, c.ended_ms);
    if ((rc = exec_bound(close)) != SQLITE_OK) return failed(rc, "cannot close interrupted attempts");
    if (c.draft_id.empty()) continue;
    const std::string body = stamp_abandoned(c.draft_body, c.started_ms, c.ended_ms);
    // A draft that is not a statement stays where it is: db check reports the attempt.
    if (body.empty()) continue;
    if (StoreStatus st = insert_statements({OutboxStatement{c.draft_id, c.uuid, "abandoned", body, now_ms}}); !st)
      return st;
    drop.reset();
    drop.bind(1, c.uuid);
    if ((rc = exec_bound(drop)) != SQLITE_OK) return failed(rc, "cannot close interrupted attempts");
  }
  recovered_ = int(cut.size());
  return {};
}

std::unique_ptr<SqliteStore> SqliteStore::open_read_only(const std::filesystem::path& file, StoreStatus& status) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    status = make_status(StoreError::io, file.string() + ": no such file");
    return nullptr;
  }
  // mode=ro writes nothing to the file. A WAL file still needs its -shm beside it; where that
  // cannot be made (a read-only copy, a folder of another user) the file is read as immutable,
  // which is exact only while no -wal holds commits the file lacks.
  int version = 0;
  std::unique_ptr<SqliteStore> store;
  for (const char* query : {"mode=ro", "immutable=1"}) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(file_uri(file, query).c_str(), &raw,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    store.reset(new SqliteStore(raw, file));
    if (rc == SQLITE_OK) {
      sqlite3_extended_result_codes(raw, 1);
      sqlite3_busy_handler(raw, busy_wait, &store->busy_since_ns_);
      rc = read_version(raw, version);
    }
    if (rc == SQLITE_OK) break;
    const int primary = rc & 0xff;
    const std::string wal = file.string() + "-wal";
    const bool retry =
        std::string_view(query) == "mode=ro" && (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN);
    if (retry && std::filesystem::file_size(wal, ec) > 0 && !ec) {
      status = make_status(StoreError::io, file.string() + ": cannot be read here: " + wal +
                                               " holds records not yet merged into it and this folder cannot be "
                                               "written; copy the records while the kiosk is closed, or read them "
                                               "in a folder posdrill may write");
      return nullptr;
    }
    if (!retry) {
      status = sql_status(raw, file, rc, "cannot read the database");
      return nullptr;
    }
  }
  if (!(status = check_version(file, version, OpenMode::read_only))) return nullptr;
  store->read_only_ = true;
  store->read_only_refusal_ = make_status(StoreError::io, file.string() + ": opened read-only; nothing is written");
  return store;
}

StoreStatus SqliteStore::failed(int rc, std::string_view what) {
  StoreStatus st = sql_status(db_, file_, rc, what);
  if (st.code == StoreError::corrupt && damage_) damage_ = st;
  return st;
}

const StoreStatus& SqliteStore::write_refusal() const {
  if (!damage_ || !read_only_) return damage_;
  return read_only_refusal_;
}

// ---- [SECTION] Settings, new_uuid() ----------------------------------------------------

StoreFound<std::string> SqliteStore::setting(std::string_view key) {
  Stmt s(db_, "SELECT value FROM settings WHERE key = ?1");
  s.bind(1, key);
  StoreFound<std::string> out;
  if (int rc = read_one(s, out, [](const Stmt& row) { return row.text(0); }); rc != SQLITE_OK)
    out.status = failed(rc, "cannot read the settings");
  return out;
}

StoreStatus SqliteStore::set_setting(std::string_view key, std::string_view value) {
  if (key.empty()) return make_status(StoreError::invalid, "a setting needs a key");
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt s(db_, "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2");
  s.bind(1, key).bind(2, value);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return failed(rc, "cannot store the setting");
  return tx.commit();
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

}  // namespace posdrill
