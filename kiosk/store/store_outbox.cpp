// SqliteStore's xAPI outbox and the certifications read from the LRS (store.h).
#include "kiosk/store/store.h"
#include "kiosk/store/store_sql.h"

namespace posdrill {

using namespace store_sql;

// ---- xAPI outbox and certifications from the LRS ----------------------------------------

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
  r.statement.created_ms = s.wall(5);
  r.state = parse_outbox_state(s.text(6));
  r.tries = s.i32(7);
  r.next_try_ms = s.wall(8);
  r.last_error = s.text(9);
  r.done_ms = s.wall(10);
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
    if (int rc = s.step(); rc != SQLITE_DONE) return failed(rc, "cannot queue statement " + st.id);
  }
  return {};
}

StoreList<OutboxRow> SqliteStore::outbox_due(int limit, WallTime now_ms) {
  const std::string sql = std::string("SELECT ") + outbox_columns +
                          " FROM outbox WHERE state = 'queued' AND next_try_ms <= ?1 ORDER BY seq LIMIT ?2";
  Stmt s(db_, sql.c_str());
  s.bind(1, now_ms).bind(2, int64_t(limit));
  StoreList<OutboxRow> out;
  if (int rc = read_rows(s, out, read_outbox); rc != SQLITE_OK) out.status = failed(rc, "cannot read the outbox");
  return out;
}

std::optional<WallTime> SqliteStore::outbox_next_try_ms() {
  Stmt c(db_, "SELECT count(*), coalesce(min(next_try_ms), 0) FROM outbox WHERE state = 'queued'");
  if (c.step() != SQLITE_ROW || c.i64(0) == 0) return std::nullopt;
  return c.wall(1);
}

StoreStatus SqliteStore::outbox_mark_sent(const std::vector<std::string>& ids, WallTime now_ms) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt s(db_, "UPDATE outbox SET state = 'sent', done_ms = ?2, last_error = '' WHERE id = ?1 AND state = 'queued'");
  for (const auto& id : ids) {
    s.reset();
    s.bind(1, id).bind(2, now_ms);
    if (int rc = s.step(); rc != SQLITE_DONE) return failed(rc, "cannot mark statements sent");
  }
  // The last delivery is kept as a setting: "last synced" is then one row to read, and it outlives
  // the delivered rows that outbox_prune_sent() removes.
  Stmt last(db_,
            "INSERT INTO settings (key, value) VALUES ('sync.last_sent_ms', ?1) ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), ?1) AS TEXT)");
  last.bind(1, now_ms);
  if (int rc = exec_bound(last); rc != SQLITE_OK) return failed(rc, "cannot note the delivery time");
  return tx.commit();
}

StoreStatus SqliteStore::outbox_defer(const std::vector<std::string>& ids, WallTime next_try_ms,
                                      std::string_view error) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt s(db_,
         "UPDATE outbox SET tries = tries + 1, next_try_ms = ?2, last_error = ?3 WHERE id = ?1 AND state = 'queued'");
  const std::string e = clip(error);
  for (const auto& id : ids) {
    s.reset();
    s.bind(1, id).bind(2, next_try_ms).bind(3, e);
    if (int rc = s.step(); rc != SQLITE_DONE) return failed(rc, "cannot defer statements");
  }
  return tx.commit();
}

StoreStatus SqliteStore::outbox_set_aside(std::string_view id, std::string_view reason, WallTime now_ms) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt s(db_,
         "UPDATE outbox SET state = 'set_aside', tries = tries + 1, last_error = ?2, done_ms = ?3 "
         "WHERE id = ?1 AND state = 'queued'");
  s.bind(1, id).bind(2, clip(reason)).bind(3, now_ms);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return failed(rc, "cannot set the statement aside");
  if (sqlite3_changes(db_) == 0) return make_status(StoreError::not_found, "no queued statement " + std::string(id));
  return tx.commit();
}

int SqliteStore::outbox_retry(std::string_view id, WallTime now_ms) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return 0;
  Stmt s(db_,
         "UPDATE outbox SET state = 'queued', next_try_ms = ?2, done_ms = 0 "
         "WHERE state IN ('set_aside', 'queued') AND (?1 = '' OR id = ?1)");
  s.bind(1, id).bind(2, now_ms);
  if (exec_bound(s) != SQLITE_OK) return 0;
  const int changed = sqlite3_changes(db_);
  return tx.commit() ? changed : 0;
}

int SqliteStore::outbox_make_due(WallTime now_ms) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return 0;
  Stmt s(db_, "UPDATE outbox SET next_try_ms = ?1 WHERE state = 'queued' AND next_try_ms > ?1");
  s.bind(1, now_ms);
  if (exec_bound(s) != SQLITE_OK) return 0;
  const int changed = sqlite3_changes(db_);
  return tx.commit() ? changed : 0;
}

StoreStatus SqliteStore::outbox_void(std::string_view id, std::string_view reason, WallTime now_ms) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt s(db_,
         "UPDATE outbox SET state = 'voided', last_error = ?2, done_ms = ?3 WHERE id = ?1 AND state = 'set_aside'");
  s.bind(1, id).bind(2, clip(reason)).bind(3, now_ms);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return failed(rc, "cannot void the statement");
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
  int rc = SQLITE_ROW;
  auto count = [&](const char* state) {
    s.reset();
    s.bind(1, state);
    if (rc == SQLITE_ROW) rc = s.step();
    return rc == SQLITE_ROW ? s.i64(0) : int64_t(0);
  };
  c.queued = count("queued");
  c.set_aside = count("set_aside");
  c.voided = count("voided");
  if (count_delivered) c.sent = count("sent");
  Stmt o(db_, "SELECT coalesce(min(created_ms), 0) FROM outbox WHERE state = 'queued'");
  if (rc == SQLITE_ROW) rc = o.step();
  if (rc == SQLITE_ROW) c.oldest_queued_ms = o.wall(0);
  if (rc != SQLITE_ROW) {
    OutboxCounts none;
    none.status = failed(rc, "cannot count the outbox");
    return none;
  }
  const StoreFound<std::string> last = setting("sync.last_sent_ms");
  if (!last.ok()) {
    OutboxCounts none;
    none.status = last.status;
    return none;
  }
  if (last) {
    try {
      c.last_sent_ms = WallTime{std::stoll(*last)};
    } catch (...) {
    }
  }
  return c;
}

StoreList<OutboxRow> SqliteStore::outbox_list(OutboxState state, int limit) {
  const std::string sql =
      std::string("SELECT ") + outbox_columns + " FROM outbox WHERE state = ?1 ORDER BY seq LIMIT ?2";
  Stmt s(db_, sql.c_str());
  s.bind(1, outbox_state_name(state)).bind(2, int64_t(limit));
  StoreList<OutboxRow> out;
  if (int rc = read_rows(s, out, read_outbox); rc != SQLITE_OK) out.status = failed(rc, "cannot read the outbox");
  return out;
}

StoreFound<OutboxRow> SqliteStore::outbox_find(std::string_view id) {
  const std::string sql = std::string("SELECT ") + outbox_columns + " FROM outbox WHERE id = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, id);
  StoreFound<OutboxRow> out;
  if (int rc = read_one(s, out, read_outbox); rc != SQLITE_OK) out.status = failed(rc, "cannot read the outbox");
  return out;
}

int SqliteStore::outbox_prune_sent(WallTime before_ms) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return 0;
  Stmt s(db_, "DELETE FROM outbox WHERE state = 'sent' AND done_ms < ?1");
  s.bind(1, before_ms);
  if (exec_bound(s) != SQLITE_OK) return 0;
  const int n = sqlite3_changes(db_);
  Stmt mark(db_,
            "INSERT INTO settings (key, value) VALUES ('sync.pruned_before_ms', ?1) ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), ?1) AS TEXT)");
  mark.bind(1, before_ms);
  if (exec_bound(mark) != SQLITE_OK) return 0;
  return tx.commit() ? n : 0;
}

StoreStatus SqliteStore::replace_remote_awards(std::string_view operator_id, const std::vector<RemoteAward>& awards,
                                               WallTime fetched_ms) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt d(db_, "DELETE FROM remote_awards WHERE operator_id = ?1");
  d.bind(1, operator_id);
  if (int rc = exec_bound(d); rc != SQLITE_OK) return failed(rc, "cannot refresh remote awards");
  Stmt s(db_,
         "INSERT OR REPLACE INTO remote_awards (statement_id, operator_id, track_id, awarded_ms, kiosk_id, store_id, "
         "fetched_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const auto& a : awards) {
    if (a.operator_id != operator_id) continue;
    s.reset();
    s.bind(1, a.statement_id).bind(2, a.operator_id).bind(3, a.track_id).bind(4, a.awarded_ms);
    s.bind(5, a.kiosk_id).bind(6, a.store_id).bind(7, fetched_ms);
    if (int rc = s.step(); rc != SQLITE_DONE) return failed(rc, "cannot store remote awards");
  }
  return tx.commit();
}

StoreList<RemoteAward> SqliteStore::remote_awards(std::string_view operator_id) {
  Stmt s(db_,
         one_or_all("SELECT statement_id, operator_id, track_id, awarded_ms, kiosk_id, store_id FROM remote_awards "
                    "WHERE (?1 = '' OR operator_id = ?1) AND operator_id IN (SELECT employee_id FROM operators) "
                    "ORDER BY operator_id, awarded_ms, statement_id",
                    operator_id)
             .c_str());
  s.bind(1, operator_id);
  StoreList<RemoteAward> out;
  const int rc = read_rows(s, out, [](const Stmt& row) {
    RemoteAward a;
    a.statement_id = row.text(0);
    a.operator_id = row.text(1);
    a.track_id = row.text(2);
    a.awarded_ms = row.wall(3);
    a.kiosk_id = row.text(4);
    a.store_id = row.text(5);
    return a;
  });
  if (rc != SQLITE_OK) out.status = failed(rc, "cannot read the certifications from the LRS");
  return out;
}

}  // namespace posdrill
