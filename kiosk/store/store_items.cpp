// SqliteStore::item_answers (store.h): the answers item analysis works from, read in one query
// over the attempts and attempt_events tables as the recorder writes them.
#include "kiosk/store/store.h"
#include "kiosk/store/store_sql.h"

namespace posdrill {

using namespace store_sql;

StoreList<ItemAnswer> SqliteStore::item_answers(std::string_view scenario_id) {
  // The time and the hints are in the event's payload (step_record_json); a payload that is not
  // JSON (hand-edited, or written by a tool) counts as no time and no hints instead of failing
  // the whole read.
  Stmt s(db_, one_or_all("SELECT a.uuid, a.scenario_id, a.score, e.step_id, e.choice_id, "
                         "  CASE WHEN json_valid(e.payload) "
                         "       THEN coalesce(json_extract(e.payload, '$.elapsed_ms'), 0) ELSE 0 END, "
                         "  CASE WHEN json_valid(e.payload) "
                         "       THEN coalesce(json_array_length(e.payload, '$.hints'), 0) ELSE 0 END "
                         "FROM attempts a JOIN attempt_events e ON e.attempt_uuid = a.uuid "
                         "WHERE a.finished = 1 AND a.abandoned = 0 AND a.ended_ms != 0 AND e.kind = 'step' "
                         "  AND e.choice_id != '' AND (?1 = '' OR a.scenario_id = ?1)",
                         scenario_id)
                  .c_str());
  s.bind(1, scenario_id);
  StoreList<ItemAnswer> out;
  const int rc = read_rows(s, out, [](const Stmt& row) {
    ItemAnswer a;
    a.attempt_uuid = row.text(0);
    a.scenario_id = row.text(1);
    a.attempt_score = row.real(2);
    a.step_id = row.text(3);
    a.choice_id = row.text(4);
    a.elapsed_ms = row.i64(5);
    a.hints = row.i32(6);
    return a;
  });
  if (rc != SQLITE_OK) out.status = failed(rc, "cannot read the answers");
  return out;
}

StoreList<DecisionAnswer> SqliteStore::decision_answers(std::string_view operator_id) {
  Stmt s(db_,
         "SELECT scenario_id, step_id, choice_id, at_ms, mistake, seed FROM ("
         "  SELECT a.scenario_id, e.step_id, e.choice_id, e.at_ms, e.mistake, a.seed, a.uuid AS o1, e.seq AS o2 "
         "  FROM attempts a JOIN attempt_events e ON e.attempt_uuid = a.uuid "
         "  WHERE a.operator_id = ?1 AND e.kind = 'step' AND e.choice_id != '' "
         "  UNION ALL "
         "  SELECT scenario_id, step_id, choice_id, at_ms, mistake, seed, '', id FROM practice_answers "
         "  WHERE operator_id = ?1) "
         "ORDER BY at_ms, o1, o2");
  s.bind(1, operator_id);
  StoreList<DecisionAnswer> out;
  const int rc = read_rows(s, out, [](const Stmt& row) {
    DecisionAnswer a;
    a.scenario_id = row.text(0);
    a.step_id = row.text(1);
    a.choice_id = row.text(2);
    a.at_ms = row.wall(3);
    a.mistake = row.i32(4) != 0;
    a.seed = static_cast<uint64_t>(row.i64(5));
    return a;
  });
  if (rc != SQLITE_OK) out.status = failed(rc, "cannot read the answers");
  return out;
}

StoreStatus SqliteStore::add_practice_answer(const PracticeAnswerRow& row) {
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  int rc = operator_exists(db_, row.operator_id);
  if (rc == SQLITE_DONE) return make_status(StoreError::not_found, "no operator with employee id " + row.operator_id);
  if (rc != SQLITE_ROW) return failed(rc, "cannot read the operator");
  Stmt s(db_,
         "INSERT INTO practice_answers (operator_id, scenario_id, scenario_version, seed, step_id, choice_id, at_ms, "
         "mistake, elapsed_ms, hints) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  s.bind(1, row.operator_id).bind(2, row.scenario_id).bind(3, row.scenario_version);
  s.bind(4, static_cast<int64_t>(row.seed)).bind(5, row.step_id).bind(6, row.choice_id).bind(7, row.at_ms);
  s.bind(8, row.mistake).bind(9, row.elapsed_ms).bind(10, row.hints);
  if ((rc = exec_bound(s)) != SQLITE_OK) return failed(rc, "cannot keep the practice answer");
  return tx.commit();
}

}  // namespace posdrill
