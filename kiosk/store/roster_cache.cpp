// RosterCache (roster_cache.h): the chain roster's facts in their own SQLite file.

#include "kiosk/store/roster_cache.h"

#include <optional>
#include <string>
#include <vector>

#include "kiosk/store/store_sql.h"

namespace posdrill {

using namespace store_sql;

namespace {

// migrations[i] takes the cache from user_version i to i + 1 (the cache can always be rebuilt from
// the LRS, but a step is still never edited once shipped).
const char* const migrations[] = {
    R"sql(
-- Each person as their latest statement named them (name, store, kiosk).
CREATE TABLE people (
  employee_id TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  store_id    TEXT NOT NULL DEFAULT '',
  kiosk_id    TEXT NOT NULL DEFAULT '',
  seen_ms     INTEGER NOT NULL
) WITHOUT ROWID;
-- Attempts by registration: begun (attempted) and, once passed, their end and score.
CREATE TABLE attempts (
  registration TEXT PRIMARY KEY NOT NULL,
  employee_id  TEXT NOT NULL,
  scenario_id  TEXT NOT NULL,
  started_ms   INTEGER NOT NULL,
  ended_ms     INTEGER NOT NULL DEFAULT 0,
  passed       INTEGER NOT NULL DEFAULT 0,
  score        REAL NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE certifications (
  statement_id TEXT PRIMARY KEY NOT NULL,
  employee_id  TEXT NOT NULL,
  track_id     TEXT NOT NULL,
  awarded_ms   INTEGER NOT NULL,
  store_id     TEXT NOT NULL DEFAULT '',
  kiosk_id     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
-- Per stream (one per verb read): the newest `stored` time read so far.
CREATE TABLE cursors (
  stream    TEXT PRIMARY KEY NOT NULL,
  stored_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    R"sql(
-- The roster per store as the last report computed it, for the console's chain panel.
CREATE TABLE store_summary (
  store_id    TEXT PRIMARY KEY NOT NULL,
  people      INTEGER NOT NULL,
  certified   INTEGER NOT NULL,
  expiring    INTEGER NOT NULL,
  expired     INTEGER NOT NULL,
  in_progress INTEGER NOT NULL,
  not_started INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
};
static_assert(std::size(migrations) == RosterCache::schema_version, "one migration step per schema version");

const StoreStatus no_refusal;

}  // namespace

RosterCache::RosterCache(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}

RosterCache::~RosterCache() { sqlite3_close_v2(db_); }

std::filesystem::path RosterCache::default_file(const std::filesystem::path& data_dir) {
  return data_dir / "lrs-roster.db";
}

std::unique_ptr<RosterCache> RosterCache::open(const std::filesystem::path& file, StoreStatus& status, bool read_only) {
  if (read_only) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      status = make_status(StoreError::not_found, file.string() + ": no roster cache yet");
      return nullptr;
    }
  } else if (!(status = create_private_file(file))) {
    return nullptr;
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw,
                           (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<RosterCache> cache(new RosterCache(raw, file));
  if (rc != SQLITE_OK) {
    status = sql_status(raw, file, rc, "cannot open");
    return nullptr;
  }
  sqlite3_extended_result_codes(raw, 1);
  // A reader (the kiosk's console) never waits long for a refresh that is writing.
  sqlite3_busy_timeout(raw, read_only ? 200 : SqliteStore::busy_timeout_ms);
  if (read_only) {
    Stmt s(raw, "PRAGMA user_version");
    if ((rc = s.step()) != SQLITE_ROW) {
      status = sql_status(raw, file, rc, "cannot read the cache");
      return nullptr;
    }
    if (const int version = s.i32(0); version != schema_version) {
      status = make_status(
          version < schema_version ? StoreError::not_found : StoreError::too_new,
          file.string() + ": a roster cache of schema " + std::to_string(version) +
              ", this posdrill "
              "reads " +
              std::to_string(schema_version) +
              (version < schema_version ? "; the next `posdrill report --from-lrs` brings it up to date" : ""));
      return nullptr;
    }
    return cache;
  }
  // NORMAL is enough here: the cache is rebuilt from the LRS if a power cut takes its last page.
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"}) {
    if ((rc = sqlite3_exec(raw, pragma, nullptr, nullptr, nullptr)) != SQLITE_OK) {
      status = sql_status(raw, file, rc, pragma);
      return nullptr;
    }
  }
  WriteTx tx(raw, file, no_refusal);
  if (!tx.status()) {
    status = tx.status();
    return nullptr;
  }
  int version = 0;
  {
    Stmt s(raw, "PRAGMA user_version");
    if ((rc = s.step()) != SQLITE_ROW) {
      status = sql_status(raw, file, rc, "cannot read the cache");
      return nullptr;
    }
    version = s.i32(0);
  }
  if (version < 0 || version > schema_version) {
    status = make_status(StoreError::too_new, file.string() + ": not a roster cache this posdrill knows (schema " +
                                                  std::to_string(version) + "); remove it to rebuild it");
    return nullptr;
  }
  for (int v = version; v < schema_version; ++v) {
    if ((rc = sqlite3_exec(raw, migrations[v], nullptr, nullptr, nullptr)) != SQLITE_OK) {
      status = sql_status(raw, file, rc, "cannot set up the cache");
      return nullptr;
    }
  }
  const std::string set_version = "PRAGMA user_version = " + std::to_string(schema_version);
  if ((rc = sqlite3_exec(raw, set_version.c_str(), nullptr, nullptr, nullptr)) != SQLITE_OK) {
    status = sql_status(raw, file, rc, "cannot set up the cache");
    return nullptr;
  }
  if (!(status = tx.commit())) return nullptr;
  return cache;
}

StoreStatus RosterCache::apply(const std::vector<RosterFact>& facts, const std::string& stream, WallTime cursor_ms) {
  WriteTx tx(db_, file_, no_refusal);
  if (!tx.status()) return tx.status();
  // The latest statement about a person names them; an older one read again changes nothing.
  Stmt person(db_,
              "INSERT INTO people (employee_id, name, store_id, kiosk_id, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
              "ON CONFLICT (employee_id) DO UPDATE SET "
              "name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END, "
              "store_id = CASE WHEN excluded.store_id != '' THEN excluded.store_id ELSE store_id END, "
              "kiosk_id = CASE WHEN excluded.kiosk_id != '' THEN excluded.kiosk_id ELSE kiosk_id END, "
              "seen_ms = excluded.seen_ms WHERE excluded.seen_ms >= people.seen_ms");
  // An attempt's start is its attempted statement's time; a pass read first gives end - duration
  // until the attempted statement arrives.
  Stmt began(db_,
             "INSERT INTO attempts (registration, employee_id, scenario_id, started_ms) VALUES (?1, ?2, ?3, ?4) "
             "ON CONFLICT (registration) DO UPDATE SET started_ms = excluded.started_ms");
  Stmt passed(
      db_,
      "INSERT INTO attempts (registration, employee_id, scenario_id, started_ms, ended_ms, passed, score) "
      "VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6) "
      "ON CONFLICT (registration) DO UPDATE SET ended_ms = excluded.ended_ms, passed = 1, score = excluded.score");
  Stmt certified(db_,
                 "INSERT OR IGNORE INTO certifications (statement_id, employee_id, track_id, awarded_ms, store_id, "
                 "kiosk_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  int rc;
  for (const RosterFact& f : facts) {
    person.reset();
    person.bind(1, f.employee_id).bind(2, f.name).bind(3, f.store_id).bind(4, f.kiosk_id).bind(5, f.at_ms);
    if ((rc = exec_bound(person)) != SQLITE_OK) return sql_status(db_, file_, rc, "cannot store a person");
    Stmt* s = nullptr;
    switch (f.kind) {
      case RosterFact::Kind::attempted:
        s = &began;
        s->reset();
        s->bind(1, f.registration).bind(2, f.employee_id).bind(3, f.scenario_id).bind(4, f.at_ms);
        break;
      case RosterFact::Kind::scenario_passed:
        s = &passed;
        s->reset();
        s->bind(1, f.registration).bind(2, f.employee_id).bind(3, f.scenario_id).bind(4, f.at_ms - f.duration_ms);
        s->bind(5, f.at_ms).bind(6, f.score);
        break;
      case RosterFact::Kind::certified:
        s = &certified;
        s->reset();
        s->bind(1, f.statement_id).bind(2, f.employee_id).bind(3, f.track_id).bind(4, f.at_ms);
        s->bind(5, f.store_id).bind(6, f.kiosk_id);
        break;
    }
    if ((rc = exec_bound(*s)) != SQLITE_OK) return sql_status(db_, file_, rc, "cannot store a fact");
  }
  Stmt cur(db_,
           "INSERT INTO cursors (stream, stored_ms) VALUES (?1, ?2) "
           "ON CONFLICT (stream) DO UPDATE SET stored_ms = max(stored_ms, excluded.stored_ms)");
  cur.bind(1, stream).bind(2, cursor_ms);
  if ((rc = exec_bound(cur)) != SQLITE_OK) return sql_status(db_, file_, rc, "cannot move the cursor");
  return tx.commit();
}

StoreFound<WallTime> RosterCache::cursor(const std::string& stream) {
  Stmt s(db_, "SELECT stored_ms FROM cursors WHERE stream = ?1");
  s.bind(1, stream);
  StoreFound<WallTime> out;
  if (int rc = read_one(s, out, [](const Stmt& row) { return row.wall(0); }); rc != SQLITE_OK)
    out.status = sql_status(db_, file_, rc, "cannot read the cursor");
  return out;
}

StoreStatus RosterCache::set_refreshed_ms(WallTime t) {
  WriteTx tx(db_, file_, no_refusal);
  if (!tx.status()) return tx.status();
  Stmt s(db_, "INSERT OR REPLACE INTO settings (key, value) VALUES ('refreshed_ms', ?1)");
  s.bind(1, std::to_string(t.ms()));
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot note the refresh");
  return tx.commit();
}

StoreFound<WallTime> RosterCache::refreshed_ms() {
  Stmt s(db_, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'refreshed_ms'");
  StoreFound<WallTime> out;
  if (int rc = read_one(s, out, [](const Stmt& row) { return row.wall(0); }); rc != SQLITE_OK)
    out.status = sql_status(db_, file_, rc, "cannot read the cache");
  return out;
}

// The console's summary stays, with its time: still true as of then, until a report replaces it.
StoreStatus RosterCache::clear() {
  WriteTx tx(db_, file_, no_refusal);
  if (!tx.status()) return tx.status();
  const int rc =
      sqlite3_exec(db_,
                   "DELETE FROM people; DELETE FROM attempts; DELETE FROM certifications; DELETE FROM cursors; "
                   "DELETE FROM settings WHERE key <> 'summary_ms'",
                   nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot clear the cache");
  return tx.commit();
}

StoreStatus RosterCache::replace_store_summary(const std::vector<ChainStoreRow>& rows, WallTime as_of_ms) {
  WriteTx tx(db_, file_, no_refusal);
  if (!tx.status()) return tx.status();
  int rc = sqlite3_exec(db_, "DELETE FROM store_summary", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sql_status(db_, file_, rc, "cannot store the summary");
  Stmt s(db_,
         "INSERT INTO store_summary (store_id, people, certified, expiring, expired, in_progress, not_started) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const ChainStoreRow& r : rows) {
    s.reset();
    s.bind(1, r.store_id).bind(2, r.people).bind(3, r.certified).bind(4, r.expiring).bind(5, r.expired);
    s.bind(6, r.in_progress).bind(7, r.not_started);
    if ((rc = exec_bound(s)) != SQLITE_OK) return sql_status(db_, file_, rc, "cannot store the summary");
  }
  Stmt when(db_, "INSERT OR REPLACE INTO settings (key, value) VALUES ('summary_ms', ?1)");
  when.bind(1, std::to_string(as_of_ms.ms()));
  if ((rc = exec_bound(when)) != SQLITE_OK) return sql_status(db_, file_, rc, "cannot store the summary");
  return tx.commit();
}

StoreList<ChainStoreRow> RosterCache::store_summary(WallTime& as_of_ms) {
  as_of_ms = WallTime{};
  StoreList<ChainStoreRow> out;
  Stmt when(db_, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'summary_ms'");
  std::optional<WallTime> at;
  if (int rc = read_one(when, at, [](const Stmt& row) { return row.wall(0); }); rc != SQLITE_OK) {
    out.status = sql_status(db_, file_, rc, "cannot read the summary");
    return out;
  }
  as_of_ms = at.value_or(WallTime{});
  Stmt s(db_,
         "SELECT store_id, people, certified, expiring, expired, in_progress, not_started FROM store_summary "
         "ORDER BY CAST(certified + expiring AS REAL) / MAX(people, 1), people DESC, store_id");
  if (int rc = read_rows(s, out,
                         [](const Stmt& row) {
                           return ChainStoreRow{row.text(0), row.i32(1), row.i32(2), row.i32(3),
                                                row.i32(4),  row.i32(5), row.i32(6)};
                         });
      rc != SQLITE_OK)
    out.status = sql_status(db_, file_, rc, "cannot read the summary");
  return out;
}

StoreList<OperatorRecord> RosterCache::people() {
  Stmt s(db_, "SELECT employee_id, name, store_id FROM people ORDER BY store_id, employee_id");
  StoreList<OperatorRecord> out;
  if (int rc = read_rows(s, out,
                         [](const Stmt& row) {
                           OperatorRecord op;
                           op.employee_id = row.text(0);
                           op.name = row.text(1);
                           op.store_id = row.text(2);
                           return op;
                         });
      rc != SQLITE_OK)
    out.status = sql_status(db_, file_, rc, "cannot read the people");
  return out;
}

StoreList<AttemptRow> RosterCache::attempts() {
  Stmt s(db_, "SELECT registration, employee_id, scenario_id, started_ms, ended_ms, passed, score FROM attempts");
  StoreList<AttemptRow> out;
  if (int rc = read_rows(s, out,
                         [](const Stmt& row) {
                           AttemptRow a;
                           a.uuid = row.text(0);
                           a.operator_id = row.text(1);
                           a.scenario_id = row.text(2);
                           a.started_ms = row.wall(3);
                           a.ended_ms = row.wall(4);
                           a.passed = row.flag(5);
                           a.finished = a.passed;
                           a.score = row.real(6);
                           return a;
                         });
      rc != SQLITE_OK)
    out.status = sql_status(db_, file_, rc, "cannot read the attempts");
  return out;
}

StoreList<RemoteAwardRow> RosterCache::certifications() {
  Stmt s(db_,
         "SELECT statement_id, employee_id, track_id, awarded_ms, kiosk_id, store_id FROM certifications "
         "ORDER BY employee_id, awarded_ms");
  StoreList<RemoteAwardRow> out;
  if (int rc = read_rows(s, out,
                         [](const Stmt& row) {
                           return RemoteAwardRow{row.text(0), row.text(1), row.text(2),
                                                 row.wall(3), row.text(4), row.text(5)};
                         });
      rc != SQLITE_OK)
    out.status = sql_status(db_, file_, rc, "cannot read the certifications");
  return out;
}

}  // namespace posdrill
