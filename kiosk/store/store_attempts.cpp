// SqliteStore's attempts, their events, the statistics and the awards (store.h).
//
// [SECTION] Attempts and events
// [SECTION] Statistics (the summaries of schema step 5), the roster's records
// [SECTION] Certification awards
#include "kiosk/store/store.h"

#include "kiosk/core/certification.h"
#include "kiosk/store/store_sql.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

namespace posdrill {

using namespace store_sql;

namespace {

// ---- Small conversions --------------------------------------------------------------------------

const char* terminal_name(TerminalKind t) { return t == TerminalKind::real ? "real" : "emulated"; }
TerminalKind parse_terminal(const std::string& s) { return s == "real" ? TerminalKind::real : TerminalKind::emulated; }
Lang parse_lang_or_zh(const std::string& s) { return parse_lang(s).value_or(Lang::zh); }

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
  a.started_ms = s.wall(8);
  a.ended_ms = s.wall(9);
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

enum class AttemptState { missing, open, closed, unreadable };
// `rc` gets SQLite's error when the state is unreadable.
AttemptState attempt_state(sqlite3* db, std::string_view uuid, int& rc) {
  Stmt s(db, "SELECT ended_ms FROM attempts WHERE uuid = ?1");
  s.bind(1, uuid);
  rc = s.step();
  if (rc == SQLITE_DONE) return AttemptState::missing;
  if (rc != SQLITE_ROW) return AttemptState::unreadable;
  return s.i64(0) == 0 ? AttemptState::open : AttemptState::closed;
}
}  // namespace

// ---- [SECTION] Attempts and events --------------------------------------------------------------

StoreStatus SqliteStore::new_attempt_allowed(const AttemptRow& row) {
  int rc = operator_exists(db_, row.operator_id);
  if (rc == SQLITE_DONE) return make_status(StoreError::not_found, "no operator with employee id " + row.operator_id);
  if (rc != SQLITE_ROW) return failed(rc, "cannot read the operator");
  switch (attempt_state(db_, row.uuid, rc)) {
    case AttemptState::missing:
      return {};
    case AttemptState::unreadable:
      return failed(rc, "cannot read the attempts");
    default:
      return make_status(StoreError::invalid, "attempt " + row.uuid + " already exists");
  }
}

StoreStatus SqliteStore::begin_attempt(const AttemptRow& row, const std::vector<OutboxStatement>& statements,
                                       const std::optional<OutboxStatement>& closing_draft) {
  if (row.uuid.empty()) return make_status(StoreError::invalid, "an attempt needs a uuid");
  if (row.ended_ms.is_set()) return make_status(StoreError::invalid, "a new attempt must be open (ended_ms 0)");
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  if (StoreStatus st = new_attempt_allowed(row); !st) return st;
  AttemptRow open = row;
  open.finished = open.abandoned = false;
  int rc = insert_attempt(db_, open);
  if (rc != SQLITE_DONE) return failed(rc, "cannot start the attempt");
  if (StoreStatus st = insert_statements(statements); !st) return st;
  if (closing_draft) {
    Stmt d(db_, "INSERT INTO attempt_drafts (attempt_uuid, id, body) VALUES (?1, ?2, ?3)");
    d.bind(1, row.uuid).bind(2, closing_draft->id).bind(3, closing_draft->body);
    if ((rc = exec_bound(d)) != SQLITE_OK) return failed(rc, "cannot draft the closing statement");
  }
  return tx.commit();
}

StoreStatus SqliteStore::add_event(const AttemptEventRow& event, const std::vector<OutboxStatement>& statements) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  int rc = SQLITE_OK;
  switch (attempt_state(db_, event.attempt_uuid, rc)) {
    case AttemptState::unreadable:
      return failed(rc, "cannot read the attempt");
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
  rc = last.step();
  if (rc != SQLITE_ROW) return failed(rc, "cannot read the attempt's events");
  int next = last.i32(0) + 1;
  if (event.seq != next)
    return make_status(StoreError::invalid, "attempt " + event.attempt_uuid + ": event " + std::to_string(event.seq) +
                                                " out of order (next is " + std::to_string(next) + ")");
  Stmt ins(db_, insert_event_sql);
  if ((rc = insert_event(ins, event)) != SQLITE_DONE) return failed(rc, "cannot record the event");
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
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt q(db_, "SELECT ended_ms, started_ms FROM attempts WHERE uuid = ?1");
  q.bind(1, row.uuid);
  if (const int rc = q.step(); rc == SQLITE_DONE)
    return make_status(StoreError::not_found, "no attempt " + row.uuid);
  else if (rc != SQLITE_ROW)
    return failed(rc, "cannot read the attempt");
  if (q.i64(0) != 0) return make_status(StoreError::invalid, "attempt " + row.uuid + " is already closed");
  if (!row.ended_ms.is_set() || row.ended_ms < q.wall(1))
    return make_status(StoreError::invalid, "attempt " + row.uuid + ": the end must be set and not before the start");

  Stmt u(db_,
         "UPDATE attempts SET ended_ms = ?2, points = ?3, max_points = ?4, score = ?5, passed = ?6, "
         "critical_errors = ?7, finished = ?8, abandoned = ?9 WHERE uuid = ?1");
  u.bind(1, row.uuid).bind(2, row.ended_ms).bind(3, row.points).bind(4, row.max_points).bind(5, row.score);
  u.bind(6, row.passed).bind(7, row.critical_errors).bind(8, row.finished).bind(9, row.abandoned);
  if (int rc = exec_bound(u); rc != SQLITE_OK) return failed(rc, "cannot close the attempt");
  // Closed by its own statements: the crash-recovery draft is not needed any more.
  Stmt d(db_, "DELETE FROM attempt_drafts WHERE attempt_uuid = ?1");
  d.bind(1, row.uuid);
  if (int rc = exec_bound(d); rc != SQLITE_OK) return failed(rc, "cannot close the attempt");
  // The award rides in the same transaction: a pass that earned a certificate never exists without it.
  if (award) {
    if (int rc = insert_award(db_, *award); rc != SQLITE_DONE) return failed(rc, "cannot store the award");
  }
  if (StoreStatus st = insert_statements(statements); !st) return st;
  return tx.commit();
}

StoreStatus SqliteStore::add_closed_attempt(const AttemptRow& row, const std::vector<AttemptEventRow>& events) {
  if (row.uuid.empty() || !row.ended_ms.is_set() || row.ended_ms < row.started_ms)
    return make_status(StoreError::invalid, "a closed attempt needs a uuid and an end not before its start");
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  if (StoreStatus st = new_attempt_allowed(row); !st) return st;
  // Stored open, then closed, as a drill's attempt is: the summaries' triggers see one way in.
  AttemptRow open = row;
  open.ended_ms = WallTime{};
  int rc = insert_attempt(db_, open);
  if (rc != SQLITE_DONE) return failed(rc, "cannot store the attempt");
  Stmt ins(db_, insert_event_sql);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].attempt_uuid != row.uuid || events[i].seq != int(i) + 1)
      return make_status(StoreError::invalid, "attempt " + row.uuid + ": events must be its own, numbered 1..n");
    if ((rc = insert_event(ins, events[i])) != SQLITE_DONE) return failed(rc, "cannot store the event");
  }
  Stmt close(db_, "UPDATE attempts SET ended_ms = ?2 WHERE uuid = ?1");
  close.bind(1, row.uuid).bind(2, row.ended_ms);
  if ((rc = exec_bound(close)) != SQLITE_OK) return failed(rc, "cannot store the attempt");
  return tx.commit();
}

StoreFound<AttemptRow> SqliteStore::attempt(std::string_view uuid) {
  std::string sql = std::string("SELECT ") + attempt_columns + " FROM attempts WHERE uuid = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, uuid);
  StoreFound<AttemptRow> out;
  if (int rc = read_one(s, out, read_attempt); rc != SQLITE_OK) out.status = failed(rc, "cannot read the attempt");
  return out;
}

StoreList<AttemptRow> SqliteStore::attempts(std::string_view operator_id, int limit, int offset) {
  // rowid breaks ties between attempts started in the same millisecond: the later insert is newer.
  std::string sql = std::string("SELECT ") + attempt_columns +
                    " FROM attempts WHERE (?1 = '' OR operator_id = ?1) ORDER BY started_ms DESC, rowid DESC "
                    "LIMIT ?2 OFFSET ?3";
  sql = one_or_all(std::move(sql), operator_id);
  Stmt s(db_, sql.c_str());
  s.bind(1, operator_id).bind(2, limit < 0 ? int64_t(-1) : int64_t(limit)).bind(3, std::max(0, offset));
  StoreList<AttemptRow> out;
  if (int rc = read_rows(s, out, read_attempt); rc != SQLITE_OK) out.status = failed(rc, "cannot read the attempts");
  return out;
}

StoreList<AttemptEventRow> SqliteStore::events(std::string_view attempt_uuid) {
  Stmt s(db_,
         "SELECT attempt_uuid, seq, at_ms, kind, step_id, choice_id, points, max_points, critical, mistake, payload "
         "FROM attempt_events WHERE attempt_uuid = ?1 ORDER BY seq");
  s.bind(1, attempt_uuid);
  StoreList<AttemptEventRow> out;
  const int rc = read_rows(s, out, [](const Stmt& row) {
    AttemptEventRow e;
    e.attempt_uuid = row.text(0);
    e.seq = row.i32(1);
    e.at_ms = row.wall(2);
    e.kind = row.text(3);
    e.step_id = row.text(4);
    e.choice_id = row.text(5);
    e.points = row.i32(6);
    e.max_points = row.i32(7);
    e.critical = row.flag(8);
    e.mistake = row.flag(9);
    e.payload = row.text(10);
    return e;
  });
  if (rc != SQLITE_OK) out.status = failed(rc, "cannot read the attempt's events");
  return out;
}

// ---- [SECTION] Statistics -------------------------------------------------------------------------

StoreList<ScenarioStat> SqliteStore::scenario_stats(std::string_view operator_id) {
  StoreList<ScenarioStat> out;
  // The summaries the triggers keep (schema step 5): one row per operator and scenario.
  Stmt s(db_, one_or_all("SELECT operator_id, scenario_id, attempts, passes, abandoned, best_score, last_attempt_ms "
                         "FROM scenario_summaries WHERE (?1 = '' OR operator_id = ?1) "
                         "ORDER BY operator_id, scenario_id",
                         operator_id)
                  .c_str());
  s.bind(1, operator_id);
  int rc = read_rows(s, out, [](const Stmt& row) {
    ScenarioStat st;
    st.operator_id = row.text(0);
    st.scenario_id = row.text(1);
    st.attempts = row.i32(2);
    st.passes = row.i32(3);
    st.abandoned = row.i32(4);
    st.best_score = row.real(5);
    st.last_attempt_ms = row.wall(6);
    return st;
  });
  if (rc != SQLITE_OK) {
    out.status = failed(rc, "cannot read the statistics");
    return out;
  }
  // The pass frontier in the same order, merged into the rows above. It is read in its primary
  // key's order (oldest pass first) and each row's list turned round afterwards: asking SQLite for
  // newest first sorted every operator's and scenario's passes apart, most of the roster's time on
  // a large file. The keys are compared where SQLite holds them, without a copy per row.
  Stmt p(db_, one_or_all("SELECT operator_id, scenario_id, ended_ms, score, attempt_uuid FROM pass_frontier "
                         "WHERE (?1 = '' OR operator_id = ?1) "
                         "ORDER BY operator_id, scenario_id, ended_ms, attempt_uuid",
                         operator_id)
                  .c_str());
  p.bind(1, operator_id);
  std::size_t i = 0;
  while ((rc = p.step()) == SQLITE_ROW) {
    const std::string_view op = p.view(0), sc = p.view(1);
    while (i < out.size() && std::tie(out[i].operator_id, out[i].scenario_id) < std::tie(op, sc)) ++i;
    if (i < out.size() && out[i].operator_id == op && out[i].scenario_id == sc)
      out[i].frontier.push_back(FrontierPass{p.wall(2), p.real(3), p.text(4)});
  }
  if (rc != SQLITE_DONE) {
    out.clear();
    out.status = failed(rc, "cannot read the statistics");
  }
  for (ScenarioStat& st : out) std::reverse(st.frontier.begin(), st.frontier.end());  // newest first
  return out;
}

StoreList<MistakeCount> SqliteStore::mistake_counts(std::string_view scenario_id, int limit) {
  // The summary the triggers keep (schema step 5), ranked within each scenario.
  Stmt s(db_, one_or_all("SELECT scenario_id, step_id, choice_id, mistakes, critical FROM ("
                         "  SELECT *, row_number() OVER (PARTITION BY scenario_id "
                         "                               ORDER BY mistakes DESC, step_id, choice_id) AS rank "
                         "  FROM mistake_summaries WHERE (?1 = '' OR scenario_id = ?1)) "
                         "WHERE ?2 < 0 OR rank <= ?2 ORDER BY scenario_id, mistakes DESC, step_id, choice_id",
                         scenario_id)
                  .c_str());
  s.bind(1, scenario_id).bind(2, limit);
  StoreList<MistakeCount> out;
  const int rc = read_rows(s, out, [](const Stmt& row) {
    MistakeCount m;
    m.scenario_id = row.text(0);
    m.step_id = row.text(1);
    m.choice_id = row.text(2);
    m.count = row.i32(3);
    m.critical = row.flag(4);
    return m;
  });
  if (rc != SQLITE_OK) out.status = failed(rc, "cannot count the mistakes");
  return out;
}

RosterRecords SqliteStore::roster_records() {
  RosterRecords r;
  // One read transaction: the four reads see the same commit. Without it (BEGIN refused) each
  // read is still whole on its own.
  const bool snapshot = sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
  r.operators = operators(true);
  r.stats = scenario_stats();
  r.awards = awards();
  r.remote_awards = remote_awards({});
  if (snapshot) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  for (const StoreStatus* s : {&r.operators.status, &r.stats.status, &r.awards.status, &r.remote_awards.status})
    if (!*s && r.status) r.status = *s;
  return r;
}

// ---- [SECTION] Certification awards ----------------------------------------

StoreList<AwardRow> SqliteStore::awards(std::string_view operator_id) {
  Stmt s(db_, one_or_all("SELECT operator_id, track_id, track_version, awarded_ms, expires_ms, basis FROM awards "
                         "WHERE (?1 = '' OR operator_id = ?1) ORDER BY awarded_ms, id",
                         operator_id)
                  .c_str());
  s.bind(1, operator_id);
  StoreList<AwardRow> out;
  const int rc = read_rows(s, out, [](const Stmt& row) {
    AwardRow a;
    a.operator_id = row.text(0);
    a.track_id = row.text(1);
    a.track_version = row.i32(2);
    a.awarded_ms = row.wall(3);
    a.expires_ms = row.wall(4);
    // Written by insert_award; a hand-edited value that does not parse leaves the basis empty.
    nlohmann::json basis = nlohmann::json::parse(row.text(5), nullptr, false);
    if (basis.is_array())
      for (const auto& b : basis)
        if (b.is_string()) a.basis.push_back(b.get<std::string>());
    return a;
  });
  if (rc != SQLITE_OK) out.status = failed(rc, "cannot read the awards");
  return out;
}

std::vector<RemoteAwardRow> remote_award_rows(const std::vector<RemoteAward>& cached) {
  std::vector<RemoteAwardRow> out;
  out.reserve(cached.size());
  for (const RemoteAward& r : cached)
    out.push_back(RemoteAwardRow{r.statement_id, r.operator_id, r.track_id, r.awarded_ms, r.kiosk_id, r.store_id});
  return out;
}

std::vector<AwardRow> awards_that_count(const RosterRecords& records, const std::vector<Track>& tracks) {
  return merge_remote_awards(tracks, records.awards, remote_award_rows(records.remote_awards));
}

}  // namespace posdrill
